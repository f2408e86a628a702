package inventory

import (
	"net/netip"
	"strings"
	"unsafe"

	"golang.org/x/net/publicsuffix"
)

// maxHostLen is the longest DNS name (RFC 1035 §2.3.4); longer Host headers
// are not sites.
const maxHostLen = 253

// normaliseHost reduces a Host header ("Example.com:8443", "[::1]:80") to the
// site key ("example.com", "::1") in buf, without allocating when the host is
// already lower case: the result may point into buf, so clone it before
// keeping it. ok is false for anything that is not a plausible host
// name or IP address, so that a forged Host header cannot name a storage key.
func normaliseHost(h string, buf *[maxHostLen]byte) (host string, ok bool) {
	if h != "" && h[0] == '[' {
		end := strings.IndexByte(h, ']')
		if end < 0 {
			return "", false
		}
		h = h[1:end]
	} else if i := strings.IndexByte(h, ':'); i >= 0 && strings.Count(h, ":") == 1 {
		h = h[:i]
	}
	if strings.Contains(h, "..") {
		return "", false
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > maxHostLen || h[0] == '.' || h[0] == '-' {
		return "", false
	}
	lower := true
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '.', c == '-', c == '_', c == ':':
		case c >= 'A' && c <= 'Z':
			lower = false
		default:
			return "", false
		}
	}
	if strings.IndexByte(h, ':') >= 0 {
		if _, err := netip.ParseAddr(h); err != nil {
			return "", false
		}
	}
	if lower {
		return h, true
	}
	n := copy(buf[:], h)
	for i := range n {
		if c := buf[i]; c >= 'A' && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return unsafe.String(&buf[0], n), true
}

// NormaliseHost returns the form of a host (or Host header) that the inventory
// files sites under: lower case, without port, brackets or trailing dot. It
// returns "" for anything that is not a host name or IP address.
func NormaliseHost(h string) string {
	var buf [maxHostLen]byte
	host, ok := normaliseHost(h, &buf)
	if !ok {
		return ""
	}
	return strings.Clone(host)
}

// registrable returns the registrable domain of host (public suffix plus one
// label), or host itself for IP addresses, single labels and public suffixes.
func registrable(host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return host
	}
	if d, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil {
		return d
	}
	return host
}

// sameSite reports whether host belongs to the site: the same registrable
// domain ("static.example.com" and "www.example.com" do). Both are compared
// after NormaliseHost.
func sameSite(host, site string) bool {
	host, site = NormaliseHost(host), NormaliseHost(site)
	if host == "" || site == "" {
		return false
	}
	return host == site || registrable(host) == registrable(site)
}

// ThirdPartyHost returns the host of a script URL (absolute or
// protocol-relative, as written in a src attribute) when it lies outside the
// site's registrable domain; ok is false for relative URLs, other schemes and
// the site's own hosts. The handler feeds such hosts that the catalog does not
// know to ObservePage.
func ThirdPartyHost(src, site string) (host string, ok bool) {
	s := strings.TrimSpace(src)
	switch {
	case strings.HasPrefix(s, "//"):
		s = s[2:]
	case len(s) > 8 && strings.EqualFold(s[:8], "https://"):
		s = s[8:]
	case len(s) > 7 && strings.EqualFold(s[:7], "http://"):
		s = s[7:]
	default:
		return "", false
	}
	if i := strings.IndexAny(s, "/?#\\"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	host = NormaliseHost(s)
	if host == "" || sameSite(host, site) {
		return "", false
	}
	return host, true
}
