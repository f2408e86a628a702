package consent

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// postReport sends a report body as a browser would and returns the status
// and the body of the answer.
func postReport(t *testing.T, endpoint, contentType, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", endpoint, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func cspReport(doc, blocked, directive string) string {
	b, _ := json.Marshal(map[string]any{"csp-report": map[string]string{
		"document-uri": doc, "blocked-uri": blocked, "violated-directive": directive,
		"effective-directive": directive, "disposition": "report",
	}})
	return string(b)
}

type runTimeDecl struct {
	RunTime []struct {
		Host       string   `json:"host"`
		Category   string   `json:"category"`
		Service    string   `json:"service"`
		Directives []string `json:"directives"`
		Pages      []string `json:"pages"`
	} `json:"run_time_hosts"`
}

func declaredRunTime(t *testing.T, base string) runTimeDecl {
	t.Helper()
	_, raw := get(t, "GET", base+"/_consent/cookies?format=json", nil)
	var d runTimeDecl
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("declaration: %v\n%s", err, raw)
	}
	return d
}

// TestCSPReportEndpoint drives the report endpoint of a real Caddy: both
// report formats are recorded, classified and shown in the declaration and
// the metrics; answers are 204 with no body; the bounds hold; a forged
// report changes no later policy.
func TestCSPReportEndpoint(t *testing.T) {
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
	endpoint := base + "/_consent/csp-report?g=1"

	resp, _ := page(t, base, "", nil)
	before := resp.Header.Get("Content-Security-Policy-Report-Only")
	if before == "" || resp.Header.Get("Content-Security-Policy") != "" {
		t.Fatalf("default report mode: want a report-only policy, got %v", resp.Header)
	}
	if !strings.HasSuffix(before, "; report-uri /_consent/csp-report?g=1") {
		t.Errorf("policy without its report-uri: %s", before)
	}

	status, body := postReport(t, endpoint, "application/csp-report",
		cspReport(base+"/shop?item=42", "https://connect.facebook.net/en_US/fbevents.js", "script-src-elem"))
	if status != http.StatusNoContent || body != "" {
		t.Errorf("csp-report: %d %q, want 204 and no body", status, body)
	}
	rj, _ := json.Marshal([]map[string]any{
		{"type": "csp-violation", "url": base + "/", "body": map[string]string{
			"documentURL": base + "/kontakt/", "blockedURL": "https://cdn.nobody-knows.example/x.js", "effectiveDirective": "script-src-elem", "disposition": "report"}},
		{"type": "csp-violation", "url": base + "/", "body": map[string]string{
			"documentURL": base + "/", "blockedURL": "https://www.google-analytics.com/g/collect?v=2", "effectiveDirective": "connect-src", "disposition": "report"}},
		{"type": "deprecation", "body": map[string]string{"id": "x"}},
	})
	if status, body := postReport(t, endpoint, "application/reports+json", string(rj)); status != http.StatusNoContent || body != "" {
		t.Errorf("reports+json: %d %q", status, body)
	}
	// Reports about another site's pages, and reports naming no host, count
	// for nothing.
	postReport(t, endpoint, "application/csp-report", cspReport("https://other.example/", "https://evil.example/x.js", "script-src"))
	postReport(t, endpoint, "application/csp-report", cspReport(base+"/", "inline", "script-src-elem"))

	d := declaredRunTime(t, base)
	got := map[string]string{}
	for _, h := range d.RunTime {
		got[h.Host] = h.Category + " " + h.Service + " " + strings.Join(h.Directives, ",") + " " + strings.Join(h.Pages, ",")
	}
	want := map[string]string{
		"connect.facebook.net":     "marketing meta-pixel script /shop",
		"cdn.nobody-knows.example": "unknown  script /kontakt/",
		"www.google-analytics.com": "analytics google-analytics connect /",
	}
	for h, w := range want {
		if got[h] != w {
			t.Errorf("run-time host %s: %q, want %q", h, got[h], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("run-time hosts %v", got)
	}
	_, raw := get(t, "GET", base+"/_consent/cookies", map[string]string{"Accept-Language": "en"})
	if !strings.Contains(string(raw), "<code>cdn.nobody-knows.example</code>") {
		t.Error("the HTML declaration does not list the run-time hosts")
	}

	// Forged: a report claiming the site loads an attacker's host changes no
	// policy, whatever it says.
	for i := range 5 {
		postReport(t, base+"/_consent/csp-report?g=15", "application/csp-report",
			cspReport(base+"/", fmt.Sprintf("https://attacker%d.example/steal.js", i), "script-src-elem"))
	}
	resp, _ = page(t, base, "", nil)
	after := resp.Header.Get("Content-Security-Policy-Report-Only")
	if after != before || strings.Contains(after, "attacker") {
		t.Errorf("reports changed the policy:\nbefore %s\nafter  %s", before, after)
	}

	// Bounds: wrong method and type, oversize bodies, a client past its budget.
	if st, _ := get(t, "GET", endpoint, nil); st.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", st.StatusCode)
	}
	if st, b := postReport(t, endpoint, "text/plain", "x"); st != http.StatusUnsupportedMediaType || b != "" {
		t.Errorf("text/plain: %d %q", st, b)
	}
	if st, b := postReport(t, endpoint, "application/csp-report", `{"csp-report":{"document-uri":"`+strings.Repeat("a", 20<<10)+`"}}`); st != http.StatusRequestEntityTooLarge || b != "" {
		t.Errorf("oversize: %d %q", st, b)
	}
	for i := range reportBurst + 10 {
		postReport(t, endpoint, "application/csp-report", cspReport(base+"/", fmt.Sprintf("https://burst%d.example/", i), "img-src"))
	}
	_, raw = get(t, "GET", base+"/metrics", nil)
	metrics := string(raw)
	limited := int(metricValue(t, metrics, `caddy_consent_csp_reports_total{class="limited"}`))
	if limited == 0 {
		t.Error("no report was limited after a burst past the budget")
	}
	for series, min := range map[string]float64{
		`caddy_consent_csp_reports_total{class="tracker"}`:  2,
		`caddy_consent_csp_reports_total{class="unknown"}`:  1,
		`caddy_consent_csp_reports_total{class="rejected"}`: 4,
	} {
		if v := metricValue(t, metrics, series); v < min {
			t.Errorf("%s = %v, want at least %v", series, v, min)
		}
	}
	if n := len(declaredRunTime(t, base).RunTime); n > 3+5+reportBurst {
		t.Errorf("%d run-time hosts: the budget did not hold", n)
	}
}

// TestCSPModesThroughCaddy: enforce sends the enforcing header, off sends
// none and has no report endpoint, and a visitor who accepted everything
// gets no policy.
func TestCSPModesThroughCaddy(t *testing.T) {
	up := newCookieSite(t)
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %[2]s
		csp enforce
	}
	reverse_proxy %[1]s
}
http://127.0.0.1:{PORT2} {
	consent {
		secret %[2]s
		csp off
	}
	reverse_proxy %[1]s
}
`, strings.TrimPrefix(up.URL, "http://"), secret))
	resp, _ := page(t, srv.URL(1), "", nil)
	if p := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(p, "default-src 'self'") || resp.Header.Get("Content-Security-Policy-Report-Only") != "" {
		t.Errorf("enforce: %v", resp.Header)
	}
	ck := decide(t, srv.URL(1), url.Values{"action": {"accept-all"}})
	resp, _ = page(t, srv.URL(1), ck, nil)
	if p := resp.Header.Get("Content-Security-Policy"); p != "" {
		t.Errorf("accept-all still gets a policy: %s", p)
	}
	resp, _ = page(t, srv.URL(2), "", nil)
	if resp.Header.Get("Content-Security-Policy") != "" || resp.Header.Get("Content-Security-Policy-Report-Only") != "" {
		t.Errorf("off: %v", resp.Header)
	}
	if st, _ := postReport(t, srv.URL(2)+"/_consent/csp-report", "application/csp-report", cspReport(srv.URL(2)+"/", "https://x.example/", "img-src")); st != http.StatusNotFound {
		t.Errorf("off: report endpoint answers %d", st)
	}
}

func TestRunTimeMessage(t *testing.T) {
	cat := catalog.Default()
	pixel, none := cat.Service("meta-pixel"), policy.SetOf(policy.Necessary)
	for _, c := range []struct {
		kind string
		svc  *catalog.Service
		g    policy.Set
		want string
	}{
		{"script", pixel, none, "a script on /shop loads connect.facebook.net (Meta Pixel, marketing) at run time before consent"},
		{"script", pixel, policy.All, "a script on /shop loads connect.facebook.net (Meta Pixel, marketing) at run time"},
		{"connect", nil, none, "a script on /shop connects to connect.facebook.net (a host no catalog knows) at run time"},
		{"img", pixel, none, "a page on /shop loads an image from connect.facebook.net (Meta Pixel, marketing) outside the policy before consent"},
	} {
		if got := runTimeMessage(c.kind, "/shop", "connect.facebook.net", c.svc, c.g); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
}

// FuzzParseReports: any body parses without panicking into at most
// maxReportsPerPost reports.
func FuzzParseReports(f *testing.F) {
	f.Add("application/csp-report", cspReport("https://a.example/", "https://b.example/x.js", "script-src-elem"))
	f.Add("application/reports+json", `[{"type":"csp-violation","body":{"documentURL":"https://a.example/","blockedURL":"https://b.example/","effectiveDirective":"img-src"}}]`)
	f.Add("application/json", `{"csp-report":{"document-uri":"x"}}`)
	f.Fuzz(func(t *testing.T, mt, body string) {
		if vs := parseReports(mt, []byte(body)); len(vs) > maxReportsPerPost {
			t.Fatalf("%d reports", len(vs))
		}
	})
}
