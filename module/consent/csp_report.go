package consent

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

// The report endpoint (POST <path>/csp-report) takes browsers' violation
// reports of the module's policy, in both formats browsers send:
// application/csp-report (report-uri; Firefox, Safari, Chromium without
// Reporting API) and application/reports+json (report-to). Anyone can post
// anything here, so a report is only ever recorded and counted: it never
// changes a policy, nothing of it is echoed (204, no body), its size and the
// number per client are bounded, and only reports about the site's own pages
// count.

// Bounds of the report endpoint.
const (
	maxReportBytes    = 16 << 10 // one report with a 4 KB policy fits four times
	maxReportsPerPost = 32
	reportBurst       = 60   // reports a client may send at once (a page with many violations)
	reportsPerSecond  = 1    // refill of a client's budget
	maxReportClients  = 4096 // clients tracked before the table starts afresh
)

// reportIntake holds the per-client report budgets and the report counters.
type reportIntake struct {
	mu      sync.Mutex
	clients map[string]*reportBudget

	reports *prometheus.CounterVec // class: tracker, necessary, unknown, granted, rejected, limited
}

type reportBudget struct {
	tokens float64
	last   time.Time
}

func newReportIntake(reg *prometheus.Registry) (*reportIntake, error) {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "caddy", Subsystem: "consent", Name: "csp_reports_total",
		Help: "Content-Security-Policy violation reports received, by what the blocked host is: tracker, necessary, unknown; granted (the visitor allowed it since the page loaded), rejected (malformed, another site's page) or limited (over the client's budget).",
	}, []string{"class"})
	if reg != nil {
		if err := reg.Register(v); err != nil {
			var are prometheus.AlreadyRegisteredError
			if !errors.As(err, &are) {
				return nil, err
			}
			v = are.ExistingCollector.(*prometheus.CounterVec)
		}
	}
	return &reportIntake{clients: map[string]*reportBudget{}, reports: v}, nil
}

// take spends n of a client's budget; false when it has not enough left.
func (in *reportIntake) take(client string, n int, now time.Time) bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	b := in.clients[client]
	if b == nil {
		if len(in.clients) >= maxReportClients {
			// Starting afresh is cheaper than an LRU and costs an attacker
			// nothing new: each client could spend a full burst anyway.
			clear(in.clients)
		}
		b = &reportBudget{tokens: reportBurst, last: now}
		in.clients[client] = b
	}
	b.tokens = min(reportBurst, b.tokens+now.Sub(b.last).Seconds()*reportsPerSecond)
	b.last = now
	if b.tokens < float64(n) {
		return false
	}
	b.tokens -= float64(n)
	return true
}

// violation is what the module keeps of one report.
type violation struct {
	document, blocked, directive string
}

// serveCSPReport records the reports in a POST and answers 204.
func (h *Handler) serveCSPReport(w http.ResponseWriter, r *http.Request, ex *exchange) error {
	if h.csp == nil {
		return caddyhttp.Error(http.StatusNotFound, errors.New("csp is off: no report endpoint"))
	}
	if r.Method != http.MethodPost {
		return methodNotAllowed(w, "POST", "reports are posted")
	}
	w.Header().Set("Cache-Control", "no-store")
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/csp-report" && mt != "application/reports+json" && mt != "application/json" {
		h.cspIntake.reports.WithLabelValues("rejected").Inc()
		w.WriteHeader(http.StatusUnsupportedMediaType)
		return nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReportBytes))
	if err != nil {
		h.cspIntake.reports.WithLabelValues("rejected").Inc()
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return nil
	}
	vs := parseReports(mt, body)
	if len(vs) == 0 {
		h.cspIntake.reports.WithLabelValues("rejected").Inc()
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if !h.cspIntake.take(h.recordIP(r), len(vs), time.Now()) {
		h.cspIntake.reports.WithLabelValues("limited").Add(float64(len(vs)))
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	granted := policy.Set(0)
	if g, err := strconv.Atoi(r.URL.Query().Get("g")); err == nil && g >= 0 && g <= int(policy.All) {
		granted = policy.Set(g)
	}
	for _, v := range vs {
		h.recordViolation(r, v, granted, ex.granted)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// recordViolation classifies one report and feeds it to the inventory.
// granted is the set the page's policy was made for (from its report URI),
// now the set the visitor's consent cookie grants as the report arrives.
func (h *Handler) recordViolation(r *http.Request, v violation, granted, now policy.Set) {
	doc, err := url.Parse(v.document)
	if err != nil || !strings.EqualFold(doc.Hostname(), urlhost.Hostname(r.Host)) {
		h.cspIntake.reports.WithLabelValues("rejected").Inc()
		return // only this site's pages report here
	}
	blocked, err := url.Parse(v.blocked)
	if err != nil || blocked.Hostname() == "" ||
		(blocked.Scheme != "http" && blocked.Scheme != "https" && blocked.Scheme != "ws" && blocked.Scheme != "wss") {
		h.cspIntake.reports.WithLabelValues("rejected").Inc()
		return // inline, eval, data:, blob: and the like name no host
	}
	host := strings.ToLower(blocked.Hostname())
	svc := h.catalog.MatchURL([]byte(v.blocked))
	class := "unknown"
	switch {
	case svc != nil && svc.Category == policy.Necessary:
		class = "necessary"
	case svc != nil:
		class = "tracker"
	}
	// Browsers send the report with the site's cookies. A visitor who has
	// granted the load by now made this report from a page that was open
	// while they chose: the banner restored what they allowed in place,
	// under the page's earlier policy. That is no run-time surprise.
	if (svc != nil && svc.Category != policy.Necessary && now.Has(svc.Category)) || now&h.offered == h.offered {
		h.cspIntake.reports.WithLabelValues("granted").Inc()
		return
	}
	h.cspIntake.reports.WithLabelValues(class).Inc()
	page := doc.EscapedPath()
	if page == "" {
		page = "/"
	}
	kind := inventory.DirectiveKind(v.directive)
	if !h.observed.ObserveRunTime(h.sites.inventoryKey(r.Host), inventory.RunTimeReport{Host: host, Service: svc, Directive: v.directive, Page: page}, time.Now()) {
		return
	}
	h.logger.Warn(runTimeMessage(kind, page, host, svc, granted),
		zap.String("site", urlhost.NormaliseString(r.Host)),
		zap.String("page", page),
		zap.String("host", host),
		zap.String("directive", kind),
		zap.String("class", class),
		zap.String("service", serviceID(svc)))
}

func serviceID(s *catalog.Service) string {
	if s == nil {
		return ""
	}
	return s.ID
}

// runTimeMessage words the drift warning: "a script on /shop loads
// connect.facebook.net (Meta Pixel, marketing) at run time before consent".
// Images, frames and media may come from the markup as well as from a
// script, so those say "a page" instead.
func runTimeMessage(kind, page, host string, svc *catalog.Service, granted policy.Set) string {
	who, verb, when := "a script", "loads", " at run time"
	switch kind {
	case "connect":
		verb = "connects to"
	case "img":
		who, verb, when = "a page", "loads an image from", " outside the policy"
	case "frame":
		who, verb, when = "a page", "opens a frame from", " outside the policy"
	case "media", "other":
		who, when = "a page", " outside the policy"
	}
	what := "a host no catalog knows"
	if svc != nil {
		what = svc.Name + ", " + svc.Category.String()
	}
	if svc != nil && svc.Category != policy.Necessary && !granted.Has(svc.Category) {
		when += " before consent"
	}
	return fmt.Sprintf("%s on %s %s %s (%s)%s", who, page, verb, host, what, when)
}

// parseReports reads the reports of a body in either format, at most
// maxReportsPerPost, skipping entries that are not CSP violations.
func parseReports(mt string, body []byte) []violation {
	if mt == "application/reports+json" || (len(body) > 0 && body[0] == '[') {
		var list []struct {
			Type string `json:"type"`
			Body struct {
				DocumentURL        string `json:"documentURL"`
				BlockedURL         string `json:"blockedURL"`
				EffectiveDirective string `json:"effectiveDirective"`
			} `json:"body"`
		}
		if json.Unmarshal(body, &list) != nil {
			return nil
		}
		var out []violation
		for _, r := range list {
			if r.Type != "csp-violation" {
				continue
			}
			out = append(out, violation{r.Body.DocumentURL, r.Body.BlockedURL, r.Body.EffectiveDirective})
			if len(out) == maxReportsPerPost {
				break
			}
		}
		return out
	}
	var one struct {
		Report struct {
			DocumentURI        string `json:"document-uri"`
			BlockedURI         string `json:"blocked-uri"`
			ViolatedDirective  string `json:"violated-directive"`
			EffectiveDirective string `json:"effective-directive"`
		} `json:"csp-report"`
	}
	if json.Unmarshal(body, &one) != nil || one.Report.DocumentURI == "" {
		return nil
	}
	d := one.Report.EffectiveDirective
	if d == "" {
		d = one.Report.ViolatedDirective
	}
	return []violation{{one.Report.DocumentURI, one.Report.BlockedURI, d}}
}
