package consent

import (
	"net"
	"net/http"

	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/module/firewall"
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
	firewall.StripRequestCookies(r.Header, ex.granted, h.cookies, h.unknownAllowed())
}

// filterResponseCookies drops upstream Set-Cookie headers of categories not
// granted and expires the leftovers the browser still sent.
func (h *Handler) filterResponseCookies(hdr http.Header, ex *exchange) {
	if len(hdr["Set-Cookie"]) > 0 {
		for _, d := range firewall.FilterSetCookie(hdr, ex.granted, h.cookies, h.unknownAllowed()) {
			if d.Unknown {
				h.reportUnknownCookie(d.Name)
			}
		}
	}
	for _, line := range ex.expire {
		hdr.Add("Set-Cookie", line)
	}
	ex.expire = nil
}

// expireWithdrawn expires, on a consent post, the cookies of categories the
// new choice no longer grants.
func (h *Handler) expireWithdrawn(hdr http.Header, r *http.Request, granted policy.Set) {
	lines, _ := firewall.Expire(r.Header, r.Host, granted, h.cookies)
	for _, line := range lines {
		hdr.Add("Set-Cookie", line)
	}
}

func (h *Handler) unknownAllowed() bool { return h.UnknownCookies != "block" }

// reportUnknownCookie logs each unclassified cookie name once per handler, so
// ops can classify it with a cookie rule.
func (h *Handler) reportUnknownCookie(name string) {
	if _, seen := h.unknownSeen.LoadOrStore(name, struct{}{}); seen {
		return
	}
	h.logger.Warn("upstream sets a cookie no rule classifies; add a cookie rule for it",
		zap.String("cookie", name), zap.String("unknown_cookies", h.UnknownCookies))
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}
