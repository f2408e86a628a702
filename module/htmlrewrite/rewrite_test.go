package htmlrewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// rewrite runs in through a new Rewriter, writing it in pieces of the given
// sizes (the rest in one piece), and returns the output.
func rewrite(tb testing.TB, in string, o *Options, sizes ...int) (string, *Page) {
	tb.Helper()
	var out bytes.Buffer
	r := New(&out, o)
	p := []byte(in)
	for _, n := range sizes {
		if n > len(p) {
			n = len(p)
		}
		if _, err := r.Write(p[:n]); err != nil {
			tb.Fatalf("write: %v", err)
		}
		p = p[n:]
	}
	if _, err := r.Write(p); err != nil {
		tb.Fatalf("write: %v", err)
	}
	if err := r.Close(); err != nil {
		tb.Fatalf("close: %v", err)
	}
	return out.String(), r.Page()
}

// blockAll is the visitor who granted nothing.
var blockAll = &Options{Classifier: fake}

const (
	gaTag  = ` type="text/plain" data-consent-category="analytics" data-consent-service="google-analytics"`
	gtmTag = ` type="text/plain" data-consent-category="marketing" data-consent-service="google-tag-manager"`
)

func TestRewriteExact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{
			name: "gtag src",
			in:   `<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX"></script>`,
			want: `<script` + gaTag + ` async data-consent-src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXXXXX"></script>`,
		},
		{
			name: "gtag inline",
			in:   "<script>\n  window.dataLayer = window.dataLayer || [];\n  function gtag(){dataLayer.push(arguments);}\n</script>",
			want: "<script" + gaTag + ">\n  window.dataLayer = window.dataLayer || [];\n  function gtag(){dataLayer.push(arguments);}\n</script>",
		},
		{
			name: "inline with type keeps it as data-consent-type",
			in:   `<script type="text/javascript" nonce="abc">gtag('config','G-1')</script>`,
			want: `<script` + gaTag + ` data-consent-type="text/javascript" nonce="abc">gtag('config','G-1')</script>`,
		},
		{
			name: "uppercase tag, unquoted src, duplicate src renamed too",
			in:   `<SCRIPT SRC=//www.google-analytics.com/analytics.js src="/local.js"></SCRIPT>`,
			want: `<SCRIPT` + gaTag + ` data-consent-SRC=//www.google-analytics.com/analytics.js data-consent-src="/local.js"></SCRIPT>`,
		},
		{
			name: "entity-encoded URL",
			in:   `<script src="https:&#x2F;&#x2F;www.googletagmanager.com&sol;gtm.js?id=GTM-1&amp;l=dl"></script>`,
			want: `<script` + gtmTag + ` data-consent-src="https:&#x2F;&#x2F;www.googletagmanager.com&sol;gtm.js?id=GTM-1&amp;l=dl"></script>`,
		},
		{
			name: "WP Rocket",
			in:   `<script type="rocketlazyloadscript" data-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-1" async></script>`,
			want: `<script` + gaTag + ` data-consent-type="rocketlazyloadscript" data-consent-rocket-src="https://www.googletagmanager.com/gtag/js?id=G-1" async></script>`,
		},
		{
			name: "LiteSpeed",
			in:   `<script data-optimized="1" type="litespeed/javascript" data-src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
			want: `<script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel" data-optimized="1" data-consent-type="litespeed/javascript" data-consent-data-src="https://connect.facebook.net/en_US/fbevents.js"></script>`,
		},
		{
			name: "Rocket Loader",
			in:   `<script type="4e2c8bd2e7f4b1a9c3d5e6f7-text/javascript" src="https://static.hotjar.com/c/hotjar-1.js?sv=6"></script>`,
			want: `<script type="text/plain" data-consent-category="analytics" data-consent-service="hotjar" data-consent-type="4e2c8bd2e7f4b1a9c3d5e6f7-text/javascript" data-consent-src="https://static.hotjar.com/c/hotjar-1.js?sv=6"></script>`,
		},
		{
			name: "noscript iframe",
			in:   `<noscript><iframe src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>`,
			want: `<noscript><iframe data-consent-category="marketing" data-consent-service="google-tag-manager" data-consent-src="https://www.googletagmanager.com/ns.html?id=GTM-XXXX" height="0" width="0" style="display:none;visibility:hidden"></iframe></noscript>`,
		},
		{
			name: "noscript pixel, self-closing",
			in:   "<noscript><img height=\"1\" width=\"1\" style=\"display:none\"\nsrc=\"https://www.facebook.com/tr?id=1&ev=PageView&noscript=1\"\n/></noscript>",
			want: "<noscript><img data-consent-category=\"marketing\" data-consent-service=\"meta-pixel\" height=\"1\" width=\"1\" style=\"display:none\"\ndata-consent-src=\"https://www.facebook.com/tr?id=1&ev=PageView&noscript=1\"\n/></noscript>",
		},
		{
			name: "dns-prefetch",
			in:   `<link rel='dns-prefetch' href='//www.googletagmanager.com' />`,
			want: `<link data-consent-category="marketing" data-consent-service="google-tag-manager" rel='dns-prefetch' data-consent-href='//www.googletagmanager.com' />`,
		},
		{
			name: "srcset",
			in:   `<img src="/a.jpg" srcset="/a-300.jpg 300w, https://i.ytimg.com/vi/x/hq.jpg 480w">`,
			want: `<img data-consent-category="marketing" data-consent-service="youtube" src="/a.jpg" data-consent-srcset="/a-300.jpg 300w, https://i.ytimg.com/vi/x/hq.jpg 480w">`,
		},
		{
			name: "single-quoted multi-line attributes, tag name then slash",
			in:   "<iframe/\n  src='https://www.youtube-nocookie.com/embed/x'\n  allowfullscreen></iframe>",
			want: "<iframe data-consent-category=\"marketing\" data-consent-service=\"youtube\"/\n  data-consent-src='https://www.youtube-nocookie.com/embed/x'\n  allowfullscreen></iframe>",
		},
		{
			name: "non-JS types are never touched",
			in:   `<script type="application/ld+json">{"url":"https://www.googletagmanager.com/gtm.js","x":"gtag("}</script><script type="text/template">fbq('init')</script>`,
			want: `<script type="application/ld+json">{"url":"https://www.googletagmanager.com/gtm.js","x":"gtag("}</script><script type="text/template">fbq('init')</script>`,
		},
		{
			name: "necessary passes",
			in:   `<script src="https://necessary.example/x.js"></script><script>NECESSARY_MARKER</script>`,
			want: `<script src="https://necessary.example/x.js"></script><script>NECESSARY_MARKER</script>`,
		},
		{
			name: "object data and embed src",
			in:   `<object data="https://www.youtube.com/v/x"><embed src="https://www.youtube.com/v/x"></object>`,
			want: `<object data-consent-category="marketing" data-consent-service="youtube" data-consent-data="https://www.youtube.com/v/x"><embed data-consent-category="marketing" data-consent-service="youtube" data-consent-src="https://www.youtube.com/v/x"></object>`,
		},
		{
			name: "lazy iframe",
			in:   `<iframe src="about:blank" data-lazy-src="https://www.youtube.com/embed/x"></iframe>`,
			want: `<iframe data-consent-category="marketing" data-consent-service="youtube" src="about:blank" data-consent-data-lazy-src="https://www.youtube.com/embed/x"></iframe>`,
		},
		{
			name: "WP Rocket lazy YouTube",
			in:   `<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/x" data-id="x"></div><div class="other" data-src="https://www.youtube.com/embed/x"></div>`,
			want: `<div data-consent-category="marketing" data-consent-service="youtube" data-consent-class="rll-youtube-player" data-consent-data-src="https://www.youtube.com/embed/x" data-id="x"></div><div class="other" data-src="https://www.youtube.com/embed/x"></div>`,
		},
		{
			name: "tab and newline inside a URL",
			in:   "<img src=\"https://www.face\tbook.com/t\nr?id=1\">",
			want: "<img data-consent-category=\"marketing\" data-consent-service=\"meta-pixel\" data-consent-src=\"https://www.face\tbook.com/t\nr?id=1\">",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := rewrite(t, tt.in, blockAll)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestPlaceholder(t *testing.T) {
	o := &Options{
		Classifier: fake,
		Placeholder: func(p *Page, s *catalog.Service) []byte {
			return []byte(`<p class="x">Load ` + s.Name + ` & "more"</p>`)
		},
	}
	in := `<iframe srcdoc="<p>old</p>" src="https://www.youtube.com/embed/x"></iframe><img src="https://www.youtube.com/x.jpg">`
	want := `<iframe data-consent-category="marketing" data-consent-service="youtube" srcdoc="&lt;p class=&quot;x&quot;&gt;Load YouTube &amp; &quot;more&quot;&lt;/p&gt;" data-consent-srcdoc="<p>old</p>" data-consent-src="https://www.youtube.com/embed/x"></iframe>` +
		`<img data-consent-category="marketing" data-consent-service="youtube" data-consent-src="https://www.youtube.com/x.jpg">`
	got, _ := rewrite(t, in, o)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestBanner(t *testing.T) {
	banner := func(p *Page) []byte { return []byte(fmt.Sprintf("[B lang=%s found=%d]", p.Lang, len(p.Found))) }
	tests := []struct {
		name, in, want string
	}{
		{"before body end", `<html lang="nb"><body><p>x</p></body></html>`, `<html lang="nb"><body><p>x</p>[B lang=nb found=0]</body></html>`},
		{"first real one", `<body><!-- </body> --><script>"</body>"</script><textarea></body></textarea><BODY-X></body-x></bodyx></BoDy ></body>`, `<body><!-- </body> --><script>"</body>"</script><textarea></body></textarea><BODY-X></body-x></bodyx>[B lang= found=0]</BoDy ></body>`},
		{"no body end", `<p>x`, `<p>x[B lang= found=0]`},
		{"inside template and noscript ignored", `<template></body></template><noscript></body></noscript>x`, `<template></body></template><noscript></body></noscript>x[B lang= found=0]`},
		{"sees what came before", `<html lang='sv-SE'><script src="https://www.googletagmanager.com/gtag/js"></script></body>`, `<html lang='sv-SE'><script` + gaTag + ` data-consent-src="https://www.googletagmanager.com/gtag/js"></script>[B lang=sv-SE found=1]</body>`},
		{"entity in lang", `<html lang="n&#98;"></body>`, `<html lang="n&#98;">[B lang=nb found=0]</body>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &Options{Classifier: fake, Banner: banner}
			got, _ := rewrite(t, tt.in, o)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for i := range len(tt.in) + 1 { // the banner lands in the same place wherever the input is split
				if got2, _ := rewrite(t, tt.in, o, i); got2 != got {
					t.Fatalf("split at %d: got\n%s", i, got2)
				}
			}
		})
	}
}

func TestPrelude(t *testing.T) {
	o := &Options{
		Classifier: fake,
		Granted:    policy.SetOf(policy.Analytics),
		Prelude:    []byte("<P>"),
		PreludeFor: func(s *catalog.Service) bool { return strings.HasPrefix(s.ID, "google-") },
	}
	in := `<noscript><img src="https://www.googletagmanager.com/x"></noscript><img src="https://www.youtube.com/x"><script>gtag('js')</script><script>gtag(2)</script>`
	want := `<noscript><img data-consent-category="marketing" data-consent-service="google-tag-manager" data-consent-src="https://www.googletagmanager.com/x"></noscript>` +
		`<img data-consent-category="marketing" data-consent-service="youtube" data-consent-src="https://www.youtube.com/x">` +
		`<P><script>gtag('js')</script><script>gtag(2)</script>`
	got, page := rewrite(t, in, o)
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	var ids []string
	for _, s := range page.Found {
		ids = append(ids, s.ID)
	}
	if g := strings.Join(ids, ","); g != "google-tag-manager,youtube,google-analytics" {
		t.Errorf("Found = %s", g)
	}
	if page.Blocked != 2 || page.BlockedByKind[KindImg] != 2 {
		t.Errorf("Blocked = %d, by kind %v", page.Blocked, page.BlockedByKind)
	}
}

func TestGrantedPassesByteForByte(t *testing.T) {
	for name, in := range snippets {
		t.Run(name, func(t *testing.T) {
			got, page := rewrite(t, in, &Options{Classifier: fake, Granted: policy.All})
			if got != in {
				t.Errorf("changed with everything granted:\n%s", got)
			}
			if page.Blocked != 0 {
				t.Errorf("Blocked = %d", page.Blocked)
			}
		})
	}
	// Granting one category leaves its elements alone and blocks the others.
	in := snippet(t, "gtm") + snippet(t, "ga4")
	got, page := rewrite(t, in, &Options{Classifier: fake, Granted: policy.SetOf(policy.Analytics)})
	if !strings.Contains(got, snippet(t, "ga4")) {
		t.Errorf("granted GA4 changed:\n%s", got)
	}
	if strings.Contains(got, snippet(t, "gtm")) {
		t.Errorf("GTM not blocked:\n%s", got)
	}
	if len(page.Found) != 2 {
		t.Errorf("Found %d services, want 2", len(page.Found))
	}
}

func TestOverflow(t *testing.T) {
	o := &Options{Classifier: fake, MaxTag: 100, MaxInline: 100}
	big := strings.Repeat("x", 200)
	tests := []struct {
		name, in      string
		changed       bool
		overflows     int
		blockedInline int
	}{
		{"tag over cap passes", `<img alt="` + big + `" src="https://www.facebook.com/tr">`, false, 1, 0},
		{"tag at cap is handled", `<img src="https://www.facebook.com/tr" alt="` + strings.Repeat("x", 100-len(`<img src="https://www.facebook.com/tr" alt="">`)) + `">`, true, 0, 0},
		{"inline over cap without marker in the head passes", "<script>" + big + "gtag(1)</script>", false, 1, 0},
		{"inline over cap with marker in the head is blocked", "<script>gtag(1)" + big + "</script>", true, 0, 1},
		{"inline at cap is classified", "<script>" + strings.Repeat("x", 93) + "gtag(1)</script>", true, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := rewrite(t, tt.in, o)
			if (got != tt.in) != tt.changed {
				t.Errorf("changed = %v, want %v:\n%s", got != tt.in, tt.changed, got)
			}
			if page.Overflows != tt.overflows || page.BlockedByKind[KindInline] != tt.blockedInline {
				t.Errorf("Overflows = %d, inline blocked = %d", page.Overflows, page.BlockedByKind[KindInline])
			}
			for i := range len(tt.in) + 1 {
				if got2, _ := rewrite(t, tt.in, o, i); got2 != got {
					t.Fatalf("split at %d differs:\n%s", i, got2)
				}
			}
		})
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n--; f.n < 0 {
		return 0, errors.New("boom")
	}
	return len(p), nil
}

func TestWriterErrorSticks(t *testing.T) {
	r := New(&failWriter{n: 0}, blockAll)
	if _, err := r.Write([]byte("<p>hello")); err == nil {
		t.Fatal("no error from a failing writer")
	}
	if _, err := r.Write([]byte("more")); err == nil {
		t.Fatal("error did not stick")
	}
	if err := r.Close(); err == nil {
		t.Fatal("Close lost the error")
	}
	r.Reset(&bytes.Buffer{}, nil)
	if _, err := r.Write([]byte("x")); err != nil {
		t.Fatalf("after Reset: %v", err)
	}
	if _, err := r.Write(nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Write([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
}

func TestResetReuses(t *testing.T) {
	var a, b bytes.Buffer
	r := New(&a, blockAll)
	r.Write([]byte(`<script src="https://www.googletagmanager.com/gtm.js`)) // left open
	page := r.Page()
	r.Reset(&b, &Options{})
	r.Write([]byte(`<p>plain</p>`))
	r.Close()
	if b.String() != `<p>plain</p>` {
		t.Errorf("after Reset: %q", b.String())
	}
	if r.Page().Blocked != 0 || page.Lang != "" {
		t.Errorf("state leaked across Reset")
	}
}

// Script data escapes (HTML §13.2.5.20–31), traced by hand from the spec:
// x/net/html leaves the escaped state on "<!" and on "<" before a non-letter,
// so these cannot be checked against it.
func TestScriptEscapes(t *testing.T) {
	const pixel = `<img src="https://www.facebook.com/tr">`
	tests := []struct {
		name, in string
		blocked  bool // the pixel is markup, not script text
	}{
		{"escaped then double-escaped, closed", `<script><!--<script></script>--></script>` + pixel, true},
		{"double-escaped end tag only leaves double escape", `<script><!--<script></script>` + pixel + `</script>`, false},
		{"<! inside escaped stays escaped", `<script><!--<!<script></script>` + pixel + `</script>`, false},
		{"<< inside escaped stays escaped", `<script><!--<<script></script>` + pixel + `</script>`, false},
		{"--> leaves escape", `<script><!-- x --><script></script>` + pixel, true},
		{"escaped end tag ends the script", `<script><!-- </script>` + pixel, true},
		{"<!- is not an escape", `<script><!-<script></script>` + pixel, true},
		{"scripts is not script", `<script><!--<scripts></script>` + pixel, true},
		{"SCRIPT in any case", `<script><!--<SCRIPT></sCrIpT>--></SCRIPT>` + pixel, true},
		{"double escape needs a delimiter", `<script><!--<script</script>` + pixel, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := rewrite(t, tt.in, blockAll)
			if blocked := page.BlockedByKind[KindImg] == 1; blocked != tt.blocked {
				t.Errorf("pixel blocked = %v, want %v:\n%s", blocked, tt.blocked, got)
			}
			if !tt.blocked && got != tt.in {
				t.Errorf("changed:\n%s", got)
			}
		})
	}
}

// Foreign content (HTML §13.2.6.5), traced by hand from the spec: where svg and
// math end decides whether a following <title> or <textarea> hides markup.
func TestForeignContent(t *testing.T) {
	const pixel = `<img src="https://www.facebook.com/tr">`
	tests := []struct {
		name, in string
		blocked  bool
	}{
		{"svg title is an integration point", `<svg><title>` + pixel + `</title></svg>`, true},
		{"textarea inside an integration point is RCDATA", `<svg><title><textarea>` + pixel + `</textarea></title></svg>`, false},
		{"svg textarea is markup", `<svg><textarea>` + pixel + `</textarea></svg>`, true},
		{"CDATA in a MathML text integration point", `<math><mi><![CDATA[` + pixel + `]]></mi></math>`, false},
		{"CDATA back in mi after a child closes", `<math><mi><b></b><![CDATA[` + pixel + `]]></mi></math>`, false},
		{"no CDATA under an HTML element", `<svg><foreignObject><div><![CDATA[x]]>` + pixel, true},
		{"</svg> ends svg", `<svg></svg><title>` + pixel + `</title>`, false},
		{"</p> breaks out of svg", `<svg></p><title>` + pixel + `</title>`, false},
		{"the parent's end tag closes svg", `<div><svg></div><title>` + pixel + `</title>`, false},
		{"a stray end tag does not", `<div><svg></span><title>` + pixel + `</title></svg>`, true},
		{"svg inside math is MathML", `<math><svg><desc><title>` + pixel, true},
		{"svg in annotation-xml is SVG", `<math><annotation-xml><svg><desc><title>` + pixel + `</title>`, false},
		{"annotation-xml with HTML encoding", `<math><annotation-xml encoding="text/html"><title>` + pixel + `</title>`, false},
		{"font with color breaks out", `<svg><font color=red><title>` + pixel + `</title>`, false},
		{"font without attributes stays", `<svg><font><title>` + pixel + `</title>`, true},
		{"self-closing svg opens nothing", `<svg/><title>` + pixel + `</title>`, false},
		{"end tag of an integration point", `<svg><foreignObject></foreignObject><title>` + pixel, true},
		{"integration point not closed from inside HTML", `<svg><foreignObject><p></foreignObject><title>` + pixel + `</title>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := rewrite(t, tt.in, blockAll)
			if blocked := page.BlockedByKind[KindImg] == 1; blocked != tt.blocked {
				t.Errorf("pixel blocked = %v, want %v:\n%s", blocked, tt.blocked, got)
			}
			if !tt.blocked && got != tt.in {
				t.Errorf("changed:\n%s", got)
			}
		})
	}
}

// Memory per response stays bounded by the caps whatever the input: what is
// held never exceeds MaxTag+MaxInline, and nothing grows with the page.
func TestMemoryBounded(t *testing.T) {
	const mb = 10 << 20
	inputs := map[string]string{
		"inline script":       "<script>" + strings.Repeat("gtag(1);", mb/8) + "</script>",
		"script attribute":    `<script src="https://www.googletagmanager.com/gtm.js" data-x="` + strings.Repeat("x", mb),
		"img attribute":       `<img alt="` + strings.Repeat("x", mb) + `" src="https://www.facebook.com/tr">`,
		"other attribute":     `<div title="` + strings.Repeat("<img src=x>", mb/11),
		"tag name":            "<" + strings.Repeat("a", mb),
		"comment":             "<!--" + strings.Repeat("-", mb),
		"many attributes":     "<img " + strings.Repeat("src=https://www.facebook.com/tr ", 1000) + ">",
		"nested svg":          strings.Repeat("<svg><g>", mb/8),
		"many blocked":        strings.Repeat(`<img src="https://www.facebook.com/tr">`, mb/40),
		"style":               "<style>" + strings.Repeat("a{}", mb/3),
		"end tag attributes":  "</body " + strings.Repeat("a=b ", mb/4),
		"script data escapes": "<script><!--" + strings.Repeat("<script>", mb/8),
	}
	// The real catalog: the fake classifier allocates on every call.
	o := &Options{Classifier: catalog.Default(), Banner: func(*Page) []byte { return []byte("B") }}
	limit := DefaultMaxTag + DefaultMaxInline + 64
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			r := New(io.Discard, o)
			p := []byte(in)
			runtime.ReadMemStats(&before)
			for len(p) > 0 {
				n := min(32<<10, len(p))
				r.Write(p[:n])
				p = p[n:]
			}
			r.Close()
			runtime.ReadMemStats(&after)
			if c := cap(r.hold); c > limit {
				t.Errorf("hold grew to %d bytes", c)
			}
			if c := cap(r.out) + cap(r.dec); c > 3*DefaultMaxTag {
				t.Errorf("tag buffers grew to %d bytes", c)
			}
			if c := cap(r.attrs); c > maxAttrs {
				t.Errorf("%d attributes kept", c)
			}
			if a := after.TotalAlloc - before.TotalAlloc; a > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte response", a, len(in))
			}
		})
	}
}

func TestHasRocketYouTube(t *testing.T) {
	tests := []string{
		"", "y", "rll-youtube-player", "<div class=\"rll-youtube-player\">",
		"<div class=\"layout rll-youtube-playe\">", "yyyyrll-youtube-player", "rll-youtube-playerrll-youtube-player",
		"<div data-y=\"y\" class=\"rll-youtube-player\">", "rll-youtube-player-y", "ll-youtube-player", "rll-yyoutube-player",
	}
	for _, tag := range tests {
		t.Run(tag, func(t *testing.T) {
			if got, want := hasRocketYouTube([]byte(tag)), strings.Contains(tag, rocketYouTube); got != want {
				t.Errorf("hasRocketYouTube(%q) = %v, want %v", tag, got, want)
			}
		})
	}
}
