package firewall

import (
	"net/http"
	"slices"
	"strings"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// MaxExpireLines caps the Set-Cookie lines Expire writes into one response;
// what does not fit is expired on the next request, once the browser has
// dropped the rest.
const MaxExpireLines = 64

// expireAttrs deletes a cookie: Max-Age=0 for every browser since IE 11, an
// Expires in the past for older ones (RFC 6265 §5.2.1, §5.2.2).
const expireAttrs = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT"

// Expire returns Set-Cookie lines that delete the cookies in the request
// header h whose category is not in granted, for the request's host. A cookie
// is stored under (name, domain, path), and the request does not say which,
// so every variant that can hold it is written: host-only (no Domain), then
// Domain= each of the host's domains from the registrable one (public suffix
// list) down to the host itself, for path "/" and each path the catalog row
// lists. IP and single-label hosts (localhost) get host-only lines only.
//
// __Host- names get the one form browsers accept (Secure, no Domain, Path=/),
// __Secure- names get Secure; other names do not, so deletion also works over
// plain HTTP. Cookies the catalog does not know are left alone: expiring a
// stranger's cookie on the whole registrable domain could break a sibling
// site. At most MaxExpireLines lines are written; overflow counts the cookies
// left for a later response.
func Expire(h http.Header, host string, granted policy.Set, c Classifier) (lines []string, overflow int) {
	var seen []string
	var domains []string
	for _, line := range h["Cookie"] {
		for rest, more := line, true; more; {
			var pair string
			pair, rest, more = setcookie.NextPair(rest)
			name := setcookie.PairName(pair)
			if !echoable(name) || slices.Contains(seen, name) {
				continue
			}
			row := match(c, name)
			if row == nil || allowed(row, granted, false) {
				continue
			}
			seen = append(seen, name)
			if domains == nil {
				domains = cookieDomains(host)
			}
			v := variants(name, row, domains)
			switch {
			case len(lines)+len(v) <= MaxExpireLines:
				lines = append(lines, v...)
			case len(lines) == 0:
				// One cookie with more variants than the cap: the likeliest
				// (path "/", host-only and registrable domain) come first.
				lines = append(lines, v[:MaxExpireLines]...)
				overflow++
			default:
				overflow++
			}
		}
	}
	return lines, overflow
}

// variants lists the expiring lines for one cookie.
func variants(name string, row *catalog.Cookie, domains []string) []string {
	switch setcookie.PrefixOf(name) {
	case setcookie.HostPrefix:
		// RFC 6265bis §4.1.3.2: Secure, no Domain, Path=/. Nothing else can exist.
		return []string{name + "=; Path=/" + expireAttrs + "; Secure"}
	case setcookie.SecurePrefix:
		return lineSet(name, row, domains, "; Secure")
	}
	return lineSet(name, row, domains, "")
}

func lineSet(name string, row *catalog.Cookie, domains []string, suffix string) []string {
	paths := []string{"/"}
	for _, p := range row.Paths {
		if validPath(p) && !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	out := make([]string, 0, len(paths)*len(domains))
	for _, p := range paths {
		for _, d := range domains {
			l := name + "=; Path=" + p
			if d != "" {
				l += "; Domain=" + d
			}
			out = append(out, l+expireAttrs+suffix)
		}
	}
	return out
}

// cookieDomains lists the Domain attribute values a cookie visible to host can
// have been set with, "" (host-only) first, then the registrable domain down
// to the host. Browsers refuse Domain= a public suffix, so it stops there
// (RFC 6265 §5.3 step 5).
func cookieDomains(host string) []string {
	host = urlhost.NormaliseString(host)
	if host == "" {
		// A forged Host header gets host-only lines, so nothing from it lands
		// in a header.
		return []string{""}
	}
	reg, ok := urlhost.Registrable(host)
	if !ok {
		// An IP has no parent domains (Domain=<ip> is host-only in browsers);
		// a public suffix or a single label such as localhost has none either.
		return []string{""}
	}
	out := []string{"", reg}
	for d := host; d != reg; {
		out = append(out, d)
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	// Registrable domain first, then down towards the host.
	slices.Reverse(out[2:])
	return out
}

// echoable reports whether a cookie name from the request can be written back
// into a Set-Cookie line as is.
func echoable(name string) bool {
	if name == "" {
		return false // nameless cookies cannot be addressed by "=; Max-Age=0"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f || c == ';' {
			return false
		}
	}
	return true
}

func validPath(p string) bool {
	if p == "" || p[0] != '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f || c == ';' {
			return false
		}
	}
	return true
}
