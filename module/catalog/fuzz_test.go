package catalog

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/policy"
)

// FuzzMatchURL checks that MatchURL never panics, ignores surrounding
// whitespace, and only names a service whose own rules explain the match: a
// look-alike host can never borrow a service.
func FuzzMatchURL(f *testing.F) {
	for _, u := range benchURLs {
		f.Add(u)
	}
	f.Add([]byte("https://google-analytics.com.evil.example/analytics.js"))
	f.Add([]byte("//WWW.Google-Analytics.COM:443/analytics.js"))
	f.Add([]byte("/matomo.js"))
	c := Default()
	f.Fuzz(func(t *testing.T, u []byte) {
		s := c.MatchURL(u)
		if s != nil && c.Service(s.ID) != s {
			t.Fatalf("MatchURL(%q) returned a row not in the catalog", u)
		}
		if got := c.MatchURL([]byte(" \n" + string(u) + "\t ")); got != s && !bytes.ContainsAny(u, "\t\n\r\\") && len(u) < 4000 {
			t.Fatalf("MatchURL(%q) = %s, but with surrounding space %s", u, id(s), id(got))
		}
		if s == nil {
			return
		}
		// When Go's parser agrees on the host, the service must claim it.
		p, err := url.Parse(strings.TrimSpace(string(u)))
		if err != nil || p.Opaque != "" || bytes.ContainsAny(u, "\t\n\r\\%") {
			return
		}
		host := strings.TrimSuffix(strings.ToLower(p.Hostname()), ".")
		if host == "" {
			return // a path rule
		}
		if !claims(s, host) {
			t.Fatalf("MatchURL(%q) = %s, whose rules do not cover host %q", u, s.ID, host)
		}
	})
}

func claims(s *Service, host string) bool {
	for _, g := range append(append([]string{}, s.Hosts...), s.URLs...) {
		pg, err := parseURLGlob(g)
		if err != nil {
			continue
		}
		switch {
		case pg.host == "":
			return true // path rules match any host
		case pg.path == "" && !pg.sub && (host == pg.host || strings.HasSuffix(host, "."+pg.host)):
			return true
		case pg.sub && strings.HasSuffix(host, "."+pg.host):
			return true
		case !pg.sub && host == pg.host:
			return true
		}
	}
	return false
}

// FuzzMatchInline compares the automaton with a naive search for every marker,
// and checks that feeding the script in two pieces changes nothing.
func FuzzMatchInline(f *testing.F) {
	f.Add([]byte("function gtag(){dataLayer.push(arguments);} gtag('js', new Date());"), uint16(20))
	f.Add([]byte("fbq('init','1'); _paq.push(['trackPageView']);"), uint16(3))
	f.Add(benchScript()[:300], uint16(150))
	long := benchScript()[:600]
	copy(long[290:], "_hjSettings")
	copy(long[580:], "gtag(")
	f.Add(long, uint16(7))
	c := Default()
	f.Fuzz(func(t *testing.T, script []byte, split uint16) {
		want, naive := naiveInline(c, script)
		got := c.InlineCategories(script)
		if got != naive {
			t.Fatalf("InlineCategories(%q) = %v, naive search says %v", script, got, naive)
		}
		s := c.MatchInline(script)
		if s != want {
			t.Fatalf("MatchInline(%q) = %s, naive search says %s", script, id(s), id(want))
		}
		i := int(split) % (len(script) + 1)
		sc := c.InlineScanner()
		sc.Write(script[:i])
		sc.Write(script[i:])
		if sc.Service() != s || sc.Categories() != got {
			t.Fatalf("split at %d: %s %v, whole: %s %v", i, id(sc.Service()), sc.Categories(), id(s), got)
		}
	})
}

// FuzzValidURLGlob checks that every glob the validator accepts compiles into
// a catalog, keeps its canonical form, and matches a URL built from it.
func FuzzValidURLGlob(f *testing.F) {
	for _, g := range []string{"cdn.example.com", "*.example.com", "example.com/js/*", "https://Example.com/a*b?c", "/matomo.js", "goo*gle.com", "ftp://x", "a:1"} {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, g string) {
		pg, err := parseURLGlob(g)
		if err != nil {
			return
		}
		again, err := parseURLGlob(pg.String())
		if err != nil || again != pg {
			t.Fatalf("%q: canonical form %q re-parses as %+v, %v", g, pg.String(), again, err)
		}
		r, err := Default().With(Rules{Block: []URLRule{{Glob: g, Category: policy.Marketing}}})
		if err != nil {
			t.Fatalf("ValidURLGlob accepted %q, With rejected it: %v", g, err)
		}
		// The new rule, or a more specific built-in one, must catch a URL
		// made from the glob.
		if u := sampleURL(pg.String()); r.MatchURL([]byte(u)) == nil {
			t.Fatalf("block %q: sample URL %q matches nothing", g, u)
		}
	})
}

// FuzzValidCookieGlob checks that every accepted pattern matches a name built
// from it, and that With accepts it.
func FuzzValidCookieGlob(f *testing.F) {
	for _, g := range []string{"_ga", "_ga_*", "mp_*_mixpanel", "*_session", "a**b", "*", "a b"} {
		f.Add(g)
	}
	f.Fuzz(func(t *testing.T, g string) {
		if ValidCookieGlob(g) != nil {
			return
		}
		p := compilePattern(g)
		name := sampleCookie(g)
		if !p.match(name) {
			t.Fatalf("pattern %q does not match its sample %q", g, name)
		}
		r, err := Default().With(Rules{Cookies: []CookieRule{{Glob: g, Category: policy.Analytics}}})
		if err != nil {
			t.Fatalf("ValidCookieGlob accepted %q, With rejected it: %v", g, err)
		}
		if r.MatchCookie(name) == nil {
			t.Fatalf("cookie rule %q: MatchCookie(%q) = nil", g, name)
		}
	})
}

// refLookup is hostTable.lookup as first written: every label suffix looked
// up in the map, every path rule tried in order. The filtered lookup and the
// quick path tests must agree with it.
func refLookup(t *hostTable, host string, whole bool, pathq string) *Service {
	var byHost *Service
	for exact := whole; host != ""; exact = false {
		if e := t.hosts[host]; e != nil {
			globs := e.subGlobs
			if exact {
				globs = e.globs
			}
			for i := range globs {
				if globs[i].pat.matchPath(pathq) {
					return globs[i].svc
				}
			}
			if byHost == nil {
				switch {
				case !exact && e.sub != nil:
					byHost = e.sub
				case e.self != nil:
					byHost = e.self
				}
			}
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	if byHost != nil {
		return byHost
	}
	for i := range t.paths {
		if t.paths[i].pat.matchPath(pathq) {
			return t.paths[i].svc
		}
	}
	return nil
}

// refGlob matches a glob the obvious way, by dynamic programming over bytes:
// ok[j] says whether the glob read so far matches s[:j].
func refGlob(glob, s string) bool {
	ok := make([]bool, len(s)+1)
	ok[0] = true
	for i := 0; i < len(glob); i++ {
		next := make([]bool, len(s)+1)
		for j := 0; j <= len(s); j++ {
			if glob[i] == '*' {
				next[j] = ok[j] || (j > 0 && next[j-1])
			} else {
				next[j] = j > 0 && ok[j-1] && s[j-1] == glob[i]
			}
		}
		ok = next
	}
	return ok[len(s)]
}

// FuzzLookup compares the filtered host walk, the quick path-rule tests and
// the suffix-first glob match with plain references, on the catalog plus one
// path rule and one host rule of the fuzzer's choosing.
func FuzzLookup(f *testing.F) {
	f.Add("/", "www.google-analytics.com", "")
	f.Add("/*/x.js", "a.b.googletagmanager.com", "/gtag/js?id=1")
	f.Add("/a*b*", "example.com", "?x")
	f.Add("/*/matomo.php*", "stats.example.org", "/piwik/matomo.php?idsite=1")
	f.Add("/ab*b", "x.y.z.facebook.net", "/ab")
	f.Add("/cdn-cgi/*", "...", "cdn-cgi/x")
	f.Fuzz(func(t *testing.T, glob, host, pathq string) {
		if g := "/" + strings.TrimLeft(glob, "/"); !strings.Contains(g, "**") {
			p := compilePattern(g)
			if got, want := p.match(pathq), refGlob(g, pathq); got != want {
				t.Fatalf("%q.match(%q) = %v, regexp says %v", g, pathq, got, want)
			}
		}
		rules := Rules{Block: []URLRule{{Glob: glob, Category: policy.Marketing}}}
		if strings.Count(host, ".") > 0 {
			rules.Block = append(rules.Block, URLRule{Glob: "*." + strings.ToLower(host) + "/p*", Category: policy.Analytics})
		}
		c, err := Default().With(rules)
		if err != nil {
			c = Default()
		}
		for _, whole := range []bool{true, false} {
			if got, want := c.block.lookup(host, whole, pathq), refLookup(c.block, host, whole, pathq); got != want {
				t.Fatalf("lookup(%q, %v, %q) = %s, reference %s (rule %q)", host, whole, pathq, id(got), id(want), glob)
			}
		}
	})
}

// FuzzMatchURLMemo: through a memo, a sequence of URLs gets what MatchURL
// gives each, with the built-in catalog and with allow and block rules
// (an allowed CDN path, a blocked first-party path, a blocked site host).
func FuzzMatchURLMemo(f *testing.F) {
	f.Add("https://site.example/", "wp-content/a.jpg", "matomo.js", "https://www.facebook.com/tr")
	f.Add("https://site.example/", "x\tmatomo.js", "a#/matomo.js", "https://site.example.evil/matomo.js")
	f.Add("http://cdn.example.net/", "js/app.js", "pixel/x ", "//cdn.example.net/pixel/y")
	f.Add("https://127.0.0.1/", "cdn-cgi/scripts/x.js", "piwik.php?x", "https://connect.facebook.net/en_US/fbevents.js")
	f.Add("https://ads.example/", "a", "b", "https://sub.ads.example/c")
	f.Add("https://site.example/", "wp-content/plugins/pixelyoursite/x.js", "\\\\matomo.js", "HTTPS://SITE.EXAMPLE/matomo.js")
	rules, err := Default().With(Rules{
		Block: []URLRule{
			{Glob: "/wp-content/plugins/pixelyoursite/*", Category: policy.Marketing},
			{Glob: "ads.example", Category: policy.Marketing},
			{Glob: "cdn.example.net/pixel/*", Category: policy.Analytics},
		},
		Allow: []string{"/cdn-cgi/scripts/*", "www.facebook.com/tr"},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, prefix, a, b, other string) {
		urls := []string{prefix + a, prefix + b, other, prefix + a + b, other + a, prefix + b, prefix}
		for _, c := range []*Catalog{Default(), rules} {
			var m URLMemo
			for _, u := range urls {
				if got, want := c.MatchURLMemo([]byte(u), &m), c.MatchURL([]byte(u)); got != want {
					t.Fatalf("MatchURLMemo(%q) = %s, MatchURL %s", u, id(got), id(want))
				}
			}
		}
	})
}
