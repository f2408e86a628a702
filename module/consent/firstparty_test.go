package consent

import (
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/catalog"
)

func TestOwnHost(t *testing.T) {
	h := &Handler{}
	var err error
	if h.firstParty, err = parseFirstParty([]string{"*.CDN-Example.net", "media.example.org."}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		req, host string
		own       bool
	}{
		{"www.example.com", "www.example.com", true},
		{"www.example.com:8443", "WWW.Example.COM.", true},
		{"www.example.com", "static.example.com", true}, // same registrable domain
		{"www.example.com", "example.com", true},
		{"www.example.com", "example.com.evil.test", false},
		{"www.example.com", "notexample.com", false},
		{"shop.example.co.uk", "cdn.example.co.uk", true},
		{"shop.example.co.uk", "other.co.uk", false},
		{"site.github.io", "other.github.io", false}, // a private public suffix
		{"www.example.com", "cdn-example.net", true}, // first_party
		{"www.example.com", "img.cdn-example.net", true},
		{"www.example.com", "xcdn-example.net", false},
		{"www.example.com", "media.example.org", true},
		{"www.example.com", "example.org", false},
		{"127.0.0.1:8080", "127.0.0.1", true}, // an IP: the same host only
		{"127.0.0.1", "127.0.0.2", false},
		{"[::1]:443", "::1", true},
		{"[::1]:443", "[::1]", true}, // as a URL writes it
		{"[::1]", "[::2]", false},
		{"localhost:2015", "localhost", true},
		{"localhost", "tracker.test", false},
		{"www.example.com", "", true}, // a relative URL
	}
	for _, c := range cases {
		if got := h.ownHost(c.req, c.host); got != c.own {
			t.Errorf("ownHost(%q, %q) = %v, want %v", c.req, c.host, got, c.own)
		}
	}
}

func TestParseFirstParty(t *testing.T) {
	for _, bad := range []string{"com", "co.uk", "github.io", "", "*.", "a/b", "host:80", "-x.example"} {
		if _, err := parseFirstParty([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestUnknownHostsThroughCaddy: with the default unknown_hosts hold, a third
// party no rule names is held as unclassified and listed in the banner's
// settings layer; the site's own host (same-site CDNs: TestOwnHost and the
// Chromium test), a first_party domain and an allowed host pass; once every
// category is granted nothing is held. unknown_hosts allow holds nothing.
func TestUnknownHostsThroughCaddy(t *testing.T) {
	page := `<!doctype html><html lang=en><head><title>x</title>` +
		`<script src="https://cdn.unknown-widget.test/w.js"></script>` +
		`<script src="http://127.0.0.1/own.js"></script>` +
		`<script src="https://assets.firstparty-cdn.test/fp.js"></script>` +
		`<script src="https://allowed-vendor.test/a.js"></script>` +
		`<link rel="preconnect" href="https://hint.unknown-widget.test">` +
		`</head><body><img src="https://pix.unknown-widget.test/p.gif" width="1" height="1">` +
		`<img src="https://photos.unknown-widget.test/big.jpg"></body></html>`
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	metrics /metrics
	consent {
		secret %[1]s
		first_party firstparty-cdn.test
		allow allowed-vendor.test
	}
	reverse_proxy 127.0.0.1:{PORT3}
}
http://127.0.0.1:{PORT2} {
	consent {
		secret %[1]s
		unknown_hosts allow
	}
	reverse_proxy 127.0.0.1:{PORT3}
}
http://127.0.0.1:{PORT3} {
	header Content-Type "text/html; charset=utf-8"
	respond %[2]q
}
`, secret, page))
	base := srv.URL(1)
	fetch := func(base, cookie string) string {
		hdr := map[string]string{"Accept": "text/html"}
		if cookie != "" {
			hdr["Cookie"] = cookie
		}
		_, b := get(t, "GET", base+"/", hdr)
		return string(b)
	}
	body := fetch(base, "")
	for _, held := range []string{`data-consent-src="https://cdn.unknown-widget.test/w.js"`, `data-consent-href="https://hint.unknown-widget.test"`, `data-consent-src="https://pix.unknown-widget.test/p.gif"`} {
		if !strings.Contains(body, held) {
			t.Errorf("not held: %s", held)
		}
	}
	if n := strings.Count(body, `data-consent-category="unclassified"`); n != 3 {
		t.Errorf("%d elements unclassified, want 3:\n%s", n, body)
	}
	for _, passes := range []string{`<script src="http://127.0.0.1/own.js">`, `<script src="https://assets.firstparty-cdn.test/fp.js">`, `<script src="https://allowed-vendor.test/a.js">`, `<img src="https://photos.unknown-widget.test/big.jpg">`} {
		if !strings.Contains(body, passes) {
			t.Errorf("held: %s", passes)
		}
	}
	_, raw := get(t, "GET", base+"/metrics", nil)
	for _, k := range []string{"script", "link", "img"} {
		if got := metricValue(t, string(raw), `caddy_consent_blocked_elements_total{category="unclassified",kind="`+k+`"}`); got != 1 {
			t.Errorf("unclassified %s elements counted %v, want 1", k, got)
		}
	}
	banner := body[strings.Index(body, "data-consent-banner"):]
	for _, host := range []string{"<strong>cdn.unknown-widget.test</strong>", "<strong>hint.unknown-widget.test</strong>", "<strong>pix.unknown-widget.test</strong>", "Not yet classified"} {
		if !strings.Contains(banner, host) {
			t.Errorf("banner does not list %s", host)
		}
	}
	// Analytics alone still holds them; every category releases them.
	ck := decide(t, base, url.Values{"action": {"save"}, "category": {"analytics"}})
	if b := fetch(base, ck); strings.Count(b, `data-consent-category="unclassified"`) != 3 {
		t.Error("released before every category was granted")
	}
	ck = decide(t, base, url.Values{"action": {"accept-all"}})
	if b := fetch(base, ck); strings.Contains(b, "unclassified") {
		t.Errorf("held after accept-all:\n%s", b)
	}
	if b := fetch(srv.URL(2), ""); strings.Contains(b, `"unclassified"`) {
		t.Errorf("unknown_hosts allow held:\n%s", b)
	}
}

// ownHost is ownHostIn for a page served for reqHost.
func (h *Handler) ownHost(reqHost, host string) bool {
	return h.ownHostIn(newSiteHosts(reqHost), []byte(host))
}

// A URL names the host a browser loads it from however it is spelled: the
// repairs browsers make (slashes and backslashes after the scheme, leading
// spaces, no slashes at all) must not make a third party the site's own.
func TestUnknownReadsURLsAsBrowsers(t *testing.T) {
	h := &Handler{catalog: catalog.Default()}
	ex := &exchange{r: httptest.NewRequest("GET", "http://www.example.com/", nil)}
	unknown := h.unknownFunc(ex)
	for _, u := range []string{
		"https://evil.test/x.js", "https:///evil.test/x.js", " https://evil.test/x.js",
		"https:\\\\evil.test/x.js", "\\\\evil.test/x.js", "/\\evil.test/x.js", "HTTPS:evil.test/x.js",
	} {
		if hold, own := unknown(nil, []byte(u)); !hold || own {
			t.Errorf("%q: hold %v, own %v; want it held as a third party", u, hold, own)
		}
	}
	for _, u := range []string{"/x.js", "x.js", "https://static.example.com/x.js", "//WWW.example.com./x.js"} {
		if hold, own := unknown(nil, []byte(u)); hold || !own {
			t.Errorf("%q: hold %v, own %v; want the site's own", u, hold, own)
		}
	}
}
