package htmlrewrite

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// corpus is the project's one snippet corpus, the catalog's: a vendor's
// documented snippet per service as <id>.html, and in extra/ the cases that
// are not one vendor's snippet (resource hints, optimisers' script types,
// srcset).
const corpus = "../catalog/testdata/snippets"

// fakeSnippets names the fixtures of the corpus whose services the fake
// classifier knows; the tests here refer to them by the short name.
var fakeSnippets = map[string]string{
	"ga4":        "google-analytics.html",
	"gtm":        "google-tag-manager.html",
	"hotjar":     "hotjar.html",
	"meta-pixel": "meta-pixel.html",
	"youtube":    "youtube.html",
	"maps":       "google-maps.html",
	"ua":         "universal-analytics.html",
	"hints":      "extra/hints.html",
	"optimisers": "extra/optimisers.html",
	"srcset":     "extra/srcset.html",
}

// snippets are those fixtures, by short name. A missing one panics: every
// test ranging over snippets would otherwise pass on less.
var snippets = func() map[string]string {
	m := map[string]string{}
	for name, file := range fakeSnippets {
		b, err := os.ReadFile(filepath.Join(corpus, file))
		if err != nil || len(b) == 0 {
			panic(fmt.Sprintf("snippet fixture %s/%s: missing or empty (%v)", corpus, file, err))
		}
		m[name] = string(b)
	}
	return m
}()

// snippet is one fixture by name; a missing one fails the test instead of
// reading as "" (which every Contains check would accept).
func snippet(tb testing.TB, name string) string {
	tb.Helper()
	s, ok := snippets[name]
	if !ok {
		tb.Fatalf("no snippet fixture named %s in fakeSnippets", name)
	}
	return s
}

// loadingAttrs are the attributes that make a browser (or a lazy-loading
// script) fetch a URL, per element.
var loadingAttrs = map[string][]string{
	"script": {"src", "data-src", "data-rocket-src"},
	"iframe": {"src", "data-src", "data-lazy-src"},
	"img":    {"src", "srcset", "data-src", "data-srcset", "data-lazy-src", "data-lazy-srcset"},
	"source": {"src", "srcset", "data-src", "data-srcset", "data-lazy-src", "data-lazy-srcset"},
	"link":   {"href", "imagesrcset"},
	"embed":  {"src"},
	"object": {"data"},
	"video":  {"src", "data-src", "poster", "data-poster"},
	"audio":  {"src", "data-src"},
	"track":  {"src"},
	"input":  {"src"}, // type=image only
	"a":      {"ping"},
	"area":   {"ping"},
	"base":   {"href"},
}

// assertNoLiveTracker fails when out holds an element that would still load,
// or run, a service that is not granted.
func assertNoLiveTracker(t *testing.T, out string, c Classifier, granted policy.Set) {
	t.Helper()
	for _, p := range liveTrackers(t, out, c, granted) {
		t.Error(p)
	}
}

// liveTrackers parses doc with x/net/html, an independent parser, with
// scripting off so that <noscript> content is markup, and lists the elements
// that would still load, or run, a service that is not granted.
func liveTrackers(t *testing.T, out string, c Classifier, granted policy.Set) (problems []string) {
	t.Helper()
	doc, err := html.ParseWithOptions(strings.NewReader(out), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatalf("parse output: %v", err)
	}
	live := func(s *catalog.Service) bool { return s != nil && !granted.Has(s.Category) }
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Namespace == "" {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				if _, dup := attrs[a.Key]; !dup {
					attrs[a.Key] = a.Val
				}
			}
			typ, hasType := attrs["type"]
			runs := n.Data != "script" || !hasType || jsType([]byte(typ))
			// An input loads its src only as an image button.
			image := n.Data != "input" || strings.EqualFold(attrs["type"], "image")
			for _, name := range loadingAttrs[n.Data] {
				v, ok := attrs[name]
				if !ok || !runs || !image {
					continue
				}
				// srcset candidates and ping URLs.
				for _, u := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || strings.ContainsRune(" \t\n\f\r", r) }) {
					if s := c.MatchURL([]byte(u)); live(s) {
						problems = append(problems, fmt.Sprintf("live %s in <%s %s=%q>", s.ID, n.Data, name, v))
					}
				}
			}
			// CSS: any element's style (a script's is never shown), and the
			// legacy background attribute of body and table parts.
			if v, ok := attrs["style"]; ok && n.Data != "script" {
				problems = append(problems, liveCSS(n.Data, "style", v, c, granted)...)
			}
			// A style sheet applies only with no type, an empty one or text/css.
			if n.Data == "style" && n.FirstChild != nil && n.FirstChild.Type == html.TextNode && (typ == "" || strings.EqualFold(typ, "text/css")) {
				problems = append(problems, liveCSS("style", "text", n.FirstChild.Data, c, granted)...)
			}
			if v, ok := attrs["background"]; ok && backgroundElems[n.Data] {
				problems = append(problems, liveCSS(n.Data, "background", "url("+v+")", c, granted)...)
			}
			_, hasSrc := attrs["src"]
			// A script cut off by the end of the document never runs (HTML
			// §13.2.6.4.8, "already started"), and a src script ignores its body.
			unterminated := n.Data == "script" && n.FirstChild != nil && strings.HasSuffix(out, n.FirstChild.Data)
			// WP Rocket's script turns this div into a thumbnail and an iframe.
			if n.Data == "div" && strings.Contains(attrs["class"], "rll-youtube-player") {
				if s := c.MatchURL([]byte(attrs["data-src"])); live(s) {
					problems = append(problems, fmt.Sprintf("live %s in <div class=rll-youtube-player>", s.ID))
				}
			}
			// An iframe's srcdoc is a document of its own, loaded as such.
			if doc, ok := attrs["srcdoc"]; ok && n.Data == "iframe" {
				for _, p := range liveTrackers(t, doc, c, granted) {
					problems = append(problems, "in srcdoc: "+p)
				}
			}
			if n.Data == "script" && runs && !hasSrc && !unterminated && n.FirstChild != nil {
				if s := c.MatchInline([]byte(n.FirstChild.Data)); live(s) {
					problems = append(problems, fmt.Sprintf("live inline %s in <script type=%q>", s.ID, typ))
				}
			}
			blocked := false
			for _, a := range n.Attr {
				if renamed.MatchString(a.Key) || a.Key == "data-consent-rocket-src" {
					blocked = true
				}
			}
			if _, ok := attrs["data-consent-category"]; blocked && !ok {
				problems = append(problems, fmt.Sprintf("<%s> neutralised without data-consent-category", n.Data))
			}
		}
		if n.Type == html.ElementNode && n.Namespace == "svg" {
			problems = append(problems, liveSVG(n, c, granted)...)
			for _, a := range n.Attr {
				if a.Key == "style" && a.Namespace == "" {
					problems = append(problems, liveCSS(n.Data, "style", a.Val, c, granted)...)
					break
				}
			}
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(doc)
	return problems
}

func TestSnippetsBlocked(t *testing.T) {
	if len(snippets) < 10 {
		t.Fatalf("only %d snippets of %s", len(snippets), corpus)
	}
	for name, in := range snippets {
		t.Run(name, func(t *testing.T) {
			out, page := rewrite(t, in, blockAll)
			assertNoLiveTracker(t, out, fake, 0)
			if page.Blocked == 0 {
				t.Errorf("nothing blocked in\n%s", out)
			}
			if !strings.Contains(out, "data-consent-category") {
				t.Errorf("no data-consent-category in\n%s", out)
			}
			// The checker must see the trackers in the input, or it proves nothing.
			if len(liveTrackers(t, in, fake, 0)) == 0 {
				t.Errorf("checker finds no tracker in the input")
			}
		})
	}
}

// liveSVG lists what an svg element loads from a service not granted: a
// script, an image or a filter image through href or xlink:href.
func liveSVG(n *html.Node, c Classifier, granted policy.Set) (problems []string) {
	switch n.Data {
	case "script", "image", "feImage":
	default:
		return nil
	}
	attrs := map[string]string{}
	for _, a := range n.Attr {
		k := a.Key
		if a.Namespace != "" {
			k = a.Namespace + ":" + a.Key
		}
		if _, dup := attrs[k]; !dup {
			attrs[k] = a.Val
		}
	}
	if typ, ok := attrs["type"]; n.Data == "script" && ok && !jsType([]byte(typ)) {
		return nil
	}
	for _, name := range []string{"href", "xlink:href"} {
		if v, ok := attrs[name]; ok {
			if s := c.MatchURL([]byte(strings.TrimSpace(v))); s != nil && !granted.Has(s.Category) {
				problems = append(problems, fmt.Sprintf("live %s in <svg %s %s=%q>", s.ID, n.Data, name, v))
			}
		}
	}
	return problems
}

var backgroundElems = map[string]bool{"body": true, "table": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "td": true, "th": true}

var (
	cssEscape = regexp.MustCompile(`\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)`)
	cssURLRe  = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s"']*))`)
	cssSet    = regexp.MustCompile(`(?i)image-set\(([^)]*)\)`)
	cssString = regexp.MustCompile(`"([^"]*)"|'([^']*)'`)
	cssImport = regexp.MustCompile(`(?i)@import\s*(?:"([^"]*)"|'([^']*)')`)
)

// liveCSS lists what a CSS value loads from a service not granted: url()
// arguments, image-set() strings and @import strings, after CSS escapes are
// decoded.
func liveCSS(elem, attr, v string, c Classifier, granted policy.Set) (problems []string) {
	v = cssEscape.ReplaceAllStringFunc(v, func(m string) string {
		if sm := cssEscape.FindStringSubmatch(m); sm[1] != "" {
			cp, _ := strconv.ParseUint(sm[1], 16, 32)
			return string(rune(cp))
		} else {
			return sm[2]
		}
	})
	var urls []string
	for _, m := range cssURLRe.FindAllStringSubmatch(v, -1) {
		urls = append(urls, m[1]+m[2]+m[3])
	}
	for _, m := range cssImport.FindAllStringSubmatch(v, -1) {
		urls = append(urls, m[1]+m[2])
	}
	for _, m := range cssSet.FindAllStringSubmatch(v, -1) {
		for _, q := range cssString.FindAllStringSubmatch(m[1], -1) {
			urls = append(urls, q[1]+q[2])
		}
	}
	for _, u := range urls {
		if s := c.MatchURL([]byte(strings.TrimSpace(u))); s != nil && !granted.Has(s.Category) {
			problems = append(problems, fmt.Sprintf("live %s in <%s %s=%q>", s.ID, elem, attr, v))
		}
	}
	return problems
}
