package consent

import (
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// metricValue reads one series from a Prometheus text exposition.
func metricValue(t *testing.T, body, series string) float64 {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` ([0-9.e+]+)$`).FindStringSubmatch(body)
	if m == nil {
		return 0
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestMetricsAndDeclarationThroughCaddy(t *testing.T) {
	up := newCookieSite(t)
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	metrics /metrics
	consent {
		secret %[2]s
	}
	reverse_proxy %[1]s
}
`, strings.TrimPrefix(up.URL, "http://"), secret))
	base := srv.URL(1)

	// Real traffic: a visitor with no choice, one who accepts, one who rejects
	// but still carries _ga.
	page(t, base, "", nil)
	ck := decide(t, base, url.Values{"action": {"accept-all"}})
	page(t, base, ck, nil)
	rej := decide(t, base, url.Values{"action": {"reject-all"}})
	page(t, base, rej+"; _ga=GA1.1.1.1", nil)

	_, raw := get(t, "GET", base+"/metrics", nil)
	body := string(raw)
	if !strings.Contains(body, "caddy_consent_") {
		t.Fatalf("no caddy_consent_ series in /metrics:\n%s", snippet(raw, 0))
	}
	for series, want := range map[string]float64{
		`caddy_consent_decisions_total{action="accept-all",site="127.0.0.1"}`:      1,
		`caddy_consent_decisions_total{action="reject-all",site="127.0.0.1"}`:      1,
		`caddy_consent_banner_shown_total{site="127.0.0.1"}`:                       1, // the undecided visitor
		`caddy_consent_banner_shown_total{site="other"}`:                           0,
		`caddy_consent_blocked_elements_total{category="analytics",kind="script"}`: 2, // gtag.js, twice
		`caddy_consent_blocked_elements_total{category="analytics",kind="inline"}`: 2,
		`caddy_consent_blocked_elements_total{category="marketing",kind="img"}`:    2,
		`caddy_consent_cookies_dropped_total{category="analytics"}`:                2, // _ga without consent, twice
		`caddy_consent_cookies_dropped_total{category="marketing"}`:                2,
		`caddy_consent_cookies_expired_total{category="analytics"}`:                1,
		`caddy_consent_responses_rewritten_total`:                                  3,
	} {
		if got := metricValue(t, body, series); got != want {
			t.Errorf("%s = %v, want %v", series, got, want)
		}
	}
	if got := metricValue(t, body, `caddy_consent_bytes_rewritten_total`); got < float64(3*len(trackerPage)) {
		t.Errorf("bytes_rewritten_total = %v, want at least %d", got, 3*len(trackerPage))
	}

	t.Run("declaration nb", func(t *testing.T) {
		resp, b := get(t, "GET", base+"/_consent/cookies", map[string]string{"Accept-Language": "nb-NO,nb;q=0.9"})
		s := string(b)
		if resp.StatusCode != 200 || !strings.Contains(s, `lang="nb"`) {
			t.Fatalf("status %d, not Norwegian:\n%s", resp.StatusCode, snippet(b, 0))
		}
		for _, want := range []string{"_ga", "_fbp", "wordpress_logged_in_", "PHPSESSID", "pll_language", "Google", "Meta"} {
			if !strings.Contains(s, want) {
				t.Errorf("the Norwegian declaration lacks %s", want)
			}
		}
		if !strings.Contains(s, "Informasjonskapsler") && !strings.Contains(s, "informasjonskapsler") {
			t.Error("the Norwegian declaration has no Norwegian heading")
		}
	})
	t.Run("declaration sv", func(t *testing.T) {
		_, b := get(t, "GET", base+"/_consent/cookies", map[string]string{"Accept-Language": "sv-SE"})
		s := string(b)
		if !strings.Contains(s, `lang="sv"`) || !strings.Contains(strings.ToLower(s), "kakor") {
			t.Fatalf("not a Swedish declaration:\n%s", snippet(b, 0))
		}
	})
	t.Run("declaration json and embed", func(t *testing.T) {
		_, b := get(t, "GET", base+"/_consent/cookies?format=json", nil)
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, snippet(b, 0))
		}
		if !strings.Contains(string(b), `"_ga"`) || !strings.Contains(string(b), "analytics") {
			t.Errorf("JSON declaration lacks _ga in analytics: %s", snippet(b, 0))
		}
		_, frag := get(t, "GET", base+"/_consent/cookies?embed=1", nil)
		if strings.Contains(string(frag), "<html") || !strings.Contains(string(frag), "data-consent-declaration") {
			t.Errorf("embed=1 is not a fragment: %s", snippet(frag, 0))
		}
	})
}
