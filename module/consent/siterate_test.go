package consent

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// hostRequest sends a request to base with another Host header, as a
// browser on that site would, and returns the response and its body.
func hostRequest(t *testing.T, method, base, path, host, cookie string, form url.Values) (*http.Response, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	req.Header.Set("Accept", "text/html")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// TestConsentRatePerSite serves three hosts through one real Caddy — two
// site blocks and a catch-all — and computes the consent rate per site from
// a scrape of the metrics endpoint, as the README's PromQL does.
func TestConsentRatePerSite(t *testing.T) {
	up := newCookieSite(t)
	dir := t.TempDir()
	srv := testcaddy.Start(t, fmt.Sprintf(`{
	log records {
		include http.handlers.consent.records
		output file %[3]s
		format json
	}
}

(consent) {
	consent {
		secret %[2]s
	}
	reverse_proxy %[1]s
}

http://a.test:{PORT}, http://www.a.test:{PORT} {
	import consent
}

http://b.test:{PORT} {
	import consent
}

http://:{PORT} {
	metrics /metrics
	import consent
}
`, strings.TrimPrefix(up.URL, "http://"), secret, filepath.Join(dir, "records.log")))
	base := srv.URL(1)

	visit := func(host, cookie string) {
		t.Helper()
		resp, body := hostRequest(t, "GET", base, "/", host, cookie, nil)
		if resp.StatusCode != 200 || !strings.Contains(body, "</html>") {
			t.Fatalf("%s: status %d", host, resp.StatusCode)
		}
	}
	decide := func(host, action string) string {
		t.Helper()
		resp, _ := hostRequest(t, "POST", base, "/_consent", host, "", url.Values{"action": {action}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %s: status %d", host, action, resp.StatusCode)
		}
		c := consentCookie(t, resp)
		return c.Name + "=" + c.Value
	}

	// a.test: four first layers (one on www.a.test), three decisions.
	for range 3 {
		visit("a.test", "")
	}
	visit("www.a.test:"+fmt.Sprint(srv.Port(1)), "")
	acc := decide("a.test", "accept-all")
	visit("a.test", acc) // decided: no first layer
	decide("A.test", "accept-all")
	decide("www.a.test", "reject-all")
	// b.test: two first layers, one decision.
	visit("b.test", "")
	visit("b.test", "")
	decide("b.test", "reject-all")
	// Hosts nobody configured share one label.
	visit("c.test", "")
	visit("d.test", "")
	decide("evil-"+strings.Repeat("x", 40)+".test", "save")

	_, metrics := hostRequest(t, "GET", base, "/metrics", "localhost", "", nil)
	value := func(series string) float64 { return metricValue(t, metrics, series) }
	for series, want := range map[string]float64{
		`caddy_consent_banner_shown_total{site="a.test"}`:                      3,
		`caddy_consent_banner_shown_total{site="www.a.test"}`:                  1,
		`caddy_consent_banner_shown_total{site="b.test"}`:                      2,
		`caddy_consent_banner_shown_total{site="other"}`:                       2,
		`caddy_consent_decisions_total{action="accept-all",site="a.test"}`:     2,
		`caddy_consent_decisions_total{action="reject-all",site="www.a.test"}`: 1,
		`caddy_consent_decisions_total{action="reject-all",site="b.test"}`:     1,
		`caddy_consent_decisions_total{action="save",site="other"}`:            1,
	} {
		if got := value(series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if strings.Contains(metrics, "c.test") || strings.Contains(metrics, "evil-") {
		t.Errorf("an unconfigured host became a label")
	}
	// The consent rate of a.test: accepting decisions per first layer shown,
	// and the share of each action among its decisions.
	rate := value(`caddy_consent_decisions_total{action="accept-all",site="a.test"}`) /
		value(`caddy_consent_banner_shown_total{site="a.test"}`)
	if rate < 0.66 || rate > 0.67 {
		t.Errorf("accept-all rate of a.test = %.3f, want 2/3", rate)
	}
	bShare := value(`caddy_consent_decisions_total{action="reject-all",site="b.test"}`) /
		(value(`caddy_consent_decisions_total{action="reject-all",site="b.test"}`) + value(`caddy_consent_decisions_total{action="accept-all",site="b.test"}`))
	if bShare != 1 {
		t.Errorf("reject-all share of b.test = %v, want 1", bShare)
	}

	// The records name the host each decision was made on.
	f, err := os.Open(filepath.Join(dir, "records.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sites := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec struct {
			Site   string `json:"site"`
			Action string `json:"action"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("record %q: %v", sc.Text(), err)
		}
		sites[rec.Site+" "+rec.Action]++
	}
	want := map[string]int{"a.test accept-all": 2, "www.a.test reject-all": 1, "b.test reject-all": 1, "evil-" + strings.Repeat("x", 40) + ".test save": 1}
	if fmt.Sprint(sites) != fmt.Sprint(want) {
		t.Errorf("records by site: %v, want %v", sites, want)
	}
}

func TestSiteLabel(t *testing.T) {
	sl := siteLabels{exact: map[string]bool{"example.com": true, "127.0.0.1": true, "::1": true}, wild: []string{"*.shop.example.com"}}
	for host, want := range map[string]string{
		"example.com":          "example.com",
		"EXAMPLE.com:8443":     "example.com",
		"example.com.":         "example.com",
		"127.0.0.1:80":         "127.0.0.1",
		"[::1]:443":            "::1",
		"[::1]":                "::1",
		"a.shop.example.com":   "*.shop.example.com",
		"shop.example.com":     "other",
		"a.b.shop.example.com": "other",
		".shop.example.com":    "other",
		"www.example.com":      "other",
		"":                     "other",
	} {
		if got := sl.label(host); got != want {
			t.Errorf("label(%q) = %q, want %q", host, got, want)
		}
	}
}
