package catalog

import (
	"errors"
	"fmt"
	"strings"
)

// maxGlobLen bounds a glob so that a config cannot smuggle megabytes into the matcher.
const maxGlobLen = 2048

// ValidURLGlob reports whether s is a well-formed resource glob for the
// `block` and `allow` subdirectives. The grammar:
//
//	glob      = [ "http://" | "https://" | "//" ] hostglob [ path ]
//	          | path                       ; a path on any host, the site's own included
//	hostglob  = host | "*." host           ; "*." means subdomains only
//	host      = label *( "." label )       ; letters, digits, "-", "_"; case-insensitive
//	path      = "/" *( pchar | "*" )       ; printable ASCII; "*" matches any run of characters
//
// A bare host ("cdn.example.com") matches that host and all its subdomains.
// "*.example.com" matches the subdomains only. With a path, the host must be
// exactly that host (or any subdomain with "*."), and the path glob must match the
// whole path and query string, case-sensitively ("example.com/js/*",
// "www.facebook.com/tr?*"). A glob that starts with "/" matches that path on
// any host, the site's own relative URLs included ("/matomo.js").
//
// Rejected: empty globs, whitespace or control characters, schemes other than
// http(s), user info, ports, fragments, "**", a "*" inside a host label or
// anywhere but the front of the host, a wildcard over a single label ("*.com"),
// and anything longer than 2048 bytes.
func ValidURLGlob(s string) error {
	_, err := parseURLGlob(s)
	return err
}

// ValidCookieGlob reports whether s is a well-formed cookie-name pattern for the
// `cookie` subdirective: an exact name ("_gid"), a prefix ending in "*"
// ("_ga_*"), or a glob with "*" anywhere ("mp_*_mixpanel"). "*" matches any run
// of characters. Names are case-sensitive and may hold any printable ASCII
// except the separators a Cookie header cannot carry in a name (space, `"`,
// `,`, `;`, `=`, `\`). Rejected: empty patterns, "**", patterns made only of
// "*" (use `unknown_cookies` for cookies nothing classifies), and anything
// longer than 256 bytes.
func ValidCookieGlob(s string) error {
	if s == "" {
		return errors.New("empty cookie pattern")
	}
	if len(s) > 256 {
		return fmt.Errorf("cookie pattern %.20q… is longer than 256 bytes", s)
	}
	if strings.Contains(s, "**") {
		return fmt.Errorf("cookie pattern %q: \"**\" is not allowed; one \"*\" already matches any run of characters", s)
	}
	if strings.Trim(s, "*") == "" {
		return fmt.Errorf("cookie pattern %q matches every cookie; use unknown_cookies instead", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`",;=\`, c) >= 0 {
			return fmt.Errorf("cookie pattern %q: character %q at offset %d cannot be part of a cookie name", s, c, i)
		}
	}
	return nil
}

// urlGlob is a parsed resource glob.
type urlGlob struct {
	host string // lower case; empty for a path-only glob
	sub  bool   // "*." host: subdomains only
	path string // "" (host only) or starting with "/"
}

// String gives the canonical form, used to compare ops rules with built-in rows.
func (g urlGlob) String() string {
	h := g.host
	if g.sub {
		h = "*." + h
	}
	return h + g.path
}

func parseURLGlob(s string) (urlGlob, error) {
	var g urlGlob
	if s == "" {
		return g, errors.New("empty URL glob")
	}
	if len(s) > maxGlobLen {
		return g, fmt.Errorf("URL glob %.30q… is longer than %d bytes", s, maxGlobLen)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			return g, fmt.Errorf("URL glob %q: character %q at offset %d is not allowed (percent-encode non-ASCII paths)", s, c, i)
		}
	}
	if strings.Contains(s, "**") {
		return g, fmt.Errorf("URL glob %q: \"**\" is not allowed; one \"*\" already matches any run of characters", s)
	}
	rest := s
	if i := strings.Index(rest, "://"); i >= 0 {
		switch strings.ToLower(rest[:i]) {
		case "http", "https":
			rest = rest[i+3:]
		default:
			return g, fmt.Errorf("URL glob %q: scheme %q is not http or https", s, rest[:i])
		}
	} else if strings.HasPrefix(rest, "//") {
		rest = rest[2:]
	} else if strings.HasPrefix(rest, "/") {
		return g, checkPathGlob(s, rest, &g)
	} else if i := strings.IndexByte(rest, ':'); i >= 0 && !strings.ContainsAny(rest[:i], "/.") &&
		!(i+1 < len(rest) && rest[i+1] >= '0' && rest[i+1] <= '9') {
		// "javascript:…", "data:…": a scheme without "//".
		return g, fmt.Errorf("URL glob %q: scheme %q is not http or https", s, rest[:i])
	}
	host := rest
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host = rest[:i]
		if err := checkPathGlob(s, rest[i:], &g); err != nil {
			return g, err
		}
	}
	if strings.ContainsAny(host, "?#") {
		return g, fmt.Errorf("URL glob %q: a query or fragment needs a path first (write host/path?query)", s)
	}
	if strings.IndexByte(host, '@') >= 0 {
		return g, fmt.Errorf("URL glob %q: user info is not allowed", s)
	}
	if strings.IndexByte(host, ':') >= 0 {
		return g, fmt.Errorf("URL glob %q: ports are not matched; leave the port out", s)
	}
	if strings.HasPrefix(host, "*.") {
		g.sub = true
		host = host[2:]
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "" {
		return g, fmt.Errorf("URL glob %q has no host", s)
	}
	if len(host) > 253 {
		return g, fmt.Errorf("URL glob %q: host is longer than 253 bytes", s)
	}
	labels := 0
	for _, l := range strings.Split(host, ".") {
		labels++
		if l == "" {
			return g, fmt.Errorf("URL glob %q: empty label in host %q", s, host)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			case c == '*':
				return g, fmt.Errorf("URL glob %q: \"*\" is only allowed as a whole first label (\"*.example.com\")", s)
			default:
				return g, fmt.Errorf("URL glob %q: character %q is not allowed in a host", s, c)
			}
		}
	}
	if g.sub && labels < 2 {
		return g, fmt.Errorf("URL glob %q: \"*.\" needs at least two labels after it", s)
	}
	g.host = host
	return g, nil
}

func checkPathGlob(s, p string, g *urlGlob) error {
	if strings.HasPrefix(p, "//") {
		return fmt.Errorf("URL glob %q: path %q starts with \"//\"", s, p)
	}
	if strings.ContainsAny(p, "#\\\"<>") {
		return fmt.Errorf("URL glob %q: path %q holds a character that is not matched (#, \\, \", <, >)", s, p)
	}
	g.path = p
	return nil
}

// pattern is a compiled "*" glob: literal segments between the stars.
// Matching with only "*" wildcards is linear: the first segment is a prefix,
// the last a suffix, and each middle one is taken at its leftmost occurrence,
// which is always safe because "*" can absorb whatever lies between.
type pattern struct {
	segs        []string
	leadStar    bool
	trailStar   bool
	literalSize int // bytes that are not "*": more is more specific
}

func compilePattern(p string) pattern {
	segs := strings.Split(p, "*")
	c := pattern{
		leadStar:  strings.HasPrefix(p, "*"),
		trailStar: strings.HasSuffix(p, "*"),
	}
	for _, s := range segs {
		if s != "" {
			c.segs = append(c.segs, s)
			c.literalSize += len(s)
		}
	}
	return c
}

func (p *pattern) match(s string) bool {
	segs := p.segs
	if len(segs) == 0 {
		return p.leadStar || s == ""
	}
	if !p.leadStar {
		if !strings.HasPrefix(s, segs[0]) {
			return false
		}
		s = s[len(segs[0]):]
		segs = segs[1:]
		if len(segs) == 0 {
			return p.trailStar || s == ""
		}
	}
	if !p.trailStar {
		// The last literal is a suffix: test it before searching the middle
		// (cheap to reject), then search only what lies before it.
		last := segs[len(segs)-1]
		if !strings.HasSuffix(s, last) {
			return false
		}
		s = s[:len(s)-len(last)]
		segs = segs[:len(segs)-1]
	}
	for _, seg := range segs {
		i := strings.Index(s, seg)
		if i < 0 {
			return false
		}
		s = s[i+len(seg):]
	}
	return true
}
