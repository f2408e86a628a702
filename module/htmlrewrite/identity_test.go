package htmlrewrite

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// tricky inputs that load no tracker although tracker URLs and markers appear
// in them: every byte must come out as it went in.
var tricky = map[string]string{
	"split end tag in a JS string":  `<script>var s = "</scr" + "ipt>"; document.write("<script src='https://www.googletagmanager.com/gtm' + '.js'><\/script>");</script>`,
	"script in textarea":            `<textarea><script src="https://www.googletagmanager.com/gtm.js"></script></textarea>`,
	"textarea end look-alike":       `<textarea></textareax><img src="https://www.facebook.com/tr"></textarea >`,
	"img in title":                  `<title><img src="https://www.facebook.com/tr"></title>`,
	"script in comment":             `<!-- <script src="https://www.googletagmanager.com/gtm.js"></script> -->`,
	"comment with dashes":           `<!-- a -- b --- <img src="https://www.facebook.com/tr"> --!- -->`,
	"bogus comments":                `<? <img src="https://www.facebook.com/tr"> ?></ <img src="https://www.facebook.com/tr"><!x <img src="https://www.facebook.com/tr">`,
	"CDATA outside foreign content": `<![CDATA[<img src="https://www.facebook.com/tr"]]>`,
	"JSON-LD":                       `<script type="application/ld+json">{"@context":"https://schema.org","url":"https://www.googletagmanager.com/gtm.js","gtag(":1}</script>`,
	"CDATA in svg":                  `<svg><![CDATA[ <img src="https://www.facebook.com/tr"> ]]></svg>`,
	"svg script and style":          `<svg><style><img src="x.png"></style><title>t</title></svg>`,
	"body look-alikes":              `<body></body-x></bodyx><p>`,
	"uppercase allowed script":      `<SCRIPT SRC="https://example.no/wp-includes/js/jquery/jquery.min.js?ver=3.7.1" ID="jquery-core-js"></SCRIPT>`,
	"style":                         `<style>img[src="https://www.facebook.com/tr"]{display:none}</style>`,
	"xmp noembed noframes":          `<xmp><img src=https://www.facebook.com/tr></xmp><noembed><img src=https://www.facebook.com/tr></noembed><noframes><img src=https://www.facebook.com/tr></noframes>`,
	"iframe content is text":        `<iframe src="/local"><img src=https://www.facebook.com/tr></iframe>`,
	"plaintext":                     `<plaintext><img src=https://www.facebook.com/tr></body>`,
	"escaped script":                `<script><!--<script></script><img src="https://www.facebook.com/tr"></script>-->`,
	"attribute values":              `<a title="<script src='https://www.googletagmanager.com/gtm.js'></script>" href="https://www.facebook.com/tr"><div data-x='<img src=https://www.facebook.com/tr>'>`,
	"doctype":                       `<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">`,
	"NUL and invalid UTF-8":         "<p>\x00\xff\xfe<img src=\"\x00\xc3\"><scr\x00ipt>gtag(</scr\x00ipt>",
	"unterminated tag at EOF":       `<p>x</p><script async src="https://www.googletagmanager.com/gtag/js?id=G-1"`,
	"unterminated comment":          `<!-- <img src="https://www.facebook.com/tr">`,
	"unterminated inline script":    "<script>gtag('config', 'G-1');",
	"lone less-than":                `a < b <3 <> <//> </> <!> <!--> <!---> <`,
	"meta and anchors":              `<meta property="og:video" content="https://www.youtube.com/embed/x"><a href="https://www.youtube.com/watch?v=x">v</a>`,
	"relative URLs":                 `<img src="/www.facebook.com/tr"><script src="googletagmanager.com/gtm.js"></script>`,
	"src script ignores its body":   `<script src="/app.js">gtag('config')</script>`,
	"select":                        `<select><option>gtag(</option></select>`,
	"link with text rel":            `<link rel="canonical" href="https://example.no/">`,
	"links to trackers, local ping": `<a href="https://www.facebook.com/tr" ping="/count https://example.no/c"><area href="https://www.youtube.com/" ping=/c><a data-ping="https://www.facebook.com/tr" title="ping=https://www.facebook.com/tr">`,
	"local media":                   `<video poster="/p.jpg" src="/v.mp4"><track src="/v.vtt"></video><audio src="//example.no/a.mp3"></audio>`,
	"input src without image type":  `<input type="text" src="https://www.facebook.com/tr"><input src="https://www.facebook.com/tr"><input type=" image" src="https://www.facebook.com/tr"><input type="image" src="/go.png">`,
	"local base":                    `<base href="https://example.no/"><base target="_blank">`,
	"local CSS":                     `<div style="background:url(/wp-content/uploads/a.jpg)"><p style="font:12px/1.5 serif;background:url('https://example.no/b.png')"><span style="content:'a//b'" data-style="url(//www.facebook.com/tr)">`,
	"style on a script":             `<script style="background:url(//www.facebook.com/tr)">var a = 1</script>`,
}

func TestTrickyByteIdentity(t *testing.T) {
	for name, in := range tricky {
		t.Run(name, func(t *testing.T) {
			if p := liveTrackers(t, in, fake, 0); len(p) > 0 {
				t.Fatalf("fixture loads a tracker: %v", p)
			}
			got, page := rewrite(t, in, blockAll)
			if got != in {
				t.Errorf("changed:\n%q\nwant\n%q", got, in)
			}
			if page.Blocked != 0 {
				t.Errorf("Blocked = %d", page.Blocked)
			}
		})
	}
}

// Markup that looks like text, or text that looks like markup, is where a
// rewriter goes wrong: here a tracker follows such a construct and must be
// caught.
func TestTrackerAfterTrickyConstruct(t *testing.T) {
	const pixel = `<img src="https://www.facebook.com/tr">`
	before := map[string]string{
		"empty comment":            `<!-->`,
		"dash comment":             `<!--->`,
		"bang end":                 `<!-- x --!>`,
		"comment then tag":         `<!-- <script> -->`,
		"svg breakout":             `<svg><g>`,
		"math text then breakout":  `<math><mi><svg>`,
		"template":                 `<template>`,
		"textarea closed":          `<textarea><img></textarea>`,
		"split script end":         `<script>"</scr" + "ipt>"</script>`,
		"escaped then double":      `<script><!--<script></script>--></script>`,
		"title end with space":     `<title>x</title >`,
		"end tag attrs with >":     `<script></script foo=">">`,
		"end tag self-closing":     `<style></style/>`,
		"bogus comment":            `<?php echo 1 ?>`,
		"doctype":                  `<!doctype html>`,
		"CDATA in svg with >":      `<svg><![CDATA[ ]] > ]]></svg>`,
		"foreignObject html":       `<svg><foreignObject>`,
		"font breakout":            `<svg><font color=red>`,
		"quote in attribute name":  `<div a"b=c d'e>`,
		"plain lt":                 `<p>1 < 2</p>`,
		"noscript markup":          `<noscript>`,
		"uppercase end tag":        `<SCRIPT>x</SCRIPT >`,
		"unquoted value with >":    `<div a=b>`,
		"duplicate equals":         `<div a==b>`,
		"iframe end":               `<iframe></iframe>`,
		"lone end tag open":        `</>`,
		"escape that never closes": `<script><!-- x --></script>`,
	}
	for name, b := range before {
		t.Run(name, func(t *testing.T) {
			in := b + pixel
			if len(liveTrackers(t, in, fake, 0)) == 0 {
				t.Fatalf("x/net/html sees no live pixel in %q", in)
			}
			got, _ := rewrite(t, in, blockAll)
			assertNoLiveTracker(t, got, fake, 0)
			if !strings.HasPrefix(got, b) {
				t.Errorf("prefix changed: %q", got)
			}
		})
	}
}

// fragments make random documents for the differential test: x/net/html
// decides what a browser would load, the rewriter must agree.
var fragments = []string{
	`<img src="https://www.facebook.com/tr">`, `<script src="https://www.googletagmanager.com/gtm.js"></script>`,
	`<script>gtag(1)</script>`, `<iframe src="https://www.youtube.com/embed/x"></iframe>`,
	`<link rel=preconnect href=//connect.facebook.net>`, `<script type="application/ld+json">{"gtag(":1}</script>`,
	`<!--`, `-->`, `--!>`, `<!-->`, `<script>`, `</script>`, `<style>`, `</style>`, `<textarea>`, `</textarea>`,
	`<title>`, `</title>`, `<svg>`, `</svg>`, `<math>`, `</math>`, `<foreignObject>`, `</foreignObject>`,
	`<noscript>`, `</noscript>`, `<template>`, `</template>`, `<![CDATA[`, `]]>`, `<div>`, `</div>`, `<p>`,
	`<iframe>`, `</iframe>`, `<xmp>`, `</xmp>`, `"`, `'`, `<a title="`, `>`, `<`, `</`, `<!`, `<?`, `text `,
	`<!--<script>`, `<body>`, `</body>`, `<mi>`, `<desc>`, `<b>`, `<font face=x>`, `<img src=x>`, "\n",
	`<video poster="https://i.ytimg.com/vi/x/hq.jpg" src=/v.mp4>`, `</video>`, `<audio src="https://www.youtube.com/a.mp3">`,
	`<track src=//www.youtube.com/t.vtt>`, `<a href="/" ping="https://www.facebook.com/tr">`, `</a>`, `<a href="https://www.facebook.com/tr">`,
	`<area ping="/c https://www.google-analytics.com/collect">`, `<input type=image src="https://www.facebook.com/tr">`,
	`<input type=text src="https://www.facebook.com/tr">`, `<base href="https://www.googletagmanager.com/">`,
	`<image href="https://www.facebook.com/tr" src="https://www.facebook.com/tr">`, `<image src=/i.png xlink:href="https://www.facebook.com/tr"/>`,
	`</image>`, `<feImage href="https://www.facebook.com/tr">`, `<script href="https://www.googletagmanager.com/gtm.js"></script>`,
	`<script xlink:href="https://www.googletagmanager.com/gtm.js" src=/s.js>`,
	`<div style="background:url(https://i.ytimg.com/vi/x/0.jpg)">`, `<span style='x:url(/a.png)'>`, `<p style="background:url(//www.facebook.com/tr)">`,
}

var (
	diffN    = flag.Int("diffn", 3000, "documents for TestDifferential")
	diffSeed = flag.Uint64("diffseed", 1, "seed for TestDifferential")
)

// inserted matches what the rewriter adds to a neutralised tag.
var inserted = regexp.MustCompile(`( type="text/plain")? data-consent-category="[a-z]+" data-consent-service="[a-z0-9-]+"( srcdoc="[^"]*")?`)

// renamed matches an attribute name the rewriter renamed.
var renamed = regexp.MustCompile(`(?i)\bdata-consent-(src|srcset|href|imagesrcset|data|type|srcdoc|class|data-src|data-srcset|data-lazy-src|data-lazy-srcset|poster|data-poster|ping|xlink:href|style|background)\b`)

// unneutralise undoes the rewriter's edits, to prove they were the only ones.
func unneutralise(out string) string {
	out = inserted.ReplaceAllString(out, "")
	out = strings.ReplaceAll(out, "data-consent-rocket-src", "data-rocket-src")
	out = strings.ReplaceAll(out, dataPrefix, "") // before a URL a <style> loads
	return renamed.ReplaceAllString(out, "$1")
}

func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(*diffSeed, 2))
	for n := range *diffN {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(fragments[rng.IntN(len(fragments))])
		}
		in := b.String()
		got, _ := rewrite(t, in, blockAll)
		if u := unneutralise(got); u != in {
			t.Errorf("doc %d %q\nout %q\nedits beyond neutralising", n, in, got)
			continue
		}
		if escapedScript(t, in) {
			// x/net/html leaves the escaped state on "<!" and "<<" inside a
			// script (HTML §13.2.5.23 says stay), so it cannot judge these;
			// TestScriptEscapes covers them.
			continue
		}
		if p := liveTrackers(t, got, fake, 0); len(p) > 0 {
			t.Errorf("doc %d %q\nout %q\nstill live: %v", n, in, got, p)
			continue
		}
		if got != in && len(liveTrackers(t, in, fake, 0)) == 0 {
			// Over-blocking is allowed only on svg/math elements, which the
			// rewriter classifies in case its namespace guess is wrong.
			for _, el := range neutralisedHTML(t, got) {
				t.Errorf("doc %d loads no tracker but <%s> was neutralised:\n%q\n%q", n, el, in, got)
			}
		}
	}
}

// escapedScript reports whether x/net/html finds "<!--" in a script of doc.
func escapedScript(t *testing.T, doc string) (found bool) {
	t.Helper()
	root, err := html.ParseWithOptions(strings.NewReader(doc), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "script" && n.FirstChild != nil && strings.Contains(n.FirstChild.Data, "<!--") {
			found = true
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(root)
	return found
}

// neutralisedHTML lists the HTML-namespace elements of doc that carry
// data-consent-category.
func neutralisedHTML(t *testing.T, doc string) (names []string) {
	t.Helper()
	root, err := html.ParseWithOptions(strings.NewReader(doc), html.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Namespace == "" {
			blocked, svgOnly := false, true
			for _, a := range n.Attr {
				blocked = blocked || a.Key == "data-consent-category"
				if renamed.MatchString(a.Key) && a.Key != "data-consent-href" && a.Key != "data-consent-xlink:href" && a.Key != "data-consent-type" {
					svgOnly = false
				}
			}
			// Near svg or math, an img (an <image>), a script or a feimage loses an
			// href that loads only in svg, in case the rewriter's guess of
			// the namespace is wrong.
			if blocked && !(svgOnly && (n.Data == "img" || n.Data == "script" || n.Data == "feimage")) {
				names = append(names, n.Data)
			}
		}
		for k := n.FirstChild; k != nil; k = k.NextSibling {
			walk(k)
		}
	}
	walk(root)
	return names
}

type html5libTest struct {
	Description   string `json:"description"`
	Input         string `json:"input"`
	DoubleEscaped bool   `json:"doubleEscaped"`
}

// html5libInputs returns every tokenizer test input, decoded to bytes (a
// doubleEscaped \uD800 becomes its WTF-8 bytes, so invalid UTF-8 is tested too).
func html5libInputs(tb testing.TB) map[string][]byte {
	tb.Helper()
	files, err := filepath.Glob("testdata/html5lib/*.test")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no html5lib tests: %v", err)
	}
	m := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var doc map[string][]html5libTest
		if err := json.Unmarshal(data, &doc); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for key, tests := range doc {
			for i, tc := range tests {
				in := []byte(tc.Input)
				if tc.DoubleEscaped {
					in = unescapeDouble(tb, tc.Input)
				}
				m[fmt.Sprintf("%s/%s/%d %s", filepath.Base(f), key, i, tc.Description)] = in
			}
		}
	}
	return m
}

func unescapeDouble(tb testing.TB, s string) []byte {
	var out []byte
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], `\u`) && i+6 <= len(s) {
			v, err := strconv.ParseUint(s[i+2:i+6], 16, 16)
			if err != nil {
				tb.Fatalf("bad escape in %q", s)
			}
			i += 6
			if 0xD800 <= v && v <= 0xDBFF && strings.HasPrefix(s[i:], `\u`) && i+6 <= len(s) {
				if lo, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil && 0xDC00 <= lo && lo <= 0xDFFF {
					out = utf8.AppendRune(out, rune((v-0xD800)<<10+(lo-0xDC00)+0x10000))
					i += 6
					continue
				}
			}
			if 0xD800 <= v && v <= 0xDFFF { // WTF-8
				out = append(out, byte(0xE0|v>>12), byte(0x80|(v>>6)&0x3F), byte(0x80|v&0x3F))
				continue
			}
			out = utf8.AppendRune(out, rune(v))
			continue
		}
		out = append(out, s[i])
		i++
	}
	return out
}

func TestHTML5LibByteIdentity(t *testing.T) {
	inputs := html5libInputs(t)
	if len(inputs) < 1000 {
		t.Fatalf("only %d inputs", len(inputs))
	}
	opts := map[string]*Options{
		"matches nothing": {Classifier: nothing{}},
		"fake catalog":    blockAll,
		"no classifier":   {},
	}
	for oname, o := range opts {
		for name, in := range inputs {
			got, _ := rewrite(t, string(in), o)
			if got != string(in) {
				t.Errorf("%s: %s: changed\n%q\n%q", oname, name, in, got)
			}
			if len(in) < 200 {
				for i := 1; i < len(in); i++ {
					if got, _ := rewrite(t, string(in), o, i); got != string(in) {
						t.Errorf("%s: %s: split at %d changed\n%q\n%q", oname, name, i, in, got)
						break
					}
				}
			}
		}
	}
}

// fixtures for the split tests: every snippet, tricky input and combination.
func splitFixtures(tb testing.TB) map[string]string {
	m := map[string]string{}
	for k, v := range snippets {
		m["snippet/"+k] = v
	}
	for k, v := range tricky {
		m["tricky/"+k] = v
	}
	var all strings.Builder
	all.WriteString(`<!DOCTYPE html><html lang="nb-NO"><head>`)
	for _, k := range []string{"hints", "ga4", "gtm", "ua", "optimisers"} {
		all.WriteString(snippet(tb, k))
	}
	all.WriteString(`</head><body>`)
	for _, k := range []string{"meta-pixel", "youtube", "maps", "srcset", "hotjar"} {
		all.WriteString(snippet(tb, k))
	}
	all.WriteString(`<svg><![CDATA[ x ]]></svg><template><img src="https://www.facebook.com/tr"></template></body></html>`)
	m["page"] = all.String()
	return m
}

// splitOptions exercise every feature: blocking, placeholder, prelude, banner.
func splitOptions() *Options {
	return &Options{
		Classifier: fake,
		Banner: func(p *Page) []byte {
			return []byte(fmt.Sprintf("<div data-consent-banner lang=%q>%d</div>", p.Lang, len(p.Found)))
		},
		Placeholder: func(p *Page, s *catalog.Service) []byte { return []byte("<p>" + s.Name + "</p>") },
		Prelude:     []byte("<script>gcm()</script>"),
		PreludeFor:  func(s *catalog.Service) bool { return strings.HasPrefix(s.ID, "google") },
		MaxTag:      300,
		MaxInline:   200,
	}
}

func TestEverySplitPoint(t *testing.T) {
	for name, in := range splitFixtures(t) {
		t.Run(name, func(t *testing.T) {
			o := splitOptions()
			want, wantPage := rewrite(t, in, o)
			for i := 0; i <= len(in); i++ {
				got, page := rewrite(t, in, o, i)
				if got != want {
					t.Fatalf("split at %d:\n%s\nwant\n%s", i, got, want)
				}
				if page.Blocked != wantPage.Blocked || page.Overflows != wantPage.Overflows || len(page.Found) != len(wantPage.Found) {
					t.Fatalf("split at %d: page %+v, want %+v", i, page, wantPage)
				}
			}
			// One byte at a time, with a Flush after every write.
			var out bytes.Buffer
			r := New(&out, o)
			for i := range len(in) {
				r.Write([]byte{in[i]})
				if err := r.Flush(); err != nil {
					t.Fatal(err)
				}
			}
			r.Close()
			if out.String() != want {
				t.Fatalf("1-byte writes:\n%s\nwant\n%s", out.String(), want)
			}
		})
	}
}

// Flush must not hold back anything that is decided: after a Flush, the
// output holds every byte before the last undecided construct.
func TestFlushEmitsDecided(t *testing.T) {
	var out bytes.Buffer
	r := New(&out, blockAll)
	r.Write([]byte(`<p>hello</p><scr`))
	r.Flush()
	if out.String() != `<p>hello</p>` {
		t.Fatalf("after flush: %q", out.String())
	}
	r.Write([]byte(`ipt>gtag(1)`))
	r.Flush()
	if out.String() != `<p>hello</p>` {
		t.Fatalf("an undecided inline script leaked: %q", out.String())
	}
	r.Write([]byte(`</script><p>`))
	if want := `<p>hello</p><script` + gaTag + `>gtag(1)</script><p>`; out.String() != want {
		t.Fatalf("got %q, want %q", out.String(), want)
	}
	r.Close()
}
