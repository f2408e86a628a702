package consent

import (
	"slices"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"

	"github.com/samtykke/caddy-consent/internal/urlhost"
)

// anySite is the inventory key of requests for a host no site address names:
// a catch-all site block (`http://:80`, an IP) answers any Host header a
// visitor sends, so those hosts share one record instead of each taking a
// record of their own (security audit M3). ".invalid" is reserved (RFC 2606)
// and never a real host.
const anySite = "any-host.invalid"

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

// serverSites are the site addresses of the server the handler is provisioned
// in (sitesOf), read once at provision.
func serverSites(ctx caddy.Context) siteLabels {
	srv, _ := ctx.Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
	return sitesOf(srv)
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
