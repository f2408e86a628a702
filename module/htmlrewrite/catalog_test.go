package htmlrewrite

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Through the real catalog: every fixture of the snippet corpus, the vendors'
// and the extra cases, must come out with nothing that loads or runs a
// tracker, and with data-consent-category on what was neutralised.
func TestCatalogSnippets(t *testing.T) {
	cat := catalog.Default()
	files, _ := filepath.Glob(filepath.Join(corpus, "*.html"))
	extra, _ := filepath.Glob(filepath.Join(corpus, "extra", "*.html"))
	if len(files) < 30 || len(extra) == 0 {
		t.Fatalf("only %d catalog snippets and %d extra ones in %s", len(files), len(extra), corpus)
	}
	for _, f := range append(files, extra...) {
		in, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(f, func(t *testing.T) {
			out, page := rewrite(t, string(in), &Options{Classifier: cat})
			if len(liveTrackers(t, string(in), cat, 0)) == 0 {
				// Necessary services (reCAPTCHA, Turnstile) are never blocked.
				if out != string(in) || len(page.Found) == 0 {
					t.Errorf("a necessary service: Found %d, changed %v", len(page.Found), out != string(in))
				}
				return
			}
			assertNoLiveTracker(t, out, cat, 0)
			if page.Blocked == 0 || !strings.Contains(out, `data-consent-category="`) {
				t.Errorf("nothing neutralised:\n%s", out)
			}
			if u := unneutralise(out); u != string(in) {
				t.Errorf("edits beyond neutralising:\n%s", out)
			}
			// Everything granted: byte for byte.
			if out, _ := rewrite(t, string(in), &Options{Classifier: cat, Granted: policy.All}); out != string(in) {
				t.Errorf("changed with everything granted:\n%s", out)
			}
		})
	}
}

// The catalog's negative fixtures are scripts that must not match: wrapped in
// <script>, they pass byte for byte.
func TestCatalogNegatives(t *testing.T) {
	files, err := filepath.Glob("../catalog/testdata/negative/*.js")
	if err != nil || len(files) == 0 {
		t.Fatalf("no negative fixtures in module/catalog/testdata/negative: %v", err)
	}
	for _, f := range files {
		js, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		in := "<script>" + string(js) + "</script>"
		if out, _ := rewrite(t, in, &Options{Classifier: catalog.Default()}); out != in {
			t.Errorf("%s: changed", f)
		}
	}
}

func readPage(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pages", name))
	if err != nil {
		tb.Fatalf("page fixture: %v", err)
	}
	return string(b)
}

func TestCatalogPages(t *testing.T) {
	cat := catalog.Default()
	banner := func(*Page) []byte { return []byte(`<div data-consent-banner></div>`) }
	for _, name := range []string{"wordpress-median.html", "drupal7-median.html"} {
		t.Run(name, func(t *testing.T) {
			in := readPage(t, name)
			out, page := rewrite(t, in, &Options{Classifier: cat, Banner: banner})
			want := strings.Replace(in, "</body>", `<div data-consent-banner></div></body>`, 1)
			if out != want {
				t.Errorf("a page without trackers changed beyond the banner (Found %d)", len(page.Found))
			}
			if page.Lang == "" {
				t.Errorf("no lang read")
			}
		})
	}
	t.Run("wordpress-trackers.html", func(t *testing.T) {
		in := readPage(t, "wordpress-trackers.html")
		if len(liveTrackers(t, in, cat, 0)) < 10 {
			t.Fatal("the checker finds too few trackers in the fixture")
		}
		out, page := rewrite(t, in, &Options{Classifier: cat, Banner: banner})
		assertNoLiveTracker(t, out, cat, 0)
		if u := unneutralise(strings.Replace(out, `<div data-consent-banner></div>`, "", 1)); u != in {
			t.Errorf("edits beyond neutralising and the banner")
		}
		t.Logf("blocked %d elements of %d services, by kind %v, overflows %d", page.Blocked, len(page.Found), page.BlockedByKind, page.Overflows)
		if page.Overflows != 0 {
			t.Errorf("Overflows = %d on a normal page", page.Overflows)
		}
		for i := 1; i < len(in); i += 997 {
			if got, _ := rewrite(t, in, &Options{Classifier: cat, Banner: banner}, i); got != out {
				t.Fatalf("split at %d changes the output", i)
			}
		}
	})
}

func TestCatalogHTML5Lib(t *testing.T) {
	cat := catalog.Default()
	for name, in := range html5libInputs(t) {
		if got, _ := rewrite(t, string(in), &Options{Classifier: cat}); got != string(in) {
			t.Errorf("%s: changed\n%q\n%q", name, in, got)
		}
	}
}
