package consent

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/iplog"
)

// observePage records what a rewritten page was found to load. A service
// that only an inline script's text names may be a visitor's words reflected
// into the page, so it is declared only once seen on several pages from
// several client networks (inventory.ObserveInline).
func (h *Handler) observePage(r *http.Request, ex *exchange, p *htmlrewrite.Page) {
	key, now := h.sites.inventoryKey(r.Host), time.Now()
	var byURL, inline []*catalog.Service
	for _, s := range p.Found {
		if p.InlineOnly(s) {
			inline = append(inline, s)
		} else {
			byURL = append(byURL, s)
		}
	}
	h.drift(h.observed.ObservePage(key, byURL, ex.unknownHosts, now))
	if len(inline) > 0 {
		client, _ := caddyhttp.GetVar(r.Context(), caddyhttp.ClientIPVarKey).(string)
		if client == "" {
			client = urlhost.Hostname(r.RemoteAddr)
		}
		// The client's network, never its address: /24 or /48.
		h.drift(h.observed.ObserveInline(key, inline, ex.orig.Path, iplog.Default().String(client), now))
	}
}

// drift logs, once each, the cookies and trackers the site starts using that
// its declaration did not have yet; unclassified cookie names come here too,
// so ops can classify them with a cookie rule.
func (h *Handler) drift(news []inventory.Drift) {
	for _, d := range news {
		msg := "the site uses something new; the cookie declaration now lists it"
		if h.Declaration == "pin" {
			msg = "the site uses something its pinned cookie declaration does not list"
		}
		if d.Kind == inventory.DriftUnknownCookie || d.Kind == inventory.DriftUnknownHost {
			msg = "the site uses something no rule classifies; add a cookie or block rule for it"
		}
		fields := []zap.Field{zap.String("host", d.Host), zap.String("kind", d.Kind.String()), zap.String("name", d.Name)}
		if d.Category != 0 {
			fields = append(fields, zap.String("category", d.Category.String()), zap.String("provider", d.Provider))
		}
		if d.Kind == inventory.DriftUnknownCookie {
			fields = append(fields, zap.String("unknown_cookies", h.UnknownCookies))
		}
		h.logger.Warn(msg, fields...)
	}
}

// storageReport logs the inventory's storage failures the way an operator
// wants to read them while a shared store (Redis, a network file system) is
// down: the first failure of each kind as one error, repeats counted but not
// logged, and one line when a flush succeeds again. Requests never touch the
// store, so an outage costs nothing but the inventory's freshness across
// instances; a log line per flush would only bury that news.
type storageReport struct {
	logger *zap.Logger
	every  time.Duration // how often the inventory retries

	mu     sync.Mutex
	kinds  map[string]bool // kinds already logged in this outage
	failed int             // flushes failed in this outage
	since  time.Time       // the first failure
}

// failure is Options.OnError of the inventory.
func (s *storageReport) failure(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == 0 {
		s.since = time.Now()
		s.kinds = map[string]bool{}
	}
	s.failed++
	var fresh []string
	for _, k := range failureKinds(err.Error()) {
		if !s.kinds[k] {
			s.kinds[k] = true
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 {
		return
	}
	s.logger.Error("cookie inventory storage failing: serving from memory and retrying; "+
		"repeats are not logged until a flush succeeds",
		zap.Strings("failure", fresh), zap.Duration("retry_every", s.every), zap.Error(err))
}

// recovered is Options.OnRecover of the inventory.
func (s *storageReport) recovered() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == 0 {
		return
	}
	s.logger.Info("cookie inventory storage is back: flushed what this instance saw meanwhile",
		zap.Int("failed_flushes", s.failed), zap.Duration("down_for", time.Since(s.since).Round(time.Second)))
	s.failed, s.kinds = 0, nil
}

// failureKinds names what failed in a flush error: the inventory's own
// context of each joined error ("locking inventory storage", "storing
// inventory record caddy-consent/inventory/example.com.json"), without the
// storage's message, which may carry addresses and timings that differ from
// one try to the next.
func failureKinds(msg string) []string {
	var kinds []string
	for _, line := range strings.Split(msg, "\n") {
		k, _, _ := strings.Cut(line, ": ")
		if k = strings.TrimSpace(k); k != "" {
			kinds = append(kinds, k)
		}
	}
	return kinds
}
