// Package setcookie reads the cookie headers the way browsers read them
// (RFC 6265bis §5.6, §5.7): the name and attributes of a Set-Cookie line,
// and the pairs of a Cookie header. The cookie firewall, the inventory and
// the audit all read cookies through it, so that they agree on what a line
// sets. Nothing here allocates, and returned strings point into the line.
// It imports nothing of Caddy.
package setcookie

import (
	"strings"
	"time"
)

// MaxLifetime is the longest a browser keeps a cookie: Max-Age and Expires
// are capped at 400 days (RFC 6265bis §5.6.1, §5.6.2; Chrome since M104,
// Firefox, Safari).
const MaxLifetime = 400 * 24 * time.Hour

// Cookie is what a Set-Cookie line says about its cookie. Its strings point
// into the line; the value is never kept.
type Cookie struct {
	Name     string
	HTTPOnly bool
	Secure   bool
	// SameSite is "strict", "lax", "none", or "" when the attribute is absent
	// or not one of those (browsers then apply their default, Lax).
	SameSite string
	Domain   string // the Domain attribute without a leading dot, as written; "" for host-only
	Path     string // the Path attribute when it is an absolute path, without query; "" otherwise
	// Lifetime is how long the browser keeps the cookie, from Max-Age (which
	// wins) or Expires, capped at MaxLifetime; 0 with Session set for a
	// cookie that lasts until the browser closes.
	Lifetime time.Duration
	Session  bool
	// Delete marks a line that removes the cookie: Max-Age of zero or less,
	// or an Expires date that has passed.
	Delete bool
}

// Name returns the name of the cookie a Set-Cookie line sets: the text
// before the first "=" of the part before the first ";", without
// surrounding spaces and tabs. A line without "=" there sets a cookie with
// an empty name (its text is the value), so its name is "".
func Name(line string) string {
	if i := strings.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	eq := strings.IndexByte(line, '=')
	if eq < 0 {
		return ""
	}
	return trimWSP(line[:eq])
}

// SentName returns the name under which the browser will send the cookie a
// Set-Cookie line sets. It is Name, except for a nameless cookie whose value
// holds an "=": browsers send "=_ga=GA1.2…" back as "_ga=GA1.2…",
// indistinguishable from _ga (RFC 6265bis §5.7.3, security audit L4), so its
// name is _ga.
func SentName(line string) string {
	name := Name(line)
	if name != "" {
		return name
	}
	if i := strings.IndexByte(line, ';'); i >= 0 {
		line = line[:i]
	}
	_, value, ok := strings.Cut(line, "=")
	if !ok {
		return ""
	}
	if eq := strings.IndexByte(value, '='); eq >= 0 {
		return trimWSP(value[:eq])
	}
	return ""
}

// ValidName reports whether name is a cookie name that every browser and
// parser reads alike: an RFC 6265 token (RFC 7230 tchar, §4.1.1).
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// Prefix is a name prefix whose cookies browsers accept only on conditions
// (RFC 6265bis §4.1.3).
type Prefix uint8

const (
	NoPrefix     Prefix = iota
	SecurePrefix        // "__Secure-": Secure
	HostPrefix          // "__Host-": Secure, no Domain, Path=/
)

// PrefixOf returns the prefix of a cookie name, matched ASCII
// case-insensitively as browsers match it.
func PrefixOf(name string) Prefix {
	switch {
	case hasPrefixFold(name, "__Host-"):
		return HostPrefix
	case hasPrefixFold(name, "__Secure-"):
		return SecurePrefix
	}
	return NoPrefix
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// NextPair splits a Cookie header value at its first ";" into the first
// cookie-pair, trimmed of SP and HTAB, and the rest. Browsers separate pairs
// with "; " (RFC 6265 §4.2.1); any amount of WSP around ";" is accepted.
func NextPair(s string) (pair, rest string, more bool) {
	if i := strings.IndexByte(s, ';'); i >= 0 {
		return trimWSP(s[:i]), s[i+1:], true
	}
	return trimWSP(s), "", false
}

// PairName is the name of a Cookie header pair: the text before "=", or ""
// for a pair without "=", which is how browsers send a nameless cookie
// (RFC 6265bis retrieval model: the value alone when the name is empty).
func PairName(pair string) string {
	eq := strings.IndexByte(pair, '=')
	if eq < 0 {
		return ""
	}
	return trimWSP(pair[:eq])
}

// Parse reads a Set-Cookie line (the header value) at time now. Unknown
// attributes are skipped; of repeated attributes the last counts.
func Parse(line string, now time.Time) Cookie {
	sc := Cookie{Name: Name(line), Session: true}
	i := strings.IndexByte(line, ';')
	if i < 0 {
		return sc
	}
	rest := line[i+1:]
	var maxAge, expires string
	haveMaxAge, haveExpires := false, false
	for rest != "" {
		var av string
		av, rest, _ = strings.Cut(rest, ";")
		k, v, _ := strings.Cut(av, "=")
		k, v = trimWSP(k), trimWSP(v)
		switch {
		case strings.EqualFold(k, "max-age"):
			maxAge, haveMaxAge = v, true
		case strings.EqualFold(k, "expires"):
			expires, haveExpires = v, true
		case strings.EqualFold(k, "domain"):
			// An empty Domain is ignored; a leading dot is dropped (§5.6.3).
			sc.Domain = strings.TrimPrefix(v, ".")
		case strings.EqualFold(k, "path"):
			sc.Path = ""
			if v != "" && v[0] == '/' {
				// Only the path: a query never belongs in the inventory.
				if j := strings.IndexAny(v, "?#"); j >= 0 {
					v = v[:j]
				}
				sc.Path = v
			}
		case strings.EqualFold(k, "secure"):
			sc.Secure = true
		case strings.EqualFold(k, "httponly"):
			sc.HTTPOnly = true
		case strings.EqualFold(k, "samesite"):
			switch {
			case strings.EqualFold(v, "strict"):
				sc.SameSite = "strict"
			case strings.EqualFold(v, "lax"):
				sc.SameSite = "lax"
			case strings.EqualFold(v, "none"):
				sc.SameSite = "none"
			default:
				sc.SameSite = ""
			}
		}
	}
	// A malformed Max-Age is ignored and Expires is read instead (§5.6.2).
	if haveMaxAge {
		if secs, ok := parseMaxAge(maxAge); ok {
			sc.lifetime(time.Duration(secs) * time.Second)
			return sc
		}
	}
	if haveExpires {
		if t, ok := parseCookieDate(expires); ok {
			sc.lifetime(t.Sub(now))
		}
	}
	return sc
}

func (sc *Cookie) lifetime(d time.Duration) {
	sc.Session = false
	if d <= 0 {
		sc.Delete = true
		return
	}
	sc.Lifetime = min(d, MaxLifetime).Truncate(time.Second)
	if sc.Lifetime == 0 {
		sc.Lifetime = time.Second
	}
}

// parseMaxAge reads a Max-Age value: an optional "-" and digits (§5.6.2).
// Values beyond 400 days saturate.
func parseMaxAge(v string) (int64, bool) {
	neg := false
	if v != "" && v[0] == '-' {
		neg, v = true, v[1:]
	}
	if v == "" {
		return 0, false
	}
	const limit = int64(MaxLifetime / time.Second)
	var n int64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n <= limit {
			n = n*10 + int64(c-'0')
		}
	}
	if neg {
		return -n, true
	}
	return n, true
}

// trimWSP trims SP and HTAB, the WSP of RFC 6265bis §5.6.
func trimWSP(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// parseCookieDate implements the cookie-date algorithm of RFC 6265 §5.1.1,
// which browsers use for Expires: tokens split at delimiters, the first that
// looks like a time, a day of month, a month and a year, in any order.
func parseCookieDate(s string) (time.Time, bool) {
	var (
		hour, minute, second, day, year int
		month                           time.Month
		foundTime, foundDay             bool
		foundMonth, foundYear           bool
	)
	for s != "" {
		i := 0
		for i < len(s) && isDelimiter(s[i]) {
			i++
		}
		s = s[i:]
		j := 0
		for j < len(s) && !isDelimiter(s[j]) {
			j++
		}
		tok := s[:j]
		s = s[j:]
		if tok == "" {
			continue
		}
		if !foundTime {
			if h, m, sec, ok := parseTimeToken(tok); ok {
				hour, minute, second, foundTime = h, m, sec, true
				continue
			}
		}
		if !foundDay {
			if n, ok := digitsToken(tok, 1, 2); ok {
				day, foundDay = n, true
				continue
			}
		}
		if !foundMonth && len(tok) >= 3 {
			if m := monthOf(tok[:3]); m != 0 {
				month, foundMonth = m, true
				continue
			}
		}
		if !foundYear {
			if n, ok := digitsToken(tok, 2, 4); ok {
				year, foundYear = n, true
				continue
			}
		}
	}
	switch {
	case year >= 70 && year <= 99:
		year += 1900
	case year >= 0 && year <= 69:
		year += 2000
	}
	if !foundTime || !foundDay || !foundMonth || !foundYear ||
		day < 1 || day > 31 || year < 1601 || hour > 23 || minute > 59 || second > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, month, day, hour, minute, second, 0, time.UTC)
	if t.Day() != day { // 31 April and the like: no such date
		return time.Time{}, false
	}
	return t, true
}

// isDelimiter: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E (RFC 6265 §5.1.1).
func isDelimiter(c byte) bool {
	return c == 0x09 || c >= 0x20 && c <= 0x2f || c >= 0x3b && c <= 0x40 ||
		c >= 0x5b && c <= 0x60 || c >= 0x7b && c <= 0x7e
}

// digitsToken reads min to max digits at the start of tok, which may be
// followed by a non-digit and anything.
func digitsToken(tok string, lo, hi int) (int, bool) {
	n, i := 0, 0
	for i < len(tok) && i <= hi && tok[i] >= '0' && tok[i] <= '9' {
		n = n*10 + int(tok[i]-'0')
		i++
	}
	if i < lo || i > hi {
		return 0, false
	}
	return n, true
}

// parseTimeToken reads 1*2DIGIT ":" 1*2DIGIT ":" 1*2DIGIT, optionally
// followed by a non-digit and anything.
func parseTimeToken(tok string) (h, m, s int, ok bool) {
	var f [3]int
	for k := range 3 {
		n, i := 0, 0
		for i < len(tok) && i < 3 && tok[i] >= '0' && tok[i] <= '9' {
			n = n*10 + int(tok[i]-'0')
			i++
		}
		if i < 1 || i > 2 {
			return 0, 0, 0, false
		}
		f[k] = n
		tok = tok[i:]
		if k < 2 {
			if tok == "" || tok[0] != ':' {
				return 0, 0, 0, false
			}
			tok = tok[1:]
		}
	}
	return f[0], f[1], f[2], true
}

var months = [12]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func monthOf(p string) time.Month {
	for i, m := range months {
		if strings.EqualFold(p, m) {
			return time.Month(i + 1)
		}
	}
	return 0
}
