package htmlrewrite

import (
	"bytes"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// holdOptions hold every host that is not *.example.com (the site) or
// allowed.test (an allow rule), as the consent handler does with
// unknown_hosts hold, and record what they were asked.
func holdOptions(asked *[]string) *Options {
	return &Options{
		Classifier: fake,
		Unknown: func(_ *Page, u []byte) (hold, own bool) {
			*asked = append(*asked, string(u))
			s := strings.ToLower(string(u))
			s = s[strings.Index(s, "//")+2:]
			if k := strings.IndexAny(s, "/?#:"); k >= 0 {
				s = s[:k]
			}
			switch {
			case s == "example.com" || strings.HasSuffix(s, ".example.com"):
				return false, true
			case s == "allowed.test":
				return false, false
			}
			return true, false
		},
	}
}

const unc = ` data-consent-category="unclassified" data-consent-service="unclassified"`

// TestUnknownHostRules is the unknown column of the element table: per
// element kind and rule, what a third party no rule names does.
func TestUnknownHostRules(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"script src", `<script src="https://t.test/a.js"></script>`, `<script type="text/plain"` + unc + ` data-consent-src="https://t.test/a.js"></script>`},
		{"script protocol-relative", `<script async src=//t.test/a.js></script>`, `<script type="text/plain"` + unc + ` async data-consent-src=//t.test/a.js></script>`},
		{"script data-src", `<script data-src="https://t.test/a.js"></script>`, `<script type="text/plain"` + unc + ` data-consent-data-src="https://t.test/a.js"></script>`},
		{"script own relative", `<script src="/wp-includes/a.js"></script>`, ``},
		{"script same-site CDN", `<script src="https://static.example.com/a.js"></script>`, ``},
		{"script allowed", `<script src="https://allowed.test/a.js"></script>`, ``},
		{"script catalog", `<script src="https://connect.facebook.net/fbevents.js"></script>`, `<script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel" data-consent-src="https://connect.facebook.net/fbevents.js"></script>`},
		{"iframe", `<iframe src="https://t.test/w"></iframe>`, `<iframe` + unc + ` data-consent-src="https://t.test/w"></iframe>`},
		{"frame", `<frameset><frame src="https://t.test/f"></frameset>`, `<frameset><frame` + unc + ` data-consent-src="https://t.test/f"></frameset>`},
		{"embed", `<embed src="https://t.test/x.swf">`, `<embed` + unc + ` data-consent-src="https://t.test/x.swf">`},
		{"object", `<object data="https://t.test/x"></object>`, `<object` + unc + ` data-consent-data="https://t.test/x"></object>`},
		{"img ordinary", `<img src="https://t.test/photo.jpg" width="640" height="480">`, ``},
		{"img 1x1", `<img src="https://t.test/p.gif" width="1" height="1">`, `<img` + unc + ` data-consent-src="https://t.test/p.gif" width="1" height="1">`},
		{"img 0 wide", `<img src="https://t.test/p.gif" width="0px">`, `<img` + unc + ` data-consent-src="https://t.test/p.gif" width="0px">`},
		{"img hidden", `<img hidden src="https://t.test/p.gif">`, `<img` + unc + ` hidden data-consent-src="https://t.test/p.gif">`},
		{"img display none", `<img style="position:absolute; DISPLAY : none" src="https://t.test/p.gif">`, `<img` + unc + ` style="position:absolute; DISPLAY : none" data-consent-src="https://t.test/p.gif">`},
		{"img visibility hidden", `<img style="visibility:hidden" src="https://t.test/p.gif">`, `<img` + unc + ` style="visibility:hidden" data-consent-src="https://t.test/p.gif">`},
		{"img in noscript", `<noscript><img src="https://t.test/p.gif"></noscript>`, `<noscript><img` + unc + ` data-consent-src="https://t.test/p.gif"></noscript>`},
		{"img after noscript", `<noscript></noscript><img src="https://t.test/p.gif">`, ``},
		{"img 1x1 own", `<img src="https://www.example.com/p.gif" width="1" height="1">`, ``},
		{"stylesheet", `<link rel="stylesheet" href="https://t.test/a.css">`, ``},
		{"icon", `<link rel=icon href="https://t.test/favicon.ico">`, ``},
		{"preconnect", `<link rel="preconnect" href="https://t.test">`, `<link` + unc + ` rel="preconnect" data-consent-href="https://t.test">`},
		{"dns-prefetch", `<link rel=dns-prefetch href=//t.test>`, `<link` + unc + ` rel=dns-prefetch data-consent-href=//t.test>`},
		{"preload", `<link rel="preload" as="script" href="https://t.test/a.js">`, `<link` + unc + ` rel="preload" as="script" data-consent-href="https://t.test/a.js">`},
		{"modulepreload", `<link rel="modulepreload" href="https://t.test/a.mjs">`, `<link` + unc + ` rel="modulepreload" data-consent-href="https://t.test/a.mjs">`},
		{"prefetch among others", `<link rel="next PREFETCH" href="https://t.test/n">`, `<link` + unc + ` rel="next PREFETCH" data-consent-href="https://t.test/n">`},
		{"prerender", `<link rel="prerender" href="https://t.test/n">`, `<link` + unc + ` rel="prerender" data-consent-href="https://t.test/n">`},
		{"preconnect own", `<link rel="preconnect" href="https://static.example.com">`, ``},
		{"video", `<video src="https://t.test/v.mp4"></video>`, ``},
		{"inline loader", `<script>var s=document.createElement("script");s.src="https://t.test/a.js";document.head.appendChild(s)</script>`,
			`<script type="text/plain"` + unc + `>var s=document.createElement("script");s.src="https://t.test/a.js";document.head.appendChild(s)</script>`},
		{"inline pixel", `<script>new Image().src='//t.test/p?'+Date.now()</script>`, `<script type="text/plain"` + unc + `>new Image().src='//t.test/p?'+Date.now()</script>`},
		{"inline concatenation", `<script>var u="https://"+"x.t.test/a.js";document.write("<script src="+u+">")</script>`,
			`<script type="text/plain"` + unc + `>var u="https://"+"x.t.test/a.js";document.write("<script src="+u+">")</script>`},
		{"inline json escaped", `<script>var c={"src":"https:\/\/t.test\/a.js"};var s=document.createElement('script');s.src=c.src</script>`,
			`<script type="text/plain"` + unc + `>var c={"src":"https:\/\/t.test\/a.js"};var s=document.createElement('script');s.src=c.src</script>`},
		{"inline catalog host", `<script>var s=document.createElement("script");s.src="https://connect.facebook.net/x.js"</script>`,
			`<script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel">var s=document.createElement("script");s.src="https://connect.facebook.net/x.js"</script>`},
		{"inline own URLs", `<script>var s=document.createElement("script");s.src="https://www.example.com/a.js"</script>`, ``},
		{"inline config names a host", `<script>var social={"x":"https://t.test/profile"}</script>`, ``},
		{"inline comment", `<script>// see https://t.test/docs
var s=document.createElement("div")</script>`, ``},
		{"inline dotless", `<script>var s=document.createElement("a");s.href="//localhost/x"</script>`, ``},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := c.want
			if want == "" {
				want = c.in
			}
			var asked []string
			got, page := rewrite(t, c.in, holdOptions(&asked))
			if got != want {
				t.Fatalf("got\n%s\nwant\n%s\n(asked %q)", got, want, asked)
			}
			if held := strings.Count(want, unc); page.Unclassified != held {
				t.Errorf("Unclassified = %d, want %d", page.Unclassified, held)
			}
			// Without Options.Unknown (unknown_hosts allow) nothing is
			// held as unclassified.
			if got, _ := rewrite(t, c.in, blockAll); strings.Contains(got, "unclassified") {
				t.Errorf("held without Unknown: %s", got)
			}
		})
	}
}

// The site's own URLs are asked about once per host prefix.
func TestUnknownOwnMemo(t *testing.T) {
	var asked []string
	in := strings.Repeat(`<script src="https://www.example.com/a.js"></script><iframe src="/local"></iframe>`, 20)
	if got, _ := rewrite(t, in, holdOptions(&asked)); got != in {
		t.Fatalf("changed: %s", got)
	}
	if len(asked) != 1 {
		t.Fatalf("asked %d times: %q", len(asked), asked)
	}
}

// The inline reader finds the host a ternary and a concatenation build,
// the suffix at least (the quantserve loader of the issue).
func TestInlineConcatenation(t *testing.T) {
	var asked []string
	in := `<script>var e=document.createElement("script");e.src=(document.location.protocol=="https:"?"https://secure":"http://edge")+".quantserve.com/quant.js";</script>`
	got, _ := rewrite(t, in, holdOptions(&asked))
	if !strings.Contains(got, unc) {
		t.Fatalf("not held: %s", got)
	}
	if len(asked) == 0 || !strings.HasSuffix(strings.SplitN(strings.TrimPrefix(asked[0], "https://"), "/", 2)[0], ".quantserve.com") {
		t.Fatalf("asked %q", asked)
	}
}

// Everything the visitor granted still holds unknowns until Unknown says
// otherwise: the consent handler leaves it nil once every category is granted.
func TestUnknownGrantedCatalog(t *testing.T) {
	var asked []string
	o := holdOptions(&asked)
	o.Granted = policy.All
	in := `<script src="https://connect.facebook.net/fbevents.js"></script><script src="https://t.test/a.js"></script>`
	got, _ := rewrite(t, in, o)
	if want := `<script src="https://connect.facebook.net/fbevents.js"></script><script type="text/plain"` + unc + ` data-consent-src="https://t.test/a.js"></script>`; got != want {
		t.Fatalf("got %s", got)
	}
}

func TestUnknownEverySplitPoint(t *testing.T) {
	var all bytes.Buffer
	all.WriteString(`<html><head><link rel=preconnect href="https://t.test"><script src="https://t.test/a.js"></script>`)
	all.WriteString(`<script>var s=document.createElement("script");s.src=(c?"https://s":"http://p")+".t.test/a.js"</script></head><body>`)
	all.WriteString(`<img src="https://t.test/p.gif" width=1 height=1><noscript><img src="//t.test/n.gif"></noscript><iframe src="https://t.test/w"></iframe>`)
	all.WriteString(`<script src="https://static.example.com/a.js"></script><img src="https://t.test/big.jpg"></body></html>`)
	in := all.String()
	var asked []string
	o := holdOptions(&asked)
	want, wp := rewrite(t, in, o)
	if wp.Unclassified != 6 {
		t.Fatalf("Unclassified = %d, want 6:\n%s", wp.Unclassified, want)
	}
	for i := 0; i <= len(in); i++ {
		got, p := rewrite(t, in, o, i)
		if got != want || p.Unclassified != wp.Unclassified {
			t.Fatalf("split at %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}

// Held hears of each element held as unclassified, with the URL that held
// it, and of nothing that passes (an ordinary image, an own script).
func TestUnknownHeldReports(t *testing.T) {
	var asked, held []string
	o := holdOptions(&asked)
	o.Held = func(_ *Page, u []byte) { held = append(held, string(u)) }
	in := `<img src="https://t.test/photo.jpg"><img src="https://t.test/p.gif" width=1 height=1><script src="/own.js"></script>` +
		`<script src="https://t.test/a.js"></script><script>new Image().src="//x.t.test/p"</script>`
	rewrite(t, in, o)
	want := []string{"https://t.test/p.gif", "https://t.test/a.js", "https://x.t.test/p"}
	if strings.Join(held, " ") != strings.Join(want, " ") {
		t.Fatalf("held %q, want %q", held, want)
	}
}

// A held iframe gets Options.Placeholder's document too, asked for with
// Unclassified (the callback decides; nil means none); frames, embeds and
// objects never do, and a callback that returns nil leaves the tag as before.
func TestUnknownPlaceholder(t *testing.T) {
	var asked []string
	var got []*catalog.Service
	o := holdOptions(&asked)
	o.Placeholder = func(_ *Page, s *catalog.Service) []byte {
		got = append(got, s)
		if s == Unclassified {
			return []byte(`<p>held & "hidden"</p>`)
		}
		return []byte(`<p>` + s.Name + `</p>`)
	}
	in := `<p><iframe title="Map" srcdoc="<b>own</b>" src="https://t.test/w"></iframe>` +
		`<frameset><frame src="https://t.test/f"></frameset><embed src="https://t.test/x.swf">` +
		`<iframe src="https://www.youtube.com/embed/x"></iframe><iframe src="https://allowed.test/w"></iframe></p>`
	want := `<p><iframe` + unc + ` srcdoc="&lt;p&gt;held &amp; &quot;hidden&quot;&lt;/p&gt;" title="Map" data-consent-srcdoc="<b>own</b>" data-consent-src="https://t.test/w"></iframe>` +
		`<frameset><frame` + unc + ` data-consent-src="https://t.test/f"></frameset><embed` + unc + ` data-consent-src="https://t.test/x.swf">` +
		`<iframe data-consent-category="marketing" data-consent-service="youtube" srcdoc="&lt;p&gt;YouTube&lt;/p&gt;" data-consent-src="https://www.youtube.com/embed/x"></iframe><iframe src="https://allowed.test/w"></iframe></p>`
	out, page := rewrite(t, in, o)
	if out != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
	if len(got) != 2 || got[0] != Unclassified || got[1].ID != "youtube" {
		t.Errorf("Placeholder asked for %v, want Unclassified then youtube", got)
	}
	if page.Unclassified != 3 {
		t.Errorf("Unclassified = %d, want 3", page.Unclassified)
	}
	for i := 0; i <= len(in); i++ {
		if out2, _ := rewrite(t, in, o, i); out2 != want {
			t.Fatalf("split at %d:\n%s", i, out2)
		}
	}

	o.Placeholder = func(_ *Page, s *catalog.Service) []byte { return nil }
	if out, _ := rewrite(t, `<iframe src="https://t.test/w"></iframe>`, o); out != `<iframe`+unc+` data-consent-src="https://t.test/w"></iframe>` {
		t.Errorf("a nil placeholder: got %s", out)
	}
}
