package asciihtml

import "testing"

func TestEsc(t *testing.T) {
	for in, want := range map[string]string{
		`<script>"x"&'y'</script>`: `&lt;script&gt;&#34;x&#34;&amp;&#39;y&#39;&lt;/script&gt;`,
		"blåbær":                   "bl&#229;b&#230;r",
		"a\x00b\x7fc\u0085d":       "abcd", // controls and C1 codes dropped
		"bad\xffutf8":              "badutf8",
		"tab\tnew\nline":           "tab\tnew\nline",
	} {
		w := NewWriter(0)
		w.Esc(in)
		if got := string(w.Bytes()); got != want {
			t.Errorf("Esc(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	for u, want := range map[string]bool{
		"/personvern/":           true,
		"/":                      true,
		"https://example.com/p":  true,
		"http://example.com":     true,
		"//evil.example/":        false, // protocol-relative: another host
		"/\\evil.example":        false,
		"javascript:alert(1)":    false,
		"data:text/html,x":       false,
		"https://":               false,
		"/a\nb":                  false,
		"":                       false,
		"ftp://example.com/":     false,
		"HTTPS://example.com/ok": true,
	} {
		if got := SafeURL(u); got != want {
			t.Errorf("SafeURL(%q) = %v, want %v", u, got, want)
		}
	}
}
