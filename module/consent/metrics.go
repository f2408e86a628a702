package consent

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/policy"
)

// metrics are the caddy_consent_* series in Caddy's registry, shown by the
// metrics directive. Counters are looked up once at provision time, so the
// hot path only adds.
type metrics struct {
	decisions      *prometheus.CounterVec // site, action
	bannerShown    *prometheus.CounterVec // site
	blocked        [policy.NumCategories][htmlrewrite.NumKinds]prometheus.Counter
	unclassified   [htmlrewrite.NumKinds]prometheus.Counter     // blocked, category="unclassified"
	cookiesDropped [policy.NumCategories + 1]prometheus.Counter // last: unknown
	cookiesExpired [policy.NumCategories + 1]prometheus.Counter
	bytes          prometheus.Counter
	rewritten      prometheus.Counter
	overflows      prometheus.Counter
	passed         *prometheus.CounterVec // reason

	// The site label's values, learnt from the server on the first request
	// (see sitesOf); one metrics value per handler.
	sitesOnce sync.Once
	sites     siteLabels
	shown     map[string]prometheus.Counter // site label → banner_shown_total
}

// metricCategories are the category label's values in policy order, then
// "unknown" for cookies no rule classifies.
var metricCategories = func() (out [policy.NumCategories + 1]string) {
	for i, c := range policy.Ordered {
		out[i] = c.String()
	}
	out[policy.NumCategories] = "unknown"
	return out
}()

func newMetrics(reg *prometheus.Registry) (*metrics, error) {
	const ns, sub = "caddy", "consent"
	m := new(metrics)
	var err error
	counterVec := func(name, help string, labels ...string) *prometheus.CounterVec {
		v := prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: name, Help: help}, labels)
		if reg == nil {
			return v
		}
		if e := reg.Register(v); e != nil {
			// Several consent handlers in one config share the series.
			var are prometheus.AlreadyRegisteredError
			if errors.As(e, &are) {
				return are.ExistingCollector.(*prometheus.CounterVec)
			}
			err = e
		}
		return v
	}
	m.decisions = counterVec("decisions_total", "Consent decisions by site and action.", "site", "action")
	m.bannerShown = counterVec("banner_shown_total", "Pages served with the banner's first layer (to a visitor who has not decided), by site.", "site")
	blocked := counterVec("blocked_elements_total", "Elements neutralised in HTML responses, by category and kind.", "category", "kind")
	dropped := counterVec("cookies_dropped_total", "Upstream Set-Cookie headers dropped, by category.", "category")
	expired := counterVec("cookies_expired_total", "Cookies of categories not granted that the browser was told to expire, by category.", "category")
	bytes := counterVec("bytes_rewritten_total", "Bytes of HTML that went through the rewriter.")
	rewritten := counterVec("responses_rewritten_total", "HTML responses that went through the rewriter.")
	overflows := counterVec("overflows_total", "Elements passed unchanged because they exceeded a memory cap.")
	m.passed = counterVec("responses_passed_total", "Responses passed through unchanged, by reason.", "reason")
	if err != nil {
		return nil, err
	}
	for c := range policy.NumCategories {
		for k := range htmlrewrite.NumKinds {
			m.blocked[c][k] = blocked.WithLabelValues(metricCategories[c], k.String())
		}
	}
	for k := range htmlrewrite.NumKinds {
		m.unclassified[k] = blocked.WithLabelValues("unclassified", k.String())
	}
	for c, name := range metricCategories {
		m.cookiesDropped[c] = dropped.WithLabelValues(name)
		m.cookiesExpired[c] = expired.WithLabelValues(name)
	}
	m.bytes, m.rewritten, m.overflows = bytes.WithLabelValues(), rewritten.WithLabelValues(), overflows.WithLabelValues()
	return m, nil
}

// page adds what the rewriter did to one response.
func (m *metrics) page(p *htmlrewrite.Page, n int64) {
	m.rewritten.Inc()
	m.bytes.Add(float64(n))
	if p.Overflows > 0 {
		m.overflows.Add(float64(p.Overflows))
	}
	if p.Blocked == 0 {
		return
	}
	for c := range p.BlockedBy {
		for k, v := range p.BlockedBy[c] {
			if v > 0 {
				m.blocked[c][k].Add(float64(v))
			}
		}
	}
	for k, v := range p.UnclassifiedByKind {
		if v > 0 {
			m.unclassified[k].Add(float64(v))
		}
	}
}

func cookieMetricIndex(c policy.Category, unknown bool) int {
	if i := c.Index(); i >= 0 && !unknown {
		return i
	}
	return policy.NumCategories
}

// otherSite is the site label of every host that is not one of the server's
// configured hosts, so that a client's Host header cannot grow the series.
const otherSite = "other"

// maxSiteLabels bounds the site label's values on a server with very many
// hosts; hosts past the bound (in sorted order) count as other.
const maxSiteLabels = 200

// siteLabels are the host names of the site blocks of one server: exact
// names and wildcard patterns (*.example.com), lower case.
type siteLabels struct {
	exact map[string]bool
	wild  []string
}

// sitesOf reads the hosts the server's routes match on. Caddy provisions a
// server's matchers before its handlers and puts the server in the context of
// both, so the host matchers the Caddyfile made of the site addresses are
// there, compiled. Placeholders in a host pattern cannot be known ahead and
// are left out.
func sitesOf(srv *caddyhttp.Server) siteLabels {
	sl := siteLabels{exact: map[string]bool{}}
	if srv == nil {
		return sl
	}
	var hosts []string
	for _, route := range srv.Routes {
		for _, set := range route.MatcherSets {
			for _, m := range set {
				hm, ok := m.(*caddyhttp.MatchHost)
				if !ok {
					continue
				}
				for _, h := range *hm {
					if h != "" && !strings.Contains(h, "{") {
						hosts = append(hosts, strings.ToLower(h))
					}
				}
			}
		}
	}
	slices.Sort(hosts)
	hosts = slices.Compact(hosts)
	if len(hosts) > maxSiteLabels {
		hosts = hosts[:maxSiteLabels]
	}
	for _, h := range hosts {
		if strings.Contains(h, "*") {
			sl.wild = append(sl.wild, h)
		} else {
			sl.exact[h] = true
		}
	}
	return sl
}

// label returns the configured host that host falls under, or other.
func (sl *siteLabels) label(host string) string {
	host = urlhost.NormaliseString(host)
	if sl.exact[host] {
		return host
	}
	for _, w := range sl.wild {
		if urlhost.Wildcard(w, host) {
			return w
		}
	}
	return otherSite
}

// site is the site label of a request.
func (m *metrics) site(r *http.Request) string {
	m.sitesOnce.Do(func() {
		srv, _ := r.Context().Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
		m.sites = sitesOf(srv)
		// Every series exists from the start, so a rate over a site that has
		// not shown a banner yet is 0 rather than absent.
		m.shown = map[string]prometheus.Counter{otherSite: m.bannerShown.WithLabelValues(otherSite)}
		for h := range m.sites.exact {
			m.shown[h] = m.bannerShown.WithLabelValues(h)
		}
		for _, w := range m.sites.wild {
			m.shown[w] = m.bannerShown.WithLabelValues(w)
		}
	})
	return m.sites.label(r.Host)
}

// banner counts a page served with the banner's first layer.
func (m *metrics) banner(r *http.Request) {
	m.shown[m.site(r)].Inc()
}

// decision counts a consent decision.
func (m *metrics) decision(r *http.Request, action string) {
	m.decisions.WithLabelValues(m.site(r), action).Inc()
}
