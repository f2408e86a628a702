package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// snippetParts is what a vendor snippet asks the browser to load or run.
type snippetParts struct {
	urls    []string // src/href of script, iframe, img, link, embed, source
	scripts []string // inline script text
}

var resourceAttr = map[string]string{
	"script": "src", "iframe": "src", "img": "src", "embed": "src", "source": "src", "link": "href",
}

// readSnippet reads the fixture file f and parses it.
func readSnippet(t *testing.T, f string) snippetParts {
	t.Helper()
	data, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var p snippetParts
	var walk func([]byte)
	walk = func(data []byte) {
		z := html.NewTokenizer(bytes.NewReader(data))
		var raw string // the raw-text element we are inside, if any
		for {
			switch z.Next() {
			case html.ErrorToken:
				return
			case html.StartTagToken, html.SelfClosingTagToken:
				tok := z.Token()
				raw = ""
				if tok.Data == "script" || tok.Data == "noscript" {
					raw = tok.Data
				}
				for _, a := range tok.Attr {
					if a.Key == resourceAttr[tok.Data] && a.Val != "" {
						p.urls = append(p.urls, a.Val)
					}
				}
			case html.TextToken:
				text := z.Text()
				switch raw {
				case "script":
					if s := strings.TrimSpace(string(text)); s != "" {
						p.scripts = append(p.scripts, s)
					}
				case "noscript":
					// The tokenizer reads <noscript> as raw text (scripting
					// on); a rewriter must still see the pixel inside it.
					walk(append([]byte(nil), text...))
				}
			case html.EndTagToken:
				raw = ""
			}
		}
	}
	walk(data)
	return p
}

// TestSnippets runs every vendor snippet fixture. Each file is named after the
// service it belongs to and must be recognised as that service; beyond that,
// every external URL it loads and every inline script it runs must match some
// service, so that a rewriter blocking what the catalog matches leaves nothing
// of the snippet able to contact the vendor.
func TestSnippets(t *testing.T) {
	c := Default()
	files, err := filepath.Glob(filepath.Join("testdata", "snippets", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no snippet fixtures: %v", err)
	}
	covered := map[string]bool{}
	for _, f := range files {
		svcID := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(svcID, func(t *testing.T) {
			want := c.Service(svcID)
			if want == nil {
				t.Fatalf("no service %q for fixture %s", svcID, f)
			}
			p := readSnippet(t, f)
			hits := 0
			for _, u := range p.urls {
				s := c.MatchURL([]byte(html.UnescapeString(u)))
				external := strings.HasPrefix(u, "//") || strings.HasPrefix(strings.ToLower(u), "http")
				switch {
				case s == want:
					hits++
				case s == nil && external:
					t.Errorf("loads %q, which nothing in the catalog matches", u)
				case s != nil && s.Category != want.Category:
					t.Errorf("loads %q, which the catalog files under %s (%v), not %v", u, s.ID, s.Category, want.Category)
				}
			}
			for _, sc := range p.scripts {
				s := c.MatchInline([]byte(sc))
				switch {
				case s == want:
					hits++
				case s == nil:
					t.Errorf("runs an inline script that no marker matches:\n%.200s", sc)
				case !c.InlineCategories([]byte(sc)).Has(want.Category):
					// gtag('config', 'DC-…') in a script that only says
					// "gtag(" would run Floodlight with analytics consent.
					t.Errorf("runs an inline script filed under %s only (%v), not %v:\n%.200s", s.ID, c.InlineCategories([]byte(sc)), want.Category, sc)
				}
			}
			if hits == 0 {
				t.Errorf("nothing in the snippet resolves to %s", svcID)
			}
			covered[svcID] = true
		})
	}
	for _, s := range c.Services() {
		if !covered[s.ID] {
			t.Errorf("service %s has no snippet fixture in testdata/snippets", s.ID)
		}
	}
}

// TestExtraSnippets reads the corpus's extra/ fixtures, the cases that are not
// one vendor's snippet and that the rewriter's tests use (resource hints,
// optimisers' script types, srcset): each must resolve to some
// service, and every inline script in it must match one, since a rewriter
// blocks only what the catalog matches. (Their URLs may include the site's
// own, so not every URL must match.)
func TestExtraSnippets(t *testing.T) {
	c := Default()
	files, err := filepath.Glob(filepath.Join("testdata", "snippets", "extra", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no extra snippet fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			p := readSnippet(t, f)
			hits := 0
			for _, u := range p.urls {
				if c.MatchURL([]byte(html.UnescapeString(u))) != nil {
					hits++
				}
			}
			for _, sc := range p.scripts {
				if c.MatchInline([]byte(sc)) == nil {
					t.Errorf("runs an inline script that no marker matches:\n%.200s", sc)
				} else {
					hits++
				}
			}
			if hits == 0 {
				t.Errorf("nothing in %s resolves to a service", f)
			}
		})
	}
}
