package consent

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/banner"
)

// TestEmbeddedDeclaration serves a WordPress-style privacy page with the
// one-line hook, in Norwegian and in Swedish, through a real Caddy: the
// rewriter fills the hook with the declaration in the page's language.
func TestEmbeddedDeclaration(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		lang := map[string]string{"/personvern/": "nb", "/integritet/": "sv"}[r.URL.Path]
		if lang == "" {
			w.Header().Add("Set-Cookie", "_ga=GA1.1.1.1; Max-Age=63072000; Path=/")
			io.WriteString(w, trackerPage)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html lang="%s"><head><title>Privacy</title></head><body>
<article><h1>Privacy</h1><p>Intro.</p><div class="entry" data-consent-declaration></div><p>Outro.</p></article></body></html>`, lang)
	}))
	t.Cleanup(up.Close)
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %[2]s
	}
	reverse_proxy %[1]s
}
`, strings.TrimPrefix(up.URL, "http://"), secret))
	base := srv.URL(1)
	page(t, base, "", nil) // the site sets _ga and loads GA: the declaration lists them

	for path, lang := range map[string]string{"/personvern/": "nb", "/integritet/": "sv"} {
		t.Run(lang, func(t *testing.T) {
			// A browser preferring English: the page's language wins.
			resp, raw := get(t, "GET", base+path, map[string]string{"Accept-Language": "en"})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			s := html.UnescapeString(string(raw))
			at := strings.Index(s, `<div class="entry" data-consent-declaration><section data-consent-declaration lang="`+lang+`"`)
			if at < 0 {
				t.Fatalf("the hook is not filled with a %s declaration:\n%.3000s", lang, s)
			}
			decl := s[at:strings.Index(s, "<p>Outro.</p>")]
			for _, want := range []string{
				"<h2 id=\"consent-decl-title\">" + banner.Text(lang, "declaration_title", nil) + "</h2>",
				"<code>consent</code>",
				"<code>_ga</code>",
				banner.FormatLifetime(lang, "13mo"),
				`href="/_consent/settings?lang=` + lang + `"`,
				"</section></div>",
			} {
				if !strings.Contains(decl, want) {
					t.Errorf("the embedded %s declaration lacks %q", lang, want)
				}
			}
			if strings.Contains(decl, "<html") || strings.Count(s, "data-consent-banner") == 0 {
				t.Error("the declaration is not a fragment, or the page lost its banner")
			}
		})
	}
}
