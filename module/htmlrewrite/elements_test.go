package htmlrewrite

import (
	"bytes"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

const (
	ytAttrs = ` data-consent-category="marketing" data-consent-service="youtube"`
	fbAttrs = ` data-consent-category="marketing" data-consent-service="meta-pixel"`
	gaAttrs = ` data-consent-category="analytics" data-consent-service="google-analytics"`
)

// The elements that load through poster, ping, an image button's src and
// base href, neutralised as img is: the loading attributes renamed, the
// consent attributes after the tag name, every other byte kept.
var mediaTests = []struct {
	name, in, want string
	kind           Kind
	cat            policy.Category
}{
	{
		name: "video poster and src",
		in:   `<video controls poster="https://i.ytimg.com/vi/x/hq.jpg" src="https://www.youtube.com/x.mp4"></video>`,
		want: `<video` + ytAttrs + ` controls data-consent-poster="https://i.ytimg.com/vi/x/hq.jpg" data-consent-src="https://www.youtube.com/x.mp4"></video>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "video: only the tracker's attribute is renamed",
		in:   `<video src="/local.mp4" poster="//i.ytimg.com/vi/x/hq.jpg" playsinline>`,
		want: `<video` + ytAttrs + ` src="/local.mp4" data-consent-poster="//i.ytimg.com/vi/x/hq.jpg" playsinline>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "lazy video",
		in:   `<video data-src="https://www.youtube.com/x.mp4" data-poster="https://i.ytimg.com/x.jpg" class="lazyload"></video>`,
		want: `<video` + ytAttrs + ` data-consent-data-src="https://www.youtube.com/x.mp4" data-consent-data-poster="https://i.ytimg.com/x.jpg" class="lazyload"></video>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "upper-case video, unquoted entity-encoded poster",
		in:   `<VIDEO POSTER=https:&#x2F;&#x2F;i.ytimg.com&sol;x.jpg>`,
		want: `<VIDEO` + ytAttrs + ` data-consent-POSTER=https:&#x2F;&#x2F;i.ytimg.com&sol;x.jpg>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "audio src",
		in:   `<audio controls src="https://www.youtube.com/a.mp3"></audio>`,
		want: `<audio` + ytAttrs + ` controls data-consent-src="https://www.youtube.com/a.mp3"></audio>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "track src inside a local video",
		in:   `<video src="/v.mp4"><Track Kind=captions Src="https://www.youtube.com/t.vtt"></video>`,
		want: `<video src="/v.mp4"><Track` + ytAttrs + ` Kind=captions data-consent-Src="https://www.youtube.com/t.vtt"></video>`,
		kind: KindSource, cat: policy.Marketing,
	},
	{
		name: "a ping, href kept",
		in:   `<a href="https://example.no/" ping="https://www.facebook.com/tr?id=1&amp;ev=Click">x</a>`,
		want: `<a` + fbAttrs + ` href="https://example.no/" data-consent-ping="https://www.facebook.com/tr?id=1&amp;ev=Click">x</a>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "a ping list, tracker second",
		in:   "<a ping=\"/count\n\thttps://www.google-analytics.com/collect\" href=/x>",
		want: "<a" + gaAttrs + " data-consent-ping=\"/count\n\thttps://www.google-analytics.com/collect\" href=/x>",
		kind: KindImg, cat: policy.Analytics,
	},
	{
		name: "upper-case A and PiNg, spaces around =",
		in:   `<A HREF="/" PiNg = 'https:&#47;&#47;www.facebook.com/tr'>`,
		want: `<A` + fbAttrs + ` HREF="/" data-consent-PiNg = 'https:&#47;&#47;www.facebook.com/tr'>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "ping after a quoted value without space, self-closing",
		in:   `<a href="/"ping="https://www.facebook.com/tr"/>`,
		want: `<a` + fbAttrs + ` href="/"data-consent-ping="https://www.facebook.com/tr"/>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "area ping",
		in:   `<map name=m><AREA shape=rect coords="0,0,1,1" href="/" PING="https://www.facebook.com/tr"></map>`,
		want: `<map name=m><AREA` + fbAttrs + ` shape=rect coords="0,0,1,1" href="/" data-consent-PING="https://www.facebook.com/tr"></map>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "image button",
		in:   `<form><input type="image" src="https://www.facebook.com/tr?id=1" alt="Go"></form>`,
		want: `<form><input` + fbAttrs + ` type="image" data-consent-src="https://www.facebook.com/tr?id=1" alt="Go"></form>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "upper-case image button, entity-encoded type",
		in:   `<INPUT SRC="https://www.facebook.com/tr" TYPE="&#73;mage" />`,
		want: `<INPUT` + fbAttrs + ` data-consent-SRC="https://www.facebook.com/tr" TYPE="&#73;mage" />`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "base",
		in:   `<head><base href="https://www.googletagmanager.com/"><script src="gtm.js"></script>`,
		want: `<head><base data-consent-category="marketing" data-consent-service="google-tag-manager" data-consent-href="https://www.googletagmanager.com/"><script src="gtm.js"></script>`,
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "upper-case base, entity-encoded host",
		in:   `<BASE TARGET=_top HREF="//www.google-analytics&period;com/">`,
		want: `<BASE` + gaAttrs + ` TARGET=_top data-consent-HREF="//www.google-analytics&period;com/">`,
		kind: KindLink, cat: policy.Analytics,
	},
	{
		name: "html image is an img",
		in:   `<p><image src="https://www.facebook.com/tr?id=1" width=1></p>`,
		want: `<p><image` + fbAttrs + ` data-consent-src="https://www.facebook.com/tr?id=1" width=1></p>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "svg image href",
		in:   `<svg width=1><image href="https://www.facebook.com/tr?id=1&amp;ev=PageView"/></svg>`,
		want: `<svg width=1><image` + fbAttrs + ` data-consent-href="https://www.facebook.com/tr?id=1&amp;ev=PageView"/></svg>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "svg image xlink:href, upper case",
		in:   `<SVG><g><IMAGE XLINK:HREF='//www.google-analytics.com/collect?v=1'></IMAGE></g></SVG>`,
		want: `<SVG><g><IMAGE` + gaAttrs + ` data-consent-XLINK:HREF='//www.google-analytics.com/collect?v=1'></IMAGE></g></SVG>`,
		kind: KindImg, cat: policy.Analytics,
	},
	{
		name: "svg feImage",
		in:   `<svg><filter id=f><feImage href="https://www.facebook.com/tr"/></filter></svg>`,
		want: `<svg><filter id=f><feImage` + fbAttrs + ` data-consent-href="https://www.facebook.com/tr"/></filter></svg>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "svg script href",
		in:   `<svg><script href="https://www.googletagmanager.com/gtag/js?id=G-1"></script></svg>`,
		want: `<svg><script type="text/plain"` + gaAttrs + ` data-consent-href="https://www.googletagmanager.com/gtag/js?id=G-1"></script></svg>`,
		kind: KindScript, cat: policy.Analytics,
	},
	{
		name: "svg script xlink:href with a type",
		in:   `<svg><script type="text/ecmascript" xlink:href="//www.google-analytics.com/analytics.js"/></svg>`,
		want: `<svg><script type="text/plain"` + gaAttrs + ` data-consent-type="text/ecmascript" data-consent-xlink:href="//www.google-analytics.com/analytics.js"/></svg>`,
		kind: KindScript, cat: policy.Analytics,
	},
	{
		name: "style background from YouTube (a lazy video facade)",
		in:   `<div class="lyte" style="background-image:url(https://i.ytimg.com/vi/x/hqdefault.jpg);height:360px"><div class="play"></div></div>`,
		want: `<div` + ytAttrs + ` class="lyte" data-consent-style="background-image:url(https://i.ytimg.com/vi/x/hqdefault.jpg);height:360px"><div class="play"></div></div>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "upper-case URL( with a quoted protocol-relative URL",
		in:   `<span title=x STYLE='background: URL( "//i.ytimg.com/vi/x/0.jpg" ) no-repeat'>v</span>`,
		want: `<span` + ytAttrs + ` title=x data-consent-STYLE='background: URL( "//i.ytimg.com/vi/x/0.jpg" ) no-repeat'>v</span>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "entity-encoded slashes in style",
		in:   `<p style="background:url(https:&#47;&#47;www.facebook.com/tr?id=1&amp;ev=PageView)">x</p>`,
		want: `<p` + fbAttrs + ` data-consent-style="background:url(https:&#47;&#47;www.facebook.com/tr?id=1&amp;ev=PageView)">x</p>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "CSS escapes in style",
		in:   `<section style="background:url(https:\2f\2f www.facebook.com\/tr)">x</section>`,
		want: `<section` + fbAttrs + ` data-consent-style="background:url(https:\2f\2f www.facebook.com\/tr)">x</section>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "image-set in style",
		in:   `<div style="background-image:image-set('/a.jpg' 1x, 'https://i.ytimg.com/vi/x/maxres.jpg' 2x)"></div>`,
		want: `<div` + ytAttrs + ` data-consent-style="background-image:image-set('/a.jpg' 1x, 'https://i.ytimg.com/vi/x/maxres.jpg' 2x)"></div>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "body background attribute",
		in:   `<body bgcolor=white background="https://www.facebook.com/tr?id=1"><p>x`,
		want: `<body` + fbAttrs + ` bgcolor=white data-consent-background="https://www.facebook.com/tr?id=1"><p>x`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "a link with a styled thumbnail",
		in:   `<a href="https://www.youtube.com/watch?v=x" style="background:url(//i.ytimg.com/vi/x/0.jpg)">Watch</a>`,
		want: `<a` + ytAttrs + ` href="https://www.youtube.com/watch?v=x" data-consent-style="background:url(//i.ytimg.com/vi/x/0.jpg)">Watch</a>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "a local img with a tracker background",
		in:   `<img src="/logo.png" style="background:url(https://www.facebook.com/tr)">`,
		want: `<img` + fbAttrs + ` src="/logo.png" data-consent-style="background:url(https://www.facebook.com/tr)">`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "custom element with a long name (held across writes too)",
		in:   `<lite-youtube-facade-element videoid=x style="background-image:url('https://i.ytimg.com/vi/x/hqdefault.jpg')"></lite-youtube-facade-element>`,
		want: `<lite-youtube-facade-element` + ytAttrs + ` videoid=x data-consent-style="background-image:url('https://i.ytimg.com/vi/x/hqdefault.jpg')"></lite-youtube-facade-element>`,
		kind: KindImg, cat: policy.Marketing,
	},
	{
		name: "style element: url() of a tracker, the rest of the sheet kept",
		in:   `<style id="lyte-css">.lyte{height:360px}.lyte .lL{background:#000 url(https://i.ytimg.com/vi/x/hqdefault.jpg) center/cover}</style>`,
		want: `<style` + ytAttrs + ` id="lyte-css">.lyte{height:360px}.lyte .lL{background:#000 url(data:,https://i.ytimg.com/vi/x/hqdefault.jpg) center/cover}</style>`,
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "style element: @import strings and url(), a selector naming the tracker kept",
		in:   "<STYLE>@import \"https://connect.facebook.net/a.css\";\n@import url( '//connect.facebook.net/b.css' ) screen;\nimg[src^=\"https://www.facebook.com/tr\"]{display:none}</STYLE>",
		want: "<STYLE" + fbAttrs + ">@import \"data:,https://connect.facebook.net/a.css\";\n@import url( 'data:,//connect.facebook.net/b.css' ) screen;\nimg[src^=\"https://www.facebook.com/tr\"]{display:none}</STYLE>",
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "style element: image-set strings, local ones kept",
		in:   `<style>.h{background-image:-webkit-image-set("/a.jpg" 1x,"https://i.ytimg.com/vi/x/maxres.jpg" 2x)}</style>`,
		want: `<style` + ytAttrs + `>.h{background-image:-webkit-image-set("/a.jpg" 1x,"data:,https://i.ytimg.com/vi/x/maxres.jpg" 2x)}</style>`,
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "style element with CSS escapes: switched off whole",
		in:   `<style media="all">.p{background:url(https:\2f\2fwww.facebook.com\/tr)}</style>`,
		want: `<style type="text/plain"` + fbAttrs + ` media="all">.p{background:url(https:\2f\2fwww.facebook.com\/tr)}</style>`,
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "style element cut off by the end of the document",
		in:   `<style>.v{background:url(https://i.ytimg.com/vi/x/0.jpg)}`,
		want: `<style` + ytAttrs + `>.v{background:url(data:,https://i.ytimg.com/vi/x/0.jpg)}`,
		kind: KindLink, cat: policy.Marketing,
	},
	{
		name: "styled svg element",
		in:   `<svg><rect style="fill:url(#g);background:url(//www.facebook.com/tr)"/></svg>`,
		want: `<svg><rect` + fbAttrs + ` data-consent-style="fill:url(#g);background:url(//www.facebook.com/tr)"/></svg>`,
		kind: KindImg, cat: policy.Marketing,
	},
}

// Elements that look like loaders but load nothing where they stand pass
// byte for byte outside svg and math (the independent checker agrees they
// are not live).
var inertLookalikes = []string{
	`<script href="https://www.googletagmanager.com/gtag/js"></script>`, // HTML script: href means nothing
	`<image href="https://www.facebook.com/tr">`,                        // an img: href means nothing
	`<feImage href="https://www.facebook.com/tr">`,                      // an unknown HTML element
	`<svg><feImage xlink:href="/local.png"/></svg>`,
}

// Inside svg or math they are blocked all the same: end tags can take the
// browser out of foreign content where the rewriter's model stays in it (and
// back), so both namespaces' loading attributes count there.
var nearForeign = []string{
	`<svg><script src="https://www.googletagmanager.com/gtag/js"></script></svg>`,
	`<svg><image src="https://www.facebook.com/tr"/></svg>`,
	`<math><image href="https://www.facebook.com/tr"/></math>`,
	`<math></video><image src="https://www.facebook.com/tr">`, // </video> closes the math: an img
}

func TestInertLookalikes(t *testing.T) {
	for _, in := range inertLookalikes {
		out, page := rewrite(t, in, blockAll)
		if out != in || page.Blocked != 0 {
			t.Errorf("%s\n became %s (%d blocked)", in, out, page.Blocked)
		}
		if live := liveTrackers(t, in, fake, 0); len(live) > 0 {
			t.Errorf("%s: the checker finds %v", in, live)
		}
	}
	for _, in := range nearForeign {
		out, page := rewrite(t, in, blockAll)
		if page.Blocked != 1 || unneutralise(out) != in {
			t.Errorf("%s\n became %s (%d blocked)", in, out, page.Blocked)
		}
		assertNoLiveTracker(t, out, fake, 0)
	}
}

func TestMediaElements(t *testing.T) {
	for _, tt := range mediaTests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := rewrite(t, tt.in, blockAll)
			if got != tt.want {
				t.Fatalf("got\n%s\nwant\n%s", got, tt.want)
			}
			if page.Blocked != 1 || page.BlockedByKind[tt.kind] != 1 || page.BlockedBy[tt.cat.Index()][tt.kind] != 1 {
				t.Errorf("Blocked = %d, by kind %v, by category and kind %v; want 1 %s %s", page.Blocked, page.BlockedByKind, page.BlockedBy, tt.cat, tt.kind)
			}
			if len(page.Found) != 1 {
				t.Errorf("Found %d services", len(page.Found))
			}
			assertNoLiveTracker(t, got, fake, 0)
			if len(liveTrackers(t, tt.in, fake, 0)) == 0 {
				t.Errorf("the checker sees no tracker in the input")
			}
			if u := unneutralise(got); u != tt.in {
				t.Errorf("edits beyond neutralising:\n%s", u)
			}
			// Granted: byte for byte, and still found.
			got, page = rewrite(t, tt.in, &Options{Classifier: fake, Granted: policy.SetOf(tt.cat)})
			if got != tt.in || page.Blocked != 0 || len(page.Found) != 1 {
				t.Errorf("granted %s: Blocked %d, Found %d, changed:\n%s", tt.cat, page.Blocked, len(page.Found), got)
			}
			// Split anywhere, or written a byte at a time: the same output.
			for i := range len(tt.in) + 1 {
				if got, _ := rewrite(t, tt.in, blockAll, i); got != tt.want {
					t.Fatalf("split at %d:\n%s", i, got)
				}
			}
			var out bytes.Buffer
			r := New(&out, blockAll)
			for i := range len(tt.in) {
				r.Write([]byte{tt.in[i]})
			}
			r.Close()
			if out.String() != tt.want {
				t.Errorf("1-byte writes:\n%s", out.String())
			}
		})
	}
}

// Through the real catalog, as in TestCatalogSnippets.
func TestMediaRealCatalog(t *testing.T) {
	cat := catalog.Default()
	for _, tt := range mediaTests {
		t.Run(tt.name, func(t *testing.T) {
			if len(liveTrackers(t, tt.in, cat, 0)) == 0 {
				t.Fatalf("the catalog matches nothing in %s", tt.in)
			}
			out, page := rewrite(t, tt.in, &Options{Classifier: cat})
			assertNoLiveTracker(t, out, cat, 0)
			if page.BlockedByKind[tt.kind] != 1 || unneutralise(out) != tt.in {
				t.Errorf("by kind %v:\n%s", page.BlockedByKind, out)
			}
			if out, _ := rewrite(t, tt.in, &Options{Classifier: cat, Granted: policy.All}); out != tt.in {
				t.Errorf("changed with everything granted:\n%s", out)
			}
		})
	}
}

// A ping list or a video with several services: blocked by the first one not
// granted, all of them found.
func TestMediaMixedGrants(t *testing.T) {
	tests := []struct {
		name, in, want string
		granted        policy.Set
		found          int
	}{
		{
			name:    "ping: the granted service comes first",
			in:      `<a ping="https://www.google-analytics.com/collect https://www.facebook.com/tr" href=/>`,
			want:    `<a` + fbAttrs + ` data-consent-ping="https://www.google-analytics.com/collect https://www.facebook.com/tr" href=/>`,
			granted: policy.SetOf(policy.Analytics),
			found:   2,
		},
		{
			name:    "ping: every service granted",
			in:      `<a ping="https://www.google-analytics.com/collect https://www.facebook.com/tr" href=/>`,
			want:    `<a ping="https://www.google-analytics.com/collect https://www.facebook.com/tr" href=/>`,
			granted: policy.SetOf(policy.Analytics, policy.Marketing),
			found:   1, // the first granted one: the list is not read further
		},
		{
			name:    "video: granted poster, blocked src",
			in:      `<video poster="https://maps.googleapis.com/p.png" src="https://www.youtube.com/x.mp4">`,
			want:    `<video` + ytAttrs + ` poster="https://maps.googleapis.com/p.png" data-consent-src="https://www.youtube.com/x.mp4">`,
			granted: policy.SetOf(policy.Preferences),
			found:   2,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, page := rewrite(t, tt.in, &Options{Classifier: fake, Granted: tt.granted})
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if len(page.Found) != tt.found {
				t.Errorf("Found %d services, want %d", len(page.Found), tt.found)
			}
			assertNoLiveTracker(t, got, fake, tt.granted)
		})
	}
}

// Links are the most common element: whatever else they hold, without a ping
// attribute they pass untouched, trackers in href included.
func TestLinksWithoutPing(t *testing.T) {
	tests := []string{
		`<a href="https://www.facebook.com/tr">`,
		`<a href="https://www.facebook.com/tr" data-ping="https://www.facebook.com/tr">`,
		`<a title="ping=https://www.facebook.com/tr" href=/>`,
		`<a pings="https://www.facebook.com/tr" ping-x=https://www.facebook.com/tr>`,
		`<a ping>`,
		`<a ping="">`,
		`<a ping="/local https://example.no/c">`,
		`<a>`, `<a/>`, `<a `, `<a href="/" ping="https://www.facebook.com/tr"`, // unterminated: never a tag
		`<area href="https://www.facebook.com/tr">`,
		`<svg><a href="https://www.facebook.com/tr"/></svg>`,
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			if got, page := rewrite(t, in, blockAll); got != in || page.Blocked != 0 {
				t.Errorf("changed:\n%s", got)
			}
			for i := range len(in) + 1 {
				if got, _ := rewrite(t, in, blockAll, i); got != in {
					t.Fatalf("split at %d changed:\n%s", i, got)
				}
			}
		})
	}
}

// A tag over MaxTag passes unchanged; only elements that always load count
// as an overflow.
func TestMediaOverflow(t *testing.T) {
	big := strings.Repeat("x", 200)
	tests := []struct {
		in        string
		overflows int
	}{
		{`<video title="` + big + `" poster="https://i.ytimg.com/x.jpg">`, 1},
		{`<base title="` + big + `" href="https://www.googletagmanager.com/">`, 1},
		{`<a title="` + big + `" ping="https://www.facebook.com/tr">`, 0},
		{`<input title="` + big + `" type=image src="https://www.facebook.com/tr">`, 0},
	}
	o := &Options{Classifier: fake, MaxTag: 100}
	for _, tt := range tests {
		got, page := rewrite(t, tt.in, o)
		if got != tt.in || page.Overflows != tt.overflows {
			t.Errorf("%.20s: Overflows %d, want %d; changed %v", tt.in, page.Overflows, tt.overflows, got != tt.in)
		}
	}
}

// FuzzScanAttrsNoting checks what scanAttrsFast notes (a ping or a src
// attribute) against parseAttrs; FuzzScanAttrsFast checks the rest of it.
func FuzzScanAttrsNoting(f *testing.F) {
	for _, s := range []string{
		` href="/" ping="x">`, ` PING = 'x'>`, ` "ping=x>`, ` pings=x ping>`, ` a="b"ping=c/>`, ` src=x>`, ` SrC>`,
		` srcset=x src>`, "\tping\n=\fx>", ` data-ping=x>`, ` ping`, ` a="`, ` =ping>`, `/ping/>`, ` x=ping>`, ` sr\x03>`, ` pin\x07>`,
		` style="background:url(//x)">`, ` STYLE=a&amp;b>`, ` Background='\2f\2f x'>`, ` style=/a/b/>`, ` style>`, ` styles="//">`, ` style = "a/"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		end, _, ok, seen := scanAttrsFast(p, 0)
		if !ok {
			return
		}
		attrs, _ := parseAttrs(p[:end], 0, nil)
		var want uint8
		for _, a := range attrs {
			if a.key == akPing || a.key == akSrc {
				want |= seenPingSrc
			}
			if (a.key == akStyle || a.key == akBackground) && mayNameHost(p[a.vs:a.ve], a.key == akStyle) {
				want |= seenCSS
			}
		}
		if seen != want {
			t.Fatalf("%q: seen %b, parseAttrs finds %b", p, seen, want)
		}
	})
}

// TestSrcdoc: an iframe whose srcdoc document loads a tracker is blocked
// whole (its srcdoc renamed), as the browser would load what the document
// holds; a srcdoc of first-party content passes byte for byte.
func TestSrcdoc(t *testing.T) {
	cat := catalog.Default()
	tests := []struct {
		name, in string
		blocked  bool
	}{
		{"script src", `<iframe srcdoc="&lt;script src=&quot;https://www.googletagmanager.com/gtag/js?id=G-1&quot;&gt;&lt;/script&gt;"></iframe>`, true},
		{"inline pixel snippet", `<IFRAME title=x SRCDOC='<script>fbq("init","1")</script>' width=1></IFRAME>`, true},
		{"an embed inside", `<iframe srcdoc="&lt;iframe src=&quot;https://www.youtube.com/embed/x&quot;&gt;&lt;/iframe&gt;"></iframe>`, true},
		{"two levels down", `<iframe srcdoc="&lt;iframe srcdoc=&quot;&amp;lt;img src=https://www.facebook.com/tr?id=1&amp;gt;&quot;&gt;&lt;/iframe&gt;"></iframe>`, true},
		{"first party only", `<iframe srcdoc="&lt;p&gt;Hello &lt;img src=/logo.png&gt;&lt;script src=/app.js&gt;&lt;/script&gt;"></iframe>`, false},
		{"granted src, blocked srcdoc", `<iframe src="/widget" srcdoc="&lt;img src=https://www.facebook.com/tr?id=1&gt;"></iframe>`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := len(liveTrackers(t, tt.in, cat, 0)) > 0; got != tt.blocked {
				t.Fatalf("the independent checker sees a live tracker: %v, want %v", got, tt.blocked)
			}
			n := len(tt.in)
			for _, sizes := range [][]int{nil, {1}, {n / 3, n / 3}, {n - 1}} {
				out, page := rewrite(t, tt.in, &Options{Classifier: cat}, sizes...)
				assertNoLiveTracker(t, out, cat, 0)
				if blocked := page.BlockedByKind[KindIframe] == 1; blocked != tt.blocked || unneutralise(out) != tt.in {
					t.Errorf("split %v: blocked %v, want %v:\n%s", sizes, blocked, tt.blocked, out)
				}
				if tt.blocked && !strings.Contains(strings.ToLower(out), "data-consent-srcdoc=") {
					t.Errorf("srcdoc not renamed:\n%s", out)
				}
			}
			if out, _ := rewrite(t, tt.in, &Options{Classifier: cat, Granted: policy.All}); out != tt.in {
				t.Errorf("changed with everything granted:\n%s", out)
			}
		})
	}
}

// TestUnknownScript: the callback gets each external script that names no
// known service, granted or not, and nothing else.
func TestUnknownScript(t *testing.T) {
	in := `<script src="https://cdn.vendor.example/a.js"></script>` +
		`<script src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>` +
		`<script src="https://www.google.com/recaptcha/api.js"></script>` +
		`<script type="rocketlazyloadscript" data-rocket-src="//lazy.example/l.js"></script>` +
		`<script data-src="/local.js?a=1&amp;b=2"></script>` +
		`<script>var s = "https://inline.example/x.js"</script>` +
		`<svg><script href="https://svg.example/s.js"></script><script src="https://svg-src.example/s.js"></script></svg>`
	// An svg script loads its href; its src means nothing.
	want := "https://cdn.vendor.example/a.js|//lazy.example/l.js|/local.js?a=1&b=2|https://svg.example/s.js"
	for _, granted := range []policy.Set{0, policy.All} {
		var got []string
		o := &Options{Classifier: catalog.Default(), Granted: granted, UnknownScript: func(_ *Page, src []byte) {
			got = append(got, string(src))
		}}
		rewrite(t, in, o)
		if strings.Join(got, "|") != want {
			t.Errorf("granted %v: %q, want %q", granted, got, want)
		}
	}
}

func TestMayNameHost(t *testing.T) {
	for v, want := range map[string]bool{
		"background:url(//x)": true, "url(https://x/a)": true, "a(b/c//": true, "a&amp;b": true, `url(\2f\2f x\/tr)`: true,
		"url&#40;x": true, "": false, "font:12px/1.5 serif": false, "url(/a/b.png)": false, "(/": false, "a(/": false,
		"color:red": false, "a//b": false, `\2f\2f x`: false,
	} {
		if got := mayNameHost([]byte(v), true); got != want {
			t.Errorf("style: mayNameHost(%q) = %v", v, got)
		}
	}
	for v, want := range map[string]bool{"//x": true, "https://x": true, "/a.png": false, "a&b": true, `\2f\2f x`: true, "a.png": false} {
		if got := mayNameHost([]byte(v), false); got != want {
			t.Errorf("background: mayNameHost(%q) = %v", v, got)
		}
	}
}

// TestCSSLoads: what a style sheet loads from another host, and what it only
// mentions.
func TestCSSLoads(t *testing.T) {
	for css, want := range map[string]string{
		`a{background:url(https://x.example/a.png)}`:                          "https://x.example/a.png",
		`a{background:URL( "//x.example/a.png" )}`:                            "//x.example/a.png",
		`@import "https://x.example/a.css";@import url('//y.example/b.css');`: "https://x.example/a.css|//y.example/b.css",
		`a{b:image-set("//x.example/1" 1x, "//y.example/2" 2x)}`:              "//x.example/1|//y.example/2",
		`a{b:-webkit-image-set("/local" 1x,"https://y.example/2" 2x)}`:        "https://y.example/2",
		`a{b:image-set(url(//x.example/1) 1x, "/local" 2x)}`:                  "//x.example/1",
		`a{b:src("//x.example/f.woff2")}`:                                     "//x.example/f.woff2",
		`img[src="https://x.example/tr"]{display:none}`:                       "",
		`a{content:"https://x.example/"}/* see //x.example */`:                "",
		`a{b:foo("a", "//x.example/1")}`:                                      "",
		`a{b:image-set("a" 1x), "//x.example/1"}`:                             "",
		`a{font:12px/1.5 serif;background:url(/a.png)}`:                       "",
	} {
		var got []string
		at := cssLoads(nil, []byte(css))
		for k := 0; k < len(at); k += 2 {
			got = append(got, css[at[k]:at[k+1]])
		}
		if strings.Join(got, "|") != want {
			t.Errorf("cssLoads(%s) = %q, want %q", css, got, want)
		}
	}
}
