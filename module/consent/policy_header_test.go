package consent

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

func provisionedWith(t testing.TB, h *Handler) *Handler {
	t.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: t.Context()})
	t.Cleanup(cancel)
	h.Secret = secret
	if err := h.Provision(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.Validate(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Cleanup() })
	// As if provisioned in a server whose site addresses name these hosts
	// (serverSites reads them from the server in Caddy).
	h.sites = siteLabels{exact: map[string]bool{"www.shop.example": true, "big.example": true, "a.example": true}}
	return h
}

// policyFor returns the module's policy header for a visitor of host who
// granted granted, and the header's name ("" when none).
func policyFor(h *Handler, host string, granted policy.Set) (name, value string) {
	hdr := http.Header{}
	r := httptest.NewRequest("GET", "http://"+host+"/", nil)
	h.addPolicyHeader(hdr, &exchange{r: r, granted: granted})
	for _, n := range []string{"Content-Security-Policy", "Content-Security-Policy-Report-Only"} {
		if v := hdr.Values(n); len(v) > 0 {
			if len(v) != 1 {
				panic(fmt.Sprintf("%d %s headers", len(v), n))
			}
			return n, v[0]
		}
	}
	return "", ""
}

// sources returns the default-src sources of a policy.
func sources(p string) map[string]bool {
	first, _, _ := strings.Cut(p, ";")
	m := map[string]bool{}
	for _, s := range strings.Fields(first)[1:] {
		m[s] = true
	}
	return m
}

func TestPolicyHeader(t *testing.T) {
	// Learned hosts enter the policy under unknown_hosts allow; under hold
	// (TestPolicyHeaderHoldsLearned) the rewriter holds them instead.
	h := provisionedWith(t, &Handler{
		Allow:        []string{"maps.example.net", "cdn.partner.example/js/*"},
		FirstParty:   []string{"nordlys-cdn.example"},
		UnknownHosts: "allow",
	})
	cat := catalog.Default()
	necessary := policy.SetOf(policy.Necessary)
	analytics := necessary.With(policy.Analytics)
	// The site's markup loads YouTube and a script host no catalog knows.
	h.inv.ObservePage("www.shop.example", []*catalog.Service{cat.Service("youtube"), cat.Service("google-analytics")}, []string{"cdn.theme-vendor.example"}, time.Now())

	name, p := policyFor(h, "www.shop.example:8443", necessary)
	if name != "Content-Security-Policy-Report-Only" {
		t.Fatalf("default mode sends %q", name)
	}
	src := sources(p)
	for _, want := range []string{"'self'", "shop.example", "*.shop.example", "nordlys-cdn.example", "*.nordlys-cdn.example",
		"maps.example.net", "*.maps.example.net", "cdn.partner.example/js/", "cdn.theme-vendor.example",
		// necessary services: reCAPTCHA by path, Stripe by host
		"www.google.com/recaptcha/", "stripe.com", "*.stripe.com"} {
		if !src[want] {
			t.Errorf("no consent: policy lacks %s\n%s", want, p)
		}
	}
	for s := range src {
		for _, tracker := range []string{"google-analytics", "googletagmanager", "facebook", "youtube", "doubleclick", "hotjar"} {
			if strings.Contains(s, tracker) {
				t.Errorf("no consent: policy allows %s", s)
			}
		}
	}
	for _, want := range []string{"'unsafe-inline'", "'unsafe-eval'", "data:", "blob:", "style-src * 'unsafe-inline'", "report-uri /_consent/csp-report?g=1"} {
		if !strings.Contains(p, want) {
			t.Errorf("policy lacks %s: %s", want, p)
		}
	}
	for _, never := range []string{"'nonce-", "'sha256-", "'sha384-", "'sha512-", "'strict-dynamic'", "'none'"} {
		if strings.Contains(p, never) {
			t.Errorf("policy carries %s, which would break legacy inline scripts: %s", never, p)
		}
	}

	_, p = policyFor(h, "www.shop.example", analytics)
	src = sources(p)
	// Necessary services keep their room when granted ones fill the header.
	for _, want := range []string{"google-analytics.com", "*.google-analytics.com", "www.googletagmanager.com/gtag/js", "stripe.com", "www.google.com/recaptcha/"} {
		if !src[want] {
			t.Errorf("analytics granted: policy lacks %s", want)
		}
	}
	for s := range src {
		if strings.Contains(s, "facebook") || strings.Contains(s, "youtube") {
			t.Errorf("analytics granted: policy allows marketing %s", s)
		}
	}
	if len(p) > maxCSPHeader {
		t.Errorf("analytics granted: policy is %d bytes", len(p))
	}
	if !strings.Contains(p, "?g="+fmt.Sprint(int(analytics))) {
		t.Errorf("the report URI does not name the granted set: %s", p)
	}

	if name, _ := policyFor(h, "www.shop.example", policy.All); name != "" {
		t.Errorf("every category granted: want no policy, got %s", name)
	}

	// Enforce uses the enforcing header, with the same sources.
	he := provisionedWith(t, &Handler{CSP: CSPEnforce})
	if name, _ := policyFor(he, "www.shop.example", necessary); name != "Content-Security-Policy" {
		t.Errorf("enforce sends %q", name)
	}
	ho := provisionedWith(t, &Handler{CSP: CSPOff})
	if name, _ := policyFor(ho, "www.shop.example", necessary); name != "" {
		t.Errorf("off sends %q", name)
	}
}

// TestPolicyHeaderCap: a site whose markup names hundreds of third-party
// hosts gets at most maxLearnedHosts of them, the header stays within 4 KB,
// and the log says so once.
func TestPolicyHeaderCap(t *testing.T) {
	h := provisionedWith(t, &Handler{UnknownHosts: "allow"})
	core, logs := observer.New(zap.WarnLevel)
	h.logger = zap.New(core)
	var hosts []string
	for i := range 300 {
		hosts = append(hosts, fmt.Sprintf("cdn%03d.some-long-vendor-name-%03d.example", i, i))
	}
	h.inv.ObservePage("big.example", nil, hosts[:150], time.Now())
	h.inv.ObservePage("big.example", nil, hosts[150:], time.Now())
	for range 3 {
		_, p := policyFor(h, "big.example", policy.SetOf(policy.Necessary))
		if len(p) > maxCSPHeader {
			t.Fatalf("policy is %d bytes", len(p))
		}
		n := 0
		for s := range sources(p) {
			if strings.Contains(s, "some-long-vendor") {
				n++
			}
		}
		if n == 0 || n > maxLearnedHosts {
			t.Fatalf("%d learned hosts in the policy", n)
		}
		h.csp.cache.Clear() // build again: the warning must still come once
	}
	if got := logs.FilterMessageSnippet("no room for every host").Len(); got != 1 {
		t.Errorf("cap warning logged %d times, want once", got)
	}
}

// TestPolicyHeaderCache: a cached policy costs no rebuilding, and new markup
// (not reports) makes a new one.
func TestPolicyHeaderCache(t *testing.T) {
	h := provisionedWith(t, &Handler{UnknownHosts: "allow"})
	_, p1 := policyFor(h, "a.example", policy.SetOf(policy.Necessary))
	_, p2 := policyFor(h, "a.example", policy.SetOf(policy.Necessary))
	if p1 != p2 {
		t.Fatal("the same state gave two policies")
	}
	h.inv.ObservePage("a.example", nil, []string{"cdn.new.example"}, time.Now())
	_, p3 := policyFor(h, "a.example", policy.SetOf(policy.Necessary))
	if !sources(p3)["cdn.new.example"] {
		t.Errorf("a host learned from markup is not in the next policy: %s", p3)
	}
}

func TestGlobSources(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"cdn.example.com", "cdn.example.com *.cdn.example.com"},
		{"*.example.com", "*.example.com"},
		{"https://Example.com/js/*", "example.com/js/"},
		{"www.googletagmanager.com/gtag/js*", "www.googletagmanager.com/gtag/js"},
		{"www.facebook.com/tr?*", "www.facebook.com/tr"},
		{"example.com/*", "example.com"},
		{"/matomo.js", "*/matomo.js"},
		{"/*/matomo.js", ""},
		{"/matomo.php*", "*/matomo.php"},
		{"example.com/a;b/c", "example.com"},
		{"bad host.com", ""},
	} {
		if got := strings.Join(globSources(c.in), " "); got != c.want {
			t.Errorf("globSources(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// BenchmarkPolicyHeader is the cost the policy adds to a rewritten response
// once built: the inventory generation, the cache lookup, two header values.
func BenchmarkPolicyHeader(b *testing.B) {
	h := provisionedWith(b, &Handler{})
	cat := catalog.Default()
	h.inv.ObservePage("www.shop.example", []*catalog.Service{cat.Service("youtube"), cat.Service("google-analytics")}, []string{"cdn.theme-vendor.example"}, time.Now())
	r := httptest.NewRequest("GET", "http://www.shop.example/", nil)
	ex := &exchange{r: r, granted: policy.SetOf(policy.Necessary, policy.Analytics)}
	hdr := http.Header{}
	h.addPolicyHeader(hdr, ex)
	b.ReportAllocs()
	for b.Loop() {
		clear(hdr)
		h.addPolicyHeader(hdr, ex)
	}
}

// BenchmarkHandlerCSP serves the median WordPress page through the whole
// handler with the policy (report) and without it (off), for the added
// cost per response in context.
func BenchmarkHandlerCSP(b *testing.B) {
	page, err := os.ReadFile(filepath.Join(pagesDir(), "wordpress-median.html"))
	if err != nil {
		b.Fatal(err)
	}
	next, req := pageUpstream(page), pageRequest()
	for _, mode := range []string{CSPOff, CSPReport} {
		b.Run(mode, func(b *testing.B) {
			h := provisionedWith(b, &Handler{CSP: mode})
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(req.Context())
				if err := h.ServeHTTP(&discard{h: http.Header{}}, r, next); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPolicyHeaderMiss builds the policy every time: what a response
// with a Host header never seen before costs.
func BenchmarkPolicyHeaderMiss(b *testing.B) {
	h := provisionedWith(b, &Handler{})
	cat := catalog.Default()
	h.inv.ObservePage("www.shop.example", []*catalog.Service{cat.Service("youtube"), cat.Service("google-analytics")}, []string{"cdn.theme-vendor.example"}, time.Now())
	b.ReportAllocs()
	for b.Loop() {
		h.buildPolicy(h.csp, "www.shop.example", policy.SetOf(policy.Necessary, policy.Analytics))
	}
}

// TestPolicyHeaderCatchAll: on a catch-all site, any Host a client makes up
// shares one policy, with 'self' as the site's own, and costs no new build.
func TestPolicyHeaderCatchAll(t *testing.T) {
	h := provisionedWith(t, &Handler{})
	h.sites = siteLabels{exact: map[string]bool{}}
	_, p1 := policyFor(h, "made-up-1.attacker.example", policy.SetOf(policy.Necessary))
	_, p2 := policyFor(h, "made-up-2.other.example", policy.SetOf(policy.Necessary))
	if p1 != p2 || strings.Contains(p1, "attacker") || strings.Contains(p2, "other.example") {
		t.Errorf("made-up hosts changed the policy:\n%s\n%s", p1, p2)
	}
	if n := h.csp.n.Load(); n != 1 {
		t.Errorf("%d policies built, want 1", n)
	}
}

// Under unknown_hosts hold (the default) the rewriter holds unknown third
// parties until every category is granted, so the policy never lists a host
// learned from markup: the browser refuses what the markup did not show.
func TestPolicyHeaderHoldsLearned(t *testing.T) {
	h := provisionedWith(t, &Handler{})
	h.inv.ObservePage("www.shop.example", nil, []string{"cdn.theme-vendor.example"}, time.Now())
	name, p := policyFor(h, "www.shop.example", policy.SetOf(policy.Necessary))
	if name == "" || strings.Contains(p, "theme-vendor") {
		t.Fatalf("policy under hold: %q", p)
	}
}
