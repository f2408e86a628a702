package consent

import (
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// anySite is the inventory key of requests for a host no site address names:
// a catch-all site block (`http://:80`, an IP) answers any Host header a
// visitor sends, so those hosts share one record instead of each taking a
// record of their own (security audit M3). ".invalid" is reserved (RFC 2606)
// and never a real host.
const anySite = "any-host.invalid"

// serverSites are the site addresses of the server the handler is provisioned
// in (sitesOf), read once at provision.
func serverSites(ctx caddy.Context) siteLabels {
	srv, _ := ctx.Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
	return sitesOf(srv)
}

// inventoryKey is the inventory key of a request's Host header: the host
// when a site address names it, one key per wildcard address, anySite for the
// rest. The metrics' site label and the inventory agree on what a site is.
func (sl *siteLabels) inventoryKey(hostport string) string {
	return labelKey(sl.label(hostport))
}

func labelKey(label string) string {
	switch {
	case label == otherSite:
		return anySite
	case strings.Contains(label, "*"):
		// A host name the inventory accepts, for "*.example.com".
		return "wildcard" + strings.ReplaceAll(strings.TrimPrefix(label, "*"), "*", "wildcard")
	}
	return label
}

// known reports whether a stored record's host is one this handler keys
// records by; the rest (another site block's, or left by an older version
// that keyed records by any Host header) are not loaded.
func (sl *siteLabels) known(host string) bool {
	if host == anySite || sl.exact[host] {
		return true
	}
	for _, w := range sl.wild {
		if host == labelKey(w) {
			return true
		}
	}
	return false
}
