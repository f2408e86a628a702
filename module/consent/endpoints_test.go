package consent

import (
	"bufio"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

const secret = "0123456789abcdef0123456789abcdef"

// trackerPage carries GA4 (analytics) and the Meta Pixel (marketing).
const trackerPage = `<!doctype html><html lang="nb"><head>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-DEMO000000');</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','000000000000000');fbq('track','PageView');</script>
</head><body><p>Hei</p><noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=000000000000000&ev=PageView&noscript=1"/></noscript></body></html>`

// cookieSite is an upstream that sets the seed policies' cookies and reports
// what it was sent.
type cookieSite struct {
	*httptest.Server
	mu       sync.Mutex
	cookie   string // Cookie header of the last request
	xConsent string // X-Consent-Categories of the last request
}

func newCookieSite(t *testing.T) *cookieSite {
	s := &cookieSite{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.cookie, s.xConsent = r.Header.Get("Cookie"), r.Header.Get("X-Consent-Categories")
		s.mu.Unlock()
		for _, c := range []string{
			"wordpress_logged_in_5c0f9c1f=ingrid%7C1767225600; path=/; HttpOnly",
			"PHPSESSID=k3n9a1q7; path=/",
			"pll_language=nb; Max-Age=31536000; path=/",
			"_ga=GA1.1.123.456; Max-Age=63072000; path=/",
			"_fbp=fb.1.1700000000.123; Max-Age=7776000; path=/",
		} {
			w.Header().Add("Set-Cookie", c)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, trackerPage)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *cookieSite) seen() (cookie, categories string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cookie, s.xConsent
}

func startConsent(t *testing.T, up *cookieSite, logFile string) *testcaddy.Server {
	t.Helper()
	return testcaddy.Start(t, fmt.Sprintf(`
{
	log records {
		include http.handlers.consent.records
		output file %[2]s
		format json
	}
}
http://127.0.0.1:{PORT} {
	@stats {
		path /stats
		consent analytics
	}
	consent {
		secret %[3]s
		policy_url /personvern/
	}
	respond @stats "analytics granted" 200
	reverse_proxy %[1]s {
		header_up X-Consent-Categories {http.consent.categories}
	}
}
http://127.0.0.1:{PORT2} {
	consent {
		secret %[3]s
		policy_version 2
		google_consent_mode off
	}
	reverse_proxy %[1]s
}
http://127.0.0.1:{PORT3} {
	consent {
		secret %[3]s
		max_age 1s
	}
	reverse_proxy %[1]s
}
`, strings.TrimPrefix(up.URL, "http://"), logFile, secret))
}

// post sends a consent form the way a browser on the site's own page does.
func post(t *testing.T, base string, form url.Values, hdr map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/_consent", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	for k, v := range hdr {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func consentCookie(t *testing.T, resp *http.Response) *http.Cookie {
	t.Helper()
	for _, c := range resp.Cookies() {
		if c.Name == "consent" {
			return c
		}
	}
	t.Fatalf("no consent cookie in %d response: %v", resp.StatusCode, resp.Header.Values("Set-Cookie"))
	return nil
}

func decide(t *testing.T, base string, form url.Values) string {
	t.Helper()
	resp := post(t, base, form, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent post: status %d", resp.StatusCode)
	}
	c := consentCookie(t, resp)
	return c.Name + "=" + c.Value
}

func page(t *testing.T, base, cookie string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	h := map[string]string{"Cookie": cookie}
	for k, v := range hdr {
		h[k] = v
	}
	if cookie == "" {
		delete(h, "Cookie")
	}
	resp, body := get(t, "GET", base+"/", h)
	return resp, string(body)
}

// Which trackers a page still loads.
func loadsGA(body string) bool {
	return strings.Contains(body, `<script async src="https://www.googletagmanager.com`)
}
func loadsPixel(body string) bool {
	return strings.Contains(body, `<img height="1" width="1" style="display:none" src="https://www.facebook.com/tr`)
}

func setCookieNames(resp *http.Response) (set, expired []string) {
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())) {
			expired = append(expired, c.Name)
		} else {
			set = append(set, c.Name)
		}
	}
	return set, expired
}

func TestConsentEndpointAndStates(t *testing.T) {
	logFile := filepath.Join(t.TempDir(), "records.log")
	up := newCookieSite(t)
	srv := startConsent(t, up, logFile)
	base := srv.URL(1)

	t.Run("no choice blocks and shows the banner", func(t *testing.T) {
		resp, body := page(t, base, "", nil)
		if loadsGA(body) || loadsPixel(body) {
			t.Fatal("trackers load without consent")
		}
		if !strings.Contains(body, `data-consent-action="accept-all"`) || !strings.Contains(body, `data-consent-action="reject-all"`) {
			t.Fatal("no first-layer banner")
		}
		set, _ := setCookieNames(resp)
		if strings.Contains(strings.Join(set, " "), "_ga") || strings.Contains(strings.Join(set, " "), "_fbp") {
			t.Errorf("tracking cookies reached the browser without consent: %v", set)
		}
		for _, want := range []string{"wordpress_logged_in_5c0f9c1f", "PHPSESSID"} {
			if !strings.Contains(strings.Join(set, " "), want) {
				t.Errorf("necessary cookie %s was dropped: %v", want, set)
			}
		}
		if cc := resp.Header.Get("Cache-Control"); strings.Contains(cc, "private") {
			t.Errorf("the no-choice variant is the same for everyone; Cache-Control %q", cc)
		}
		if _, cats := up.seen(); cats != "necessary" {
			t.Errorf("upstream saw {http.consent.categories} = %q, want necessary", cats)
		}
		// Google Consent Mode v2: the default, all denied, before the first Google tag.
		cm, gtag := strings.Index(body, `gtag("consent","default"`), strings.Index(body, "googletagmanager.com/gtag/js")
		if cm < 0 || gtag < 0 || cm > gtag {
			t.Errorf("consent mode default at %d, first Google tag at %d", cm, gtag)
		}
		for _, typ := range []string{"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage", "functionality_storage", "personalization_storage", "security_storage"} {
			if !strings.Contains(body, typ+`:"denied"`) {
				t.Errorf("consent mode default does not deny %s", typ)
			}
		}
		if strings.Contains(body, `gtag("consent","update"`) {
			t.Error("a consent mode update before any choice")
		}
		if _, off := page(t, srv.URL(2), "", nil); strings.Contains(off, `"consent","default"`) {
			t.Error("google_consent_mode off still emits the default")
		}
	})

	t.Run("accept-all", func(t *testing.T) {
		resp := post(t, base, url.Values{"action": {"accept-all"}, "return": {"/blogg/?side=2"}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/blogg/?side=2" {
			t.Fatalf("status %d Location %q", resp.StatusCode, resp.Header.Get("Location"))
		}
		c := consentCookie(t, resp)
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
			t.Errorf("cookie flags: HttpOnly=%v SameSite=%v Path=%q Secure=%v (plain HTTP)", c.HttpOnly, c.SameSite, c.Path, c.Secure)
		}
		if c.MaxAge != int((182 * 24 * time.Hour).Seconds()) {
			t.Errorf("Max-Age %d, want 182 days", c.MaxAge)
		}
		resp, body := page(t, base, c.Name+"="+c.Value, nil)
		if !loadsGA(body) || !loadsPixel(body) {
			t.Fatal("trackers still blocked after accept-all")
		}
		if !strings.Contains(resp.Header.Get("Cache-Control"), "private") {
			t.Errorf("consented variant without Cache-Control: private: %q", resp.Header.Get("Cache-Control"))
		}
		if strings.Contains(body, `data-consent-action="accept-all"`) && !strings.Contains(body, `hidden`) {
			t.Error("first layer shown again after a choice")
		}
		if _, cats := up.seen(); cats != "necessary,preferences,analytics,marketing" {
			t.Errorf("upstream saw categories %q", cats)
		}
	})

	t.Run("analytics only", func(t *testing.T) {
		ck := decide(t, base, url.Values{"action": {"save"}, "category": {"analytics"}})
		resp, body := page(t, base, ck+"; _fbp=fb.1.1.1; _ga=GA1.1.1.1", nil)
		if !loadsGA(body) || loadsPixel(body) {
			t.Fatalf("analytics only: GA loads %v (want true), pixel loads %v (want false)", loadsGA(body), loadsPixel(body))
		}
		if !strings.Contains(body, `gtag("consent","update",{ad_storage:"denied",ad_user_data:"denied",ad_personalization:"denied",analytics_storage:"granted",functionality_storage:"denied",personalization_storage:"denied",security_storage:"granted"})`) {
			t.Error("no consent mode update granting analytics_storage only")
		}
		set, expired := setCookieNames(resp)
		if !strings.Contains(strings.Join(set, " "), "_ga") || strings.Contains(strings.Join(set, " "), "_fbp") {
			t.Errorf("Set-Cookie passed %v: want _ga and not _fbp", set)
		}
		if !strings.Contains(strings.Join(expired, " "), "_fbp") {
			t.Errorf("the browser's _fbp was not expired: %v", expired)
		}
		cookie, _ := up.seen()
		if strings.Contains(cookie, "_fbp") || !strings.Contains(cookie, "_ga=") {
			t.Errorf("upstream saw Cookie %q: want _ga and no _fbp", cookie)
		}
		if _, b := get(t, "GET", base+"/stats", map[string]string{"Cookie": ck}); string(b) != "analytics granted" {
			t.Errorf("consent matcher did not match a visitor who granted analytics: %q", b)
		}
	})

	t.Run("reject-all withdraws", func(t *testing.T) {
		ck := decide(t, base, url.Values{"action": {"reject-all"}})
		resp, body := page(t, base, ck+"; _ga=GA1.1.1.1; _fbp=fb.1.1.1", nil)
		if loadsGA(body) || loadsPixel(body) {
			t.Fatal("trackers load after reject-all")
		}
		_, expired := setCookieNames(resp)
		for _, n := range []string{"_ga", "_fbp"} {
			if !strings.Contains(strings.Join(expired, " "), n) {
				t.Errorf("%s not expired after withdrawal: %v", n, expired)
			}
		}
		if cookie, _ := up.seen(); strings.Contains(cookie, "_ga") || strings.Contains(cookie, "_fbp") {
			t.Errorf("upstream saw tracking cookies after withdrawal: %q", cookie)
		}
		if _, b := get(t, "GET", base+"/stats", map[string]string{"Cookie": ck}); string(b) == "analytics granted" {
			t.Error("consent matcher matched a visitor who rejected analytics")
		}
	})

	t.Run("json post", func(t *testing.T) {
		resp := post(t, base, url.Values{"action": {"accept-all"}}, map[string]string{"Accept": "application/json"})
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("status %d, want 204", resp.StatusCode)
		}
		consentCookie(t, resp)
	})

	refused := []struct {
		name   string
		form   url.Values
		hdr    map[string]string
		status int
	}{
		{"cross-site origin", url.Values{"action": {"accept-all"}}, map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": ""}, 403},
		{"sec-fetch-site cross-site", url.Values{"action": {"accept-all"}}, map[string]string{"Origin": "", "Sec-Fetch-Site": "cross-site"}, 403},
		{"null origin", url.Values{"action": {"accept-all"}}, map[string]string{"Origin": "null"}, 403},
		{"unknown action", url.Values{"action": {"maybe"}}, nil, 400},
		{"no action", url.Values{"category": {"analytics"}}, nil, 400},
		{"two actions", url.Values{"action": {"accept-all", "reject-all"}}, nil, 400},
		{"unknown category", url.Values{"action": {"save"}, "category": {"statistics"}}, nil, 400},
	}
	for _, c := range refused {
		t.Run("refuses "+c.name, func(t *testing.T) {
			resp := post(t, base, c.form, c.hdr)
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			for _, ck := range resp.Cookies() {
				if ck.Name == "consent" {
					t.Fatalf("a refused post set the consent cookie")
				}
			}
		})
	}

	t.Run("oversized form", func(t *testing.T) {
		resp := post(t, base, url.Values{"action": {"save"}, "return": {"/" + strings.Repeat("a", 8000)}}, nil)
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("status %d, want 400", resp.StatusCode)
		}
	})

	for _, ret := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/%2F%2Fevil.example"} {
		t.Run("open redirect "+ret, func(t *testing.T) {
			resp := post(t, base, url.Values{"action": {"reject-all"}, "return": {ret}}, nil)
			if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != "/" {
				t.Fatalf("status %d Location %q, want 303 to /", resp.StatusCode, loc)
			}
		})
	}

	t.Run("tampered cookie counts as no choice", func(t *testing.T) {
		ck := decide(t, base, url.Values{"action": {"accept-all"}})
		name, val, _ := strings.Cut(ck, "=")
		b := []byte(val)
		b[len(b)/2] ^= 1
		if b[len(b)/2] == val[len(val)/2] {
			b[len(b)/2]++
		}
		_, body := page(t, base, name+"="+string(b), nil)
		if loadsGA(body) || !strings.Contains(body, `data-consent-action="accept-all"`) {
			t.Fatal("a tampered cookie granted consent")
		}
	})

	t.Run("policy version bump asks again", func(t *testing.T) {
		ck := decide(t, base, url.Values{"action": {"accept-all"}}) // policy_version 1
		_, body := page(t, srv.URL(2), ck, nil)                     // policy_version 2, same secret
		if loadsGA(body) || loadsPixel(body) {
			t.Fatal("a choice under policy version 1 granted consent under version 2")
		}
	})

	t.Run("expired choice", func(t *testing.T) {
		ck := decide(t, srv.URL(3), url.Values{"action": {"accept-all"}})
		if _, body := page(t, srv.URL(3), ck, nil); !loadsGA(body) {
			t.Fatal("a fresh choice did not count")
		}
		time.Sleep(2100 * time.Millisecond) // max_age 1s; second-precision timestamps
		if _, body := page(t, srv.URL(3), ck, nil); loadsGA(body) {
			t.Fatal("a choice older than max_age still counts")
		}
	})

	t.Run("gpc", func(t *testing.T) {
		_, body := page(t, base, "", map[string]string{"Sec-GPC": "1"})
		if !strings.Contains(body, "Global Privacy Control") && !strings.Contains(body, "GPC") {
			t.Error("the banner does not tell the visitor the GPC signal was honoured")
		}
		ck := decide(t, base, url.Values{"action": {"accept-all"}}) // chosen without the signal
		_, body = page(t, base, ck, map[string]string{"Sec-GPC": "1"})
		if !loadsGA(body) || loadsPixel(body) {
			t.Fatalf("with GPC after an earlier accept-all: GA %v (want true), pixel %v (want false)", loadsGA(body), loadsPixel(body))
		}
		// A choice made while the browser sends GPC is explicit and wins.
		resp := post(t, base, url.Values{"action": {"accept-all"}}, map[string]string{"Sec-GPC": "1"})
		c := consentCookie(t, resp)
		_, body = page(t, base, c.Name+"="+c.Value, map[string]string{"Sec-GPC": "1"})
		if !loadsPixel(body) {
			t.Fatal("an explicit accept-all made with GPC on did not grant marketing")
		}
	})

	t.Run("settings page and assets", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/_consent/settings", nil)
		if resp.StatusCode != 200 || !strings.Contains(string(body), `<form`) || !strings.Contains(string(body), `method="post"`) {
			t.Fatalf("settings page: status %d\n%s", resp.StatusCode, snippet(body, 0))
		}
		for _, m := range []string{"POST", "DELETE"} {
			if r, _ := get(t, m, base+"/_consent/settings", nil); r.StatusCode != http.StatusMethodNotAllowed {
				t.Errorf("%s settings: status %d, want 405", m, r.StatusCode)
			}
		}
		if r, _ := get(t, "GET", base+"/_consent", nil); r.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("GET /_consent: status %d, want 405", r.StatusCode)
		}
		for _, a := range assets {
			r, b := get(t, "GET", base+"/_consent/assets/"+a.Name, nil)
			if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") || string(b) != string(a.Body) {
				t.Errorf("asset %s: status %d, Cache-Control %q", a.Name, r.StatusCode, r.Header.Get("Cache-Control"))
			}
		}
		if r, _ := get(t, "GET", base+"/_consent/assets/nope.js", nil); r.StatusCode != 404 {
			t.Errorf("unknown asset: status %d", r.StatusCode)
		}
	})

	t.Run("records", func(t *testing.T) {
		decide(t, base, url.Values{"action": {"save"}, "category": {"preferences"}, "return": {"/kontakt/"}})
		var last map[string]any
		deadline := time.Now().Add(3 * time.Second)
		for time.Now().Before(deadline) {
			f, err := os.Open(logFile)
			if err == nil {
				sc := bufio.NewScanner(f)
				for sc.Scan() {
					var e map[string]any
					if json.Unmarshal(sc.Bytes(), &e) == nil {
						last = e
					}
				}
				f.Close()
			}
			if last != nil && last["action"] == "save" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		if last == nil {
			t.Fatal("no consent record logged")
		}
		if last["logger"] != "http.handlers.consent.records" || last["action"] != "save" || last["page"] != "/kontakt/" {
			t.Errorf("record %v", last)
		}
		if ip, _ := last["ip"].(string); ip != "127.0.0.0" {
			t.Errorf("record ip %q, want the truncated 127.0.0.0", ip)
		}
		if id, _ := last["consent_id"].(string); len(id) != 32 {
			t.Errorf("consent_id %q", id)
		}
		if g, _ := last["granted"].([]any); len(g) != 2 || g[0] != "necessary" || g[1] != "preferences" {
			t.Errorf("granted %v", last["granted"])
		}
	})
}

// TestCrossSite covers the CSRF check's corner cases that browsers never
// produce but a forged request can (security audit I2).
func TestCrossSite(t *testing.T) {
	for _, tt := range []struct {
		name    string
		tls     bool
		headers [][2]string
		cross   bool
	}{
		{"no headers (not a browser)", false, nil, false},
		{"same origin", false, [][2]string{{"Origin", "http://shop.example"}, {"Sec-Fetch-Site", "same-origin"}}, false},
		{"same origin https", true, [][2]string{{"Origin", "https://shop.example"}}, false},
		{"host case", false, [][2]string{{"Origin", "http://SHOP.example"}}, false},
		{"user-initiated", false, [][2]string{{"Sec-Fetch-Site", "none"}}, false},
		{"cross-site", false, [][2]string{{"Sec-Fetch-Site", "cross-site"}}, true},
		{"same-site sibling", false, [][2]string{{"Sec-Fetch-Site", "same-site"}}, true},
		{"unknown fetch site", false, [][2]string{{"Sec-Fetch-Site", "whatever"}}, true},
		{"two fetch sites", false, [][2]string{{"Sec-Fetch-Site", "same-origin"}, {"Sec-Fetch-Site", "cross-site"}}, true},
		{"other origin", false, [][2]string{{"Origin", "http://evil.example"}}, true},
		{"null origin", false, [][2]string{{"Origin", "null"}}, true},
		{"two origins", false, [][2]string{{"Origin", "http://shop.example"}, {"Origin", "http://evil.example"}}, true},
		{"userinfo", false, [][2]string{{"Origin", "http://evil@shop.example"}}, true},
		{"path", false, [][2]string{{"Origin", "http://shop.example/x"}}, true},
		{"http origin on https", true, [][2]string{{"Origin", "http://shop.example"}}, true},
		{"https origin behind a TLS proxy", false, [][2]string{{"Origin", "https://shop.example"}}, false},
		{"other scheme", false, [][2]string{{"Origin", "ftp://shop.example"}}, true},
		{"other port", false, [][2]string{{"Origin", "http://shop.example:8080"}}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "http://shop.example/_consent/decision", nil)
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			for _, h := range tt.headers {
				r.Header.Add(h[0], h[1])
			}
			if got := crossSite(r); got != tt.cross {
				t.Errorf("crossSite = %v, want %v", got, tt.cross)
			}
		})
	}
}

// TestDecisionReloadUnderEnforce: under csp enforce a JSON decision that
// allows more than the page was served with answers 204 with Consent-Reload,
// so the banner script reloads instead of starting what the page's policy
// would refuse; one that allows nothing more, and any decision under csp
// report, answers a plain 204.
func TestDecisionReloadUnderEnforce(t *testing.T) {
	srv := testcaddy.Start(t, fmt.Sprintf(`http://127.0.0.1:{PORT} {
	consent {
		secret %[1]s
		csp enforce
	}
	respond "ok"
}
http://127.0.0.1:{PORT2} {
	consent {
		secret %[1]s
	}
	respond "ok"
}
`, secret))
	asJSON := map[string]string{"Accept": "application/json"}
	withCookie := func(c string) map[string]string { return map[string]string{"Accept": "application/json", "Cookie": c} }
	analytics := url.Values{"action": {"save"}, "category": {"analytics"}}
	for _, tt := range []struct {
		name   string
		base   string
		cookie func() string // the visitor's choice before, "" for none
		form   url.Values
		reload bool
	}{
		{"enforce, first accept-all", srv.URL(1), nil, url.Values{"action": {"accept-all"}}, true},
		{"enforce, first save with analytics", srv.URL(1), nil, analytics, true},
		{"enforce, first reject-all", srv.URL(1), nil, url.Values{"action": {"reject-all"}}, false},
		{"enforce, analytics again", srv.URL(1), func() string { return decide(t, srv.URL(1), analytics) }, analytics, false},
		{"enforce, analytics then accept-all", srv.URL(1), func() string { return decide(t, srv.URL(1), analytics) }, url.Values{"action": {"accept-all"}}, true},
		{"enforce, accept-all then reject-all", srv.URL(1), func() string { return decide(t, srv.URL(1), url.Values{"action": {"accept-all"}}) }, url.Values{"action": {"reject-all"}}, false},
		{"report, first accept-all", srv.URL(2), nil, url.Values{"action": {"accept-all"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hdr := asJSON
			if tt.cookie != nil {
				hdr = withCookie(tt.cookie())
			}
			resp := post(t, tt.base, tt.form, hdr)
			if resp.StatusCode != http.StatusNoContent {
				t.Fatalf("status %d, want 204", resp.StatusCode)
			}
			if got := resp.Header.Get("Consent-Reload") != ""; got != tt.reload {
				t.Errorf("Consent-Reload present %v, want %v", got, tt.reload)
			}
		})
	}
}
