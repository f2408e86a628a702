package banner

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// FuzzRender feeds hostile config and request strings into every document the
// package writes and checks that none of them escapes its context: the output
// is ASCII, holds only the package's own elements and attributes, and gives
// back the input strings as text.
func FuzzRender(f *testing.F) {
	f.Add("https://example.com/privacy", "/page?a=1", "Cookies", "Google Analytics", "nb", uint8(0))
	f.Add(`"><script>alert(1)</script>`, `/x"><svg onload=1>`, `<!--`, `</table></form>`, "no", uint8(255))
	f.Fuzz(func(t *testing.T, policyURL, ret, title, service, lang string, flags uint8) {
		v := fixture(lang)
		v.PolicyURL, v.Return = policyURL, ret
		v.Texts = map[string]map[string]string{v.lang(): {"title": title, "embed_blocked": "{service}", "embed_unclassified": title}}
		v.Found[3].Name = service
		v.Found[3].Cookies = []string{service}
		v.Cookies = func(p string) *catalog.Cookie { return &catalog.Cookie{Pattern: p, Lifetime: "1y"} }
		v.Decided, v.GPC, v.DNT = flags&1 != 0, flags&2 != 0, flags&4 != 0
		v.Granted = policy.Set(flags >> 4)
		for name, out := range map[string][]byte{
			"banner":       Render(v),
			"settings":     SettingsPage(v),
			"placeholder":  Placeholder(v, v.Found[3], policy.Marketing),
			"unclassified": PlaceholderUnclassified(v),
		} {
			for i, c := range out {
				if c >= 0x80 {
					t.Fatalf("%s: non-ASCII byte at %d", name, i)
				}
			}
			var nodes []node
			if name == "banner" {
				nodes = parse(t, out)
			} else {
				nodes = parseDoc(t, out)
			}
			checkOnlyOurs(t, nodes)
			// The escaper drops what HTML cannot carry; everything else must
			// come back as it went in.
			want := carried(service)
			if name == "unclassified" {
				one(t, nodes, "why", func(n node) bool { return n.tag == "p" && n.text == carried(title) })
			} else if name == "placeholder" {
				one(t, nodes, "service", func(n node) bool { return n.tag == "strong" && n.text == want })
			} else if find(nodes, func(n node) bool { return n.tag == "code" && n.text == want }) == nil {
				t.Fatalf("%s: cookie name %q does not come back", name, want)
			}
		}
		nodes := parse(t, Render(v))
		one(t, nodes, "title", func(n node) bool { return n.attrs["id"] == "consent-title" && n.text == carried(title) })
	})
}

// carried is s as it reads after esc: without controls, C1 codes and invalid
// UTF-8, and with CR LF and lone CR read as LF, as an HTML parser does.
func carried(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1, r < 0x20 && r != '\t' && r != '\n' && r != '\r', r >= 0x7f && r < 0xa0:
		default:
			b.WriteRune(r)
		}
	}
	return strings.ReplaceAll(strings.ReplaceAll(b.String(), "\r\n", "\n"), "\r", "\n")
}

func FuzzNegotiate(f *testing.F) {
	f.Add("nb-NO", "sv-SE,sv;q=0.9,en;q=0.8", "")
	f.Add("", "*;q=0.5, de;q=0.500, fr;q=1.0", "sv nb")
	f.Fuzz(func(t *testing.T, htmlLang, al, allowedList string) {
		var allowed []string
		if allowedList != "" {
			allowed = strings.Fields(allowedList)
		}
		got := Negotiate(htmlLang, al, allowed)
		if builtin[got] == nil {
			t.Fatalf("Negotiate(%q, %q, %q) = %q, not a built-in language", htmlLang, al, allowed, got)
		}
		if allowed != nil && got != "en" && !slices.Contains(allowed, got) {
			t.Fatalf("Negotiate(%q, %q, %q) = %q, not allowed", htmlLang, al, allowed, got)
		}
	})
}

func FuzzFormatLifetime(f *testing.F) {
	f.Add("pl", "22mo")
	f.Add("ga", "999999y")
	f.Fuzz(func(t *testing.T, lang, lifetime string) {
		got := FormatLifetime(lang, lifetime)
		if strings.Contains(got, "{n}") {
			t.Fatalf("FormatLifetime(%q, %q) = %q", lang, lifetime, got)
		}
	})
}
