package banner

import (
	"strings"
	"testing"
)

// Held third parties are listed under their own heading in every language,
// with the translated explanation, and no switch of their own.
func TestRenderUnclassified(t *testing.T) {
	for _, lang := range Languages() {
		v := fixture(lang)
		plain := string(Render(v))
		v.Unclassified = []string{"cdn.unknown-tracker.test", "x<y.test"}
		out := string(Render(v))
		if strings.Contains(plain, "unknown-tracker") {
			t.Fatalf("%s: listed without Unclassified", lang)
		}
		for _, want := range []string{
			"<strong>cdn.unknown-tracker.test</strong>", "<strong>x&lt;y.test</strong>",
			asciiText(Text(lang, "category_unclassified", nil)), asciiText(Text(lang, "unclassified_hosts", nil)),
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q missing", lang, want)
			}
		}
		if strings.Count(out, `type="checkbox"`) != strings.Count(plain, `type="checkbox"`) {
			t.Errorf("%s: unclassified got a switch", lang)
		}
	}
}

// asciiText is s as the banner writes it: ASCII, every other character a
// numeric character reference.
func asciiText(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&quot;")
		case r < 0x80:
			b.WriteRune(r)
		default:
			b.WriteString("&#" + itoa(int(r)) + ";")
		}
	}
	return b.String()
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}
