package consent

import (
	"net/http"
	"testing"
)

func TestCSPNonces(t *testing.T) {
	tests := []struct {
		name          string
		headers       []string
		script, style string
	}{
		{"none", nil, "", ""},
		{"script and style", []string{`script-src 'nonce-abc' 'strict-dynamic'; style-src 'self' 'nonce-def'`}, "abc", "def"},
		{"default-src covers both", []string{`default-src 'self' 'nonce-x/y+z='`}, "x/y+z=", "x/y+z="},
		{"script-src-elem decides over script-src", []string{`script-src-elem 'self'; script-src 'nonce-a'`}, "", ""},
		{"script-src decides over default-src", []string{`default-src 'nonce-d'; script-src 'self'`}, "", "d"},
		{"upper case", []string{`SCRIPT-SRC 'NONCE-AbC_-9'`}, "AbC_-9", ""},
		{"second header", []string{`img-src *`, `script-src 'nonce-q'`}, "q", ""},
		{"second policy of a list", []string{`default-src 'self', script-src 'nonce-w'`}, "w", ""},
		{"markup is never a nonce", []string{`script-src 'nonce-a"><script>alert(1)</script>'`}, "", ""},
		{"empty nonce", []string{`script-src 'nonce-'`}, "", ""},
		{"unquoted is not a nonce", []string{`script-src nonce-abc`}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.headers {
				h.Add("Content-Security-Policy", v)
			}
			h.Set("Content-Security-Policy-Report-Only", `script-src 'nonce-report'`)
			if s, st := cspNonces(h); s != tt.script || st != tt.style {
				t.Errorf("got %q, %q; want %q, %q", s, st, tt.script, tt.style)
			}
		})
	}
}
