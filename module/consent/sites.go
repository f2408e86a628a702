package consent

import (
	"encoding/json"
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

// siteHosts are the host names of the server's site addresses (its routes'
// host matchers): the sites whose records the inventory keeps.
type siteHosts struct {
	exact map[string]bool
	wild  []string // "*.example.com" as ".example.com"
}

// serverSiteHosts reads the host matchers of the routes of the server the
// handler is provisioned in. Caddy provisions a server's matchers before its
// handlers; the raw JSON is read when they are not loaded yet.
func serverSiteHosts(ctx caddy.Context) siteHosts {
	sh := siteHosts{exact: map[string]bool{}}
	srv, ok := ctx.Value(caddyhttp.ServerCtxKey).(*caddyhttp.Server)
	if !ok || srv == nil {
		return sh
	}
	add := func(hosts []string) {
		for _, h := range hosts {
			h = strings.TrimSuffix(strings.ToLower(h), ".")
			switch {
			case strings.HasPrefix(h, "*."):
				sh.wild = append(sh.wild, h[1:])
			case !strings.ContainsAny(h, "*{"): // other patterns and placeholders: not a name
				sh.exact[h] = true
			}
		}
	}
	for _, rt := range srv.Routes {
		for _, set := range rt.MatcherSets {
			for _, m := range set {
				if hm, ok := m.(*caddyhttp.MatchHost); ok {
					add(*hm)
				}
			}
		}
		for _, raw := range rt.MatcherSetsRaw {
			var hosts []string
			if json.Unmarshal(raw["host"], &hosts) == nil {
				add(hosts)
			}
		}
	}
	return sh
}

// key is the inventory key of a request's Host header: the host when a site
// address names it (a wildcard address counts as one site), anySite otherwise.
func (sh siteHosts) key(hostport string) string {
	h := strings.TrimSuffix(strings.ToLower(hostOnly(hostport)), ".")
	if sh.exact[h] {
		return h
	}
	for _, w := range sh.wild {
		if strings.HasSuffix(h, w) && !strings.Contains(h[:len(h)-len(w)], ".") && len(h) > len(w) {
			return "wildcard" + w
		}
	}
	return anySite
}

// known reports whether a stored record's host is one this handler keys
// records by; the rest (another site block's, or left by an older version
// that keyed records by any Host header) are not loaded.
func (sh siteHosts) known(host string) bool {
	if host == anySite || sh.exact[host] {
		return true
	}
	for _, w := range sh.wild {
		if host == "wildcard"+w {
			return true
		}
	}
	return false
}
