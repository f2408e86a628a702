package inventory

import "github.com/samtykke/caddy-consent/internal/urlhost"

// ThirdPartyHost returns the host of a script URL (absolute or
// protocol-relative, as written in a src attribute), normalised, when it lies
// outside the site's registrable domain; ok is false for relative URLs, other
// schemes, invalid hosts and the site's own hosts. The handler feeds such
// hosts that the catalog does not know to ObservePage.
func ThirdPartyHost(src, site string) (host string, ok bool) {
	raw, ok := urlhost.URLHost(src)
	if !ok {
		return "", false
	}
	host = urlhost.NormaliseString(raw)
	if host == "" || urlhost.SameSite(host, site) {
		return "", false
	}
	return host, true
}
