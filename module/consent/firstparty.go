package consent

import (
	"fmt"
	"strings"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
)

// Unknown third parties (unknown_hosts, first_party): a host is the site's
// own when it has the request host's registrable domain (for an IP address
// or a single label such as localhost: the same host), or lies under a
// first_party domain. Anything else that no catalog row, block_list or
// allow rule names is unclassified, and held until the visitor has granted
// every offered category.

// siteHosts is what a response's own hosts are decided against, worked out
// once per response, on the first URL that needs it.
type siteHosts struct {
	host   string // the request host: lower case, no port, no trailing dot
	domain string // its registrable domain; "" for an IP address or a single label
}

func newSiteHosts(reqHost string) siteHosts {
	s := siteHosts{host: urlhost.NormaliseString(reqHost)}
	s.domain, _ = urlhost.Registrable(s.host)
	return s
}

// ownHostIn reports whether host (of a URL on a page whose own hosts are s)
// is the site's own: the same registrable domain, or under a first_party
// domain. host is compared ASCII case-insensitively, without a trailing dot,
// and is not copied.
func (h *Handler) ownHostIn(s siteHosts, host []byte) bool {
	if n := len(host); n > 0 && host[n-1] == '.' {
		host = host[:n-1]
	}
	if len(host) == 0 || urlhost.EqualFold(host, s.host) {
		return true
	}
	if s.domain != "" && urlhost.Under(host, s.domain) {
		return true
	}
	for _, d := range h.firstParty {
		if urlhost.Under(host, d) {
			return true
		}
	}
	return false
}

// holdsUnknown reports whether this response holds third parties no rule
// names: unknown_hosts hold, and some offered category is not granted.
func (h *Handler) holdsUnknown(ex *exchange) bool {
	return h.UnknownHosts != "allow" && ex.granted&h.offered != h.offered
}

// unknownFunc is htmlrewrite.Options.Unknown for a response.
func (h *Handler) unknownFunc(ex *exchange) func(*htmlrewrite.Page, []byte) (hold, own bool) {
	return func(_ *htmlrewrite.Page, u []byte) (hold, own bool) {
		host, _ := urlhost.URLHost(u)
		if !ex.siteSet {
			ex.site, ex.siteSet = newSiteHosts(ex.r.Host), true
		}
		if h.ownHostIn(ex.site, host) {
			return false, true
		}
		if h.catalog.Allows(u) {
			return false, false
		}
		return true, false
	}
}

// noteHeld records a held host for the banner's settings layer and the
// inventory's drift warnings, once per page and at most
// maxUnknownHostsPerPage of them.
func (ex *exchange) noteHeld(raw []byte) {
	for _, seen := range ex.heldHosts {
		if urlhost.EqualFold(raw, seen) {
			return
		}
	}
	if len(ex.heldHosts) >= maxUnknownHostsPerPage {
		return
	}
	host := strings.TrimSuffix(strings.ToLower(string(raw)), ".")
	ex.heldHosts = append(ex.heldHosts, host)
	for _, seen := range ex.unknownHosts {
		if seen == host {
			return
		}
	}
	ex.unknownHosts = append(ex.unknownHosts, host)
}

// parseFirstParty checks and normalises first_party domains: lower case,
// without a leading "*." or "." and a trailing dot.
func parseFirstParty(domains []string) ([]string, error) {
	out := make([]string, 0, len(domains))
	for _, d := range domains {
		n := strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(strings.ToLower(d), "*."), "."), ".")
		if n == "" || strings.ContainsAny(n, "/:*@ \t") || strings.HasPrefix(n, "-") {
			return nil, fmt.Errorf("%q: want a domain such as cdn.example.net", d)
		}
		if urlhost.IsPublicSuffix(n) {
			return nil, fmt.Errorf("%q: a public suffix would make every site under it first party", d)
		}
		out = append(out, n)
	}
	return out, nil
}
