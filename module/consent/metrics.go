package consent

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/policy"
)

// metrics are the caddy_consent_* series in Caddy's registry, shown by the
// metrics directive. Counters are looked up once at provision time, so the
// hot path only adds.
type metrics struct {
	decisions      *prometheus.CounterVec // action
	blocked        [htmlrewrite.NumCategories][htmlrewrite.NumKinds]prometheus.Counter
	unclassified   [htmlrewrite.NumKinds]prometheus.Counter          // blocked, category="unclassified"
	cookiesDropped [htmlrewrite.NumCategories + 1]prometheus.Counter // last: unknown
	cookiesExpired [htmlrewrite.NumCategories + 1]prometheus.Counter
	bytes          prometheus.Counter
	rewritten      prometheus.Counter
	overflows      prometheus.Counter
	passed         *prometheus.CounterVec // reason
}

var metricCategories = [htmlrewrite.NumCategories + 1]string{"necessary", "preferences", "analytics", "marketing", "unknown"}

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
	m.decisions = counterVec("decisions_total", "Consent decisions by action.", "action")
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
	for c := range htmlrewrite.NumCategories {
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
	if unknown {
		return htmlrewrite.NumCategories
	}
	return htmlrewrite.CategoryIndex(c)
}
