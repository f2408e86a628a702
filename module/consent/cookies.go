package consent

import (
	"net/http"
	"time"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/firewall"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/iplog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// firewallRequest keeps cookies of categories the visitor has not granted away
// from the upstream, and notes which of them the browser must be told to forget.
func (h *Handler) firewallRequest(r *http.Request, ex *exchange) {
	if r.Header.Get("Cookie") == "" {
		return
	}
	// Expiry lines come from what the browser sent, before stripping.
	ex.expire, _ = firewall.Expire(r.Header, r.Host, ex.granted, h.cookies)
	h.countExpired(ex.expire)
	firewall.StripRequestCookies(r.Header, ex.granted, h.cookies, h.unknownAllowed())
}

// filterResponseCookies drops upstream Set-Cookie headers of categories not
// granted and expires the leftovers the browser still sent.
func (h *Handler) filterResponseCookies(hdr http.Header, ex *exchange) {
	if len(hdr["Set-Cookie"]) > 0 {
		// The inventory sees the upstream's own lines: after filtering, a visitor
		// who rejected would hide every cookie from the declaration.
		h.drift(h.observed.ObserveSetCookie(h.sites.inventoryKey(ex.r.Host), hdr["Set-Cookie"], time.Now()))
		for _, d := range firewall.FilterSetCookie(hdr, ex.granted, h.cookies, h.unknownAllowed()) {
			h.metrics.cookiesDropped[cookieMetricIndex(d.Category, d.Unknown)].Inc()
		}
	}
	for _, line := range ex.expire {
		hdr.Add("Set-Cookie", line)
	}
	ex.expire = nil
}

// dropResponseCookies drops the Set-Cookie lines of an interim (1xx)
// response that the visitor has not granted; expiry lines wait for the final
// response.
func (h *Handler) dropResponseCookies(hdr http.Header, ex *exchange) {
	for _, d := range firewall.FilterSetCookie(hdr, ex.granted, h.cookies, h.unknownAllowed()) {
		h.metrics.cookiesDropped[cookieMetricIndex(d.Category, d.Unknown)].Inc()
	}
}

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

// expireWithdrawn expires, on a consent post, the cookies of categories the
// new choice no longer grants.
func (h *Handler) expireWithdrawn(hdr http.Header, r *http.Request, granted policy.Set) {
	lines, _ := firewall.Expire(r.Header, r.Host, granted, h.cookies)
	h.countExpired(lines)
	for _, line := range lines {
		hdr.Add("Set-Cookie", line)
	}
}

// countExpired counts each expired cookie once, whatever the number of its
// path and domain variants.
func (h *Handler) countExpired(lines []string) {
	last := ""
	for _, l := range lines {
		name := setcookie.Name(l)
		if name == last {
			continue
		}
		last = name
		if c := h.cookies.MatchCookie(name); c != nil {
			h.metrics.cookiesExpired[cookieMetricIndex(c.Category, false)].Inc()
		}
	}
}

func (h *Handler) unknownAllowed() bool { return h.UnknownCookies != "block" }

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
