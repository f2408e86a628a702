// Package urlhost reads host names the way browsers do: the host of a URL as
// an attribute spells it, a Host header reduced to the key a site is filed
// under, a registrable domain, and whether one host lies under another. The
// catalog, the rewriter, the inventory, the cookie firewall and the handler
// all decide on hosts through it, so that they agree on what a host is.
//
// Nothing here allocates unless its doc says so: the rewriter calls it for
// every URL of every page. Functions that take text accept a string or a
// []byte (Text) and return the same type, pointing into their argument.
// It imports nothing of Caddy.
package urlhost

import (
	"net/netip"
	"strings"
	"unsafe"

	"golang.org/x/net/publicsuffix"
)

// Text is what the readers take: a string, or the bytes of a page.
type Text interface{ ~string | ~[]byte }

// MaxLen is the longest DNS name (RFC 1035 §2.3.4); longer hosts are not
// names of anything.
const MaxLen = 253

// TrimURL strips the C0 controls and spaces browsers strip from both ends of
// a URL before parsing it (WHATWG URL).
func TrimURL[T Text](u T) T {
	for len(u) > 0 && u[0] <= ' ' {
		u = u[1:]
	}
	for len(u) > 0 && u[len(u)-1] <= ' ' {
		u = u[:len(u)-1]
	}
	return u
}

// Authority returns what follows the scheme of an absolute http or https URL
// (in any case) or the leading slashes of a protocol-relative one: the
// authority and whatever comes after it. Like browsers, it skips any number of
// slashes and backslashes there, so "https:\\evil.example" names
// evil.example. ok is false for relative URLs, other schemes, and when nothing
// follows. u should be trimmed (TrimURL); tabs and newlines inside it, which
// browsers remove, are left to the caller.
func Authority[T Text](u T) (rest T, ok bool) {
	if len(u) >= 2 && isSlash(u[0]) && isSlash(u[1]) {
		rest = skipSlashes(u[2:])
		return rest, len(rest) > 0
	}
	// The common spellings first, without the general scheme scan.
	i := 0
	switch {
	case len(u) >= 8 && string(u[:8]) == "https://":
		i = 6
	case len(u) >= 7 && string(u[:7]) == "http://":
		i = 5
	default:
		// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
		for ; i < len(u); i++ {
			c := u[i]
			if b := c | 0x20; 'a' <= b && b <= 'z' || i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
				continue
			}
			break
		}
		if i == 0 || i == len(u) || u[i] != ':' || !(EqualFold(u[:i], "https") || EqualFold(u[:i], "http")) {
			return rest, false // path-relative, another scheme, or not a URL
		}
	}
	rest = skipSlashes(u[i+1:])
	return rest, len(rest) > 0
}

func isSlash(c byte) bool { return c == '/' || c == '\\' }

func skipSlashes[T Text](s T) T {
	for len(s) > 0 && isSlash(s[0]) {
		s = s[1:]
	}
	return s
}

// Host returns the host of an authority (what Authority returns): up to the
// path, query or fragment, without user info or port, as written (case,
// IPv6 brackets and a trailing dot kept).
func Host[T Text](a T) T {
	for i := 0; i < len(a); i++ {
		if c := a[i]; c == '/' || c == '\\' || c == '?' || c == '#' {
			a = a[:i]
			break
		}
	}
	for i := len(a) - 1; i >= 0; i-- {
		if a[i] == '@' {
			a = a[i+1:]
			break
		}
	}
	return StripPort(a)
}

// URLHost returns the host of an absolute http(s) or protocol-relative URL as
// written (see Host), with ok; ok is false for anything that names no host:
// relative URLs, other schemes (data:, javascript:), an empty host.
func URLHost[T Text](u T) (host T, ok bool) {
	a, ok := Authority(TrimURL(u))
	if !ok {
		return host, false
	}
	host = Host(a)
	return host, len(host) > 0
}

// NamesHost reports whether a URL may load from another host than the page's:
// it is absolute http(s) or protocol-relative. A path, a fragment, data:,
// blob:, about:blank and the like load nothing from another host.
func NamesHost[T Text](u T) bool {
	_, ok := Authority(TrimURL(u))
	return ok
}

// StripPort removes a port from host[:port]: "[v6]:port" and "[v6]" give
// "[v6]" (brackets kept, see Unbracket), "name:port" gives "name". A bare
// IPv6 address (more than one colon, no brackets) is left whole.
func StripPort[T Text](h T) T {
	if len(h) > 0 && h[0] == '[' {
		for i := 1; i < len(h); i++ {
			if h[i] == ']' {
				return h[:i+1]
			}
		}
		return h
	}
	colon := -1
	for i := 0; i < len(h); i++ {
		if h[i] == ':' {
			if colon >= 0 {
				return h // two colons: an IPv6 address, not a port
			}
			colon = i
		}
	}
	if colon >= 0 {
		return h[:colon]
	}
	return h
}

// Hostname is the host of a host[:port] (a Host header, a RemoteAddr), as
// url.URL.Hostname reads it: without port and IPv6 brackets, otherwise as
// written.
func Hostname[T Text](hostport T) T {
	return Unbracket(StripPort(hostport))
}

// Unbracket removes the brackets of an IPv6 literal ("[::1]" → "::1").
func Unbracket[T Text](h T) T {
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		return h[1 : len(h)-1]
	}
	return h
}

// Normalise reduces a host or Host header ("Example.com:8443", "[::1]:80",
// "example.com.") to the form sites are filed and compared under: lower case,
// without port, brackets or a trailing dot ("example.com", "::1"). It copies
// into buf only when it has to lower-case, so the result may point into buf:
// clone it before keeping it. ok is false for anything that is not a
// plausible host name (Valid, allowing upper case) or IP address, so that a
// forged Host header can name neither a storage key nor a header value.
func Normalise(h string, buf *[MaxLen]byte) (host string, ok bool) {
	host, lower, ok := normal(h)
	if !ok || lower {
		return host, ok
	}
	n := copy(buf[:], host)
	for i := range n {
		if c := buf[i]; 'A' <= c && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return unsafe.String(&buf[0], n), true
}

// NormaliseString is Normalise without a buffer: it allocates only when it
// has to lower-case. It returns "" when Normalise is not ok.
func NormaliseString(h string) string {
	host, lower, ok := normal(h)
	if !ok {
		return ""
	}
	if !lower {
		host = strings.ToLower(host)
	}
	return host
}

// normal is Normalise up to the lower-casing: h without port, brackets and
// trailing dot, and whether it is lower case already.
func normal(h string) (host string, lower, ok bool) {
	h = strings.TrimSuffix(Unbracket(StripPort(h)), ".")
	if len(h) == 0 || len(h) > MaxLen {
		return "", false, false
	}
	if strings.IndexByte(h, ':') < 0 {
		lower, ok = validName(h)
		return h, lower, ok
	}
	if _, err := netip.ParseAddr(h); err != nil || strings.IndexByte(h, '%') >= 0 {
		return "", false, false // an IPv6 address, without zone, or nothing
	}
	lower = true
	for i := 0; i < len(h); i++ {
		if c := h[i]; 'A' <= c && c <= 'F' {
			lower = false
		}
	}
	return h, lower, true
}

// Valid reports whether h is a lower-case host name safe to write into a
// header or a file name: 1 to MaxLen bytes of letters, digits, '-', '_' and
// dots between non-empty labels, not starting with '-'. IPv4 addresses pass
// (they are dotted digits); IPv6 addresses do not.
func Valid(h string) bool {
	lower, ok := validName(h)
	return ok && lower
}

// validName is Valid with upper-case letters allowed; lower reports that
// there were none.
func validName(h string) (lower, ok bool) {
	if len(h) == 0 || len(h) > MaxLen || h[0] == '-' {
		return false, false
	}
	lower, prev := true, byte('.')
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '_':
		case 'A' <= c && c <= 'Z':
			lower = false
		case c == '.':
			if prev == '.' {
				return false, false
			}
		default:
			return false, false
		}
		prev = h[i]
	}
	return lower, prev != '.'
}

// IsIP reports whether h is an IP address (without brackets).
func IsIP(h string) bool {
	_, err := netip.ParseAddr(h)
	return err == nil
}

// Registrable returns the registrable domain of a normalised host: its public
// suffix plus one label ("www.example.co.uk" → "example.co.uk"). ok is false
// for IP addresses, single labels such as localhost, and public suffixes,
// which have none.
func Registrable(host string) (domain string, ok bool) {
	if strings.IndexByte(host, '.') < 0 || IsIP(host) {
		return "", false
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	return d, err == nil
}

// Site is the registrable domain of a normalised host, or the host itself
// when it has none (Registrable): what two hosts must share to be same-site.
func Site(host string) string {
	if d, ok := Registrable(host); ok {
		return d
	}
	return host
}

// SameSite reports whether two hosts (or Host headers) belong to the same
// site: after Normalise, equal or of the same registrable domain
// ("static.example.com" and "www.example.com" are). Invalid hosts are no
// one's site.
func SameSite(a, b string) bool {
	var ba, bb [MaxLen]byte
	a, aok := Normalise(a, &ba)
	b, bok := Normalise(b, &bb)
	if !aok || !bok {
		return false
	}
	return a == b || Site(a) == Site(b)
}

// IsPublicSuffix reports whether the lower-case domain d is a public suffix
// that sites register under ("com", "co.uk", "github.io"), so that nothing
// may claim all of it. A single unlisted label counts only when ICANN lists
// it, so "localhost" is none.
func IsPublicSuffix(d string) bool {
	suffix, icann := publicsuffix.PublicSuffix(d)
	return suffix == d && (icann || strings.IndexByte(d, '.') >= 0)
}

// Under reports whether host is domain or a subdomain of it, comparing ASCII
// case-insensitively; domain must be lower case, host may be any case and is
// not copied.
func Under[T Text](host T, domain string) bool {
	if len(host) == len(domain) {
		return EqualFold(host, domain)
	}
	return len(host) > len(domain) && host[len(host)-len(domain)-1] == '.' && EqualFold(host[len(host)-len(domain):], domain)
}

// DomainMatch reports whether a browser on host (normalised) accepts a cookie
// with Domain=domain (RFC 6265 §5.1.3, §5.3 step 5): host is domain (any
// case, a trailing dot dropped) or a subdomain of it, host is not an IP
// address, and domain is not a public suffix unless it is the host.
func DomainMatch(host, domain string) bool {
	domain = strings.ToLower(strings.TrimSuffix(domain, "."))
	if domain == host {
		return true
	}
	if len(host) <= len(domain) || !Under(host, domain) || strings.IndexByte(host, ':') >= 0 || dotted(host) {
		return false
	}
	ps, _ := publicsuffix.PublicSuffix(domain)
	return ps != domain
}

// dotted reports whether h is only digits and dots: an IPv4 address, or
// something browsers would read as one.
func dotted(h string) bool {
	for i := 0; i < len(h); i++ {
		if c := h[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// Wildcard matches a normalised host against a pattern whose "*" labels
// stand for exactly one non-empty label each, as Caddy's host matcher does
// ("*.example.com" matches "www.example.com", not "example.com" or
// "a.b.example.com").
func Wildcard(pattern, host string) bool {
	for {
		p, prest, pmore := strings.Cut(pattern, ".")
		h, hrest, hmore := strings.Cut(host, ".")
		if pmore != hmore || (p != "*" && p != h) || h == "" {
			return false
		}
		if !pmore {
			return true
		}
		pattern, host = prest, hrest
	}
}

// PlainPrefix returns the "https://host/", "http://host/" or "//host/" that u
// starts with when its host is plain (lower-case letters, digits, '-' and
// dots between non-empty labels, not starting with '-') and a path follows, else an empty result: a prefix
// that stands for its host alone, so that callers may remember a decision
// about the host under it. Anything a browser would repair or decode (upper
// case, escapes, user info, a port, backslashes) makes it empty.
func PlainPrefix[T Text](u T) T {
	var n int
	switch {
	case len(u) >= 8 && string(u[:8]) == "https://":
		n = 8
	case len(u) >= 7 && string(u[:7]) == "http://":
		n = 7
	case len(u) >= 2 && u[0] == '/' && u[1] == '/':
		n = 2
	default:
		return u[:0]
	}
	for i := n; i < len(u); i++ {
		switch c := u[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case c == '.', c == '/':
			if i == n || u[i-1] == '.' {
				return u[:0] // an empty label
			}
			if c == '/' {
				return u[:i+1]
			}
		case c == '-':
			if i == n {
				return u[:0]
			}
		default:
			return u[:0] // '?', '#', '@', ':', '%', upper case, '\\', controls…
		}
	}
	return u[:0]
}

// EqualFold compares text with a string ASCII case-insensitively, without
// converting either.
func EqualFold[T Text](b T, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		x, y := b[i], s[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
