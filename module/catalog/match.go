package catalog

import (
	"fmt"
	"sort"
	"strings"
	"unsafe"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/policy"
)

// hostTable indexes URL rules by host. Almost every URL on a page names a
// host no rule knows (the site itself, its CDN), so a lookup first walks the
// host once from the right, hashing each label suffix into a filter of the
// keys' hashes; only a suffix the filter knows costs a map lookup.
type hostTable struct {
	hosts   map[string]*hostEntry
	paths   []urlRule // path-only rules, for any host and for root-relative URLs
	maxHost int       // longest host key: longer suffixes are never looked up
	filter  [hostFilterWords]uint64
}

// hostFilterWords sizes the suffix filter: 8192 bits for the catalog's ~250
// host keys leave about 3 % of unknown suffixes to a map lookup.
const hostFilterWords = 128

// suffixStep hashes one more byte, walking a host from its end (FNV-1a).
func suffixStep(h uint32, b byte) uint32 { return (h ^ uint32(b)) * 16777619 }

const suffixSeed = 2166136261

func (t *hostTable) filterHas(h uint32) bool {
	return t.filter[h/64%hostFilterWords]&(1<<(h%64)) != 0
}

type hostEntry struct {
	self     *Service  // bare host: this host and its subdomains
	sub      *Service  // "*.host": subdomains only
	globs    []urlRule // this host exactly, with a path glob
	subGlobs []urlRule // "*.host" with a path glob
}

type urlRule struct {
	glob string // canonical form, for duplicate checks
	pat  pattern
	svc  *Service
	// Cheap tests of a path-only rule before its pattern runs: the byte
	// after the leading "/" of a fixed prefix (lead) and the last byte of a
	// fixed suffix (tail), 0 for none; and guard, a literal the path must
	// contain for a floating pattern ("/*/matomo.php*") to match.
	lead, tail byte
	guard      string
	rare       byte // the byte of guard least common in URL paths
}

func newHostTable() *hostTable { return &hostTable{hosts: map[string]*hostEntry{}} }

func (t *hostTable) add(glob string, s *Service) error {
	g, err := parseURLGlob(glob)
	if err != nil {
		return fmt.Errorf("service %q: %v", s.ID, err)
	}
	dup := func(other *Service) error {
		return fmt.Errorf("service %q: %q is already claimed by service %q", s.ID, g.String(), other.ID)
	}
	rule := urlRule{glob: g.String(), pat: compilePattern(g.path), svc: s}
	if g.host == "" {
		for _, r := range t.paths {
			if r.glob == rule.glob {
				return dup(r.svc)
			}
		}
		t.paths = append(t.paths, rule)
		return nil
	}
	e := t.hosts[g.host]
	if e == nil {
		e = &hostEntry{}
		t.hosts[g.host] = e
		t.maxHost = max(t.maxHost, len(g.host))
		h := uint32(suffixSeed)
		for i := len(g.host) - 1; i >= 0; i-- {
			h = suffixStep(h, g.host[i])
		}
		t.filter[h/64%hostFilterWords] |= 1 << (h % 64)
	}
	var list *[]urlRule
	switch {
	case g.path == "" && g.sub:
		if e.sub != nil {
			return dup(e.sub)
		}
		e.sub = s
		return nil
	case g.path == "":
		if e.self != nil {
			return dup(e.self)
		}
		e.self = s
		return nil
	case g.sub:
		list = &e.subGlobs
	default:
		list = &e.globs
	}
	for _, r := range *list {
		if r.glob == rule.glob {
			return dup(r.svc)
		}
	}
	*list = append(*list, rule)
	return nil
}

// sort puts the most specific glob first: more literal bytes, then an
// operator's rule, then catalog order.
func (t *hostTable) sort() {
	bySpecificity := func(l []urlRule) {
		sort.SliceStable(l, func(a, b int) bool {
			if l[a].pat.literalSize != l[b].pat.literalSize {
				return l[a].pat.literalSize > l[b].pat.literalSize
			}
			return l[a].svc.Custom && !l[b].svc.Custom
		})
	}
	bySpecificity(t.paths)
	for _, e := range t.hosts {
		bySpecificity(e.globs)
		bySpecificity(e.subGlobs)
	}
	for i := range t.paths {
		r := &t.paths[i]
		r.lead, r.tail, r.guard = 0, 0, r.pat.guard()
		r.rare = rarest(r.guard)
		if p := &r.pat; len(p.segs) > 0 {
			if first := p.segs[0]; !p.leadStar && len(first) > 1 {
				r.lead = first[1]
			}
			if last := p.segs[len(p.segs)-1]; !p.trailStar {
				r.tail = last[len(last)-1]
			}
		}
	}
}

// guard returns the longest literal of a pattern that matching has to search
// for, without a leading "/" (matchPath lets a path omit it), or "" when a
// fixed prefix or suffix already rejects most paths at once.
func (p *pattern) guard() string {
	if len(p.segs) == 0 || (!p.leadStar && len(p.segs[0]) > 1) || !p.trailStar {
		return ""
	}
	best := ""
	for _, s := range p.segs {
		s = strings.TrimLeft(s, "/")
		if len(s) > len(best) {
			best = s
		}
	}
	return best
}

// lookup finds the rule for a host and path. A host/path glob beats a
// bare-host rule, which beats a path-only rule (a path says nothing about who
// serves the file); among hosts the longest one wins. whole is
// false when host is only the tail of a longer host name, so it cannot match
// rules for that exact host.
func (t *hostTable) lookup(host string, whole bool, pathq string) *Service {
	// One walk from the right hashes every label suffix; the filter keeps
	// the suffixes that may be keys, at most len(hits) of them (more means
	// a hostile host, which the slow walk handles in linear time too).
	var hits [8]int
	n := 0
	h := uint32(suffixSeed)
	for i := len(host) - 1; i >= 0; i-- {
		h = suffixStep(h, host[i])
		if (i == 0 || host[i-1] == '.') && len(host)-i <= t.maxHost && t.filterHas(h) {
			if n == len(hits) {
				return t.lookupEvery(host, whole, pathq)
			}
			hits[n] = i
			n++
		}
	}
	var byHost *Service
	for k := n - 1; k >= 0; k-- { // longest suffix first
		i := hits[k]
		if svc, done := t.at(host[i:], whole && i == 0, pathq, &byHost); done {
			return svc
		}
	}
	if byHost != nil {
		return byHost
	}
	return t.lookupPath(pathq)
}

// lookupEvery is lookup without the filter: every label suffix no longer
// than the longest key is looked up.
func (t *hostTable) lookupEvery(host string, whole bool, pathq string) *Service {
	var byHost *Service
	for exact := whole; host != ""; exact = false {
		if len(host) <= t.maxHost {
			if svc, done := t.at(host, exact, pathq, &byHost); done {
				return svc
			}
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			break
		}
		host = host[i+1:]
	}
	if byHost != nil {
		return byHost
	}
	return t.lookupPath(pathq)
}

// at looks up one host suffix: a matching path glob ends the lookup (done);
// otherwise the first bare-host rule met is remembered in byHost.
func (t *hostTable) at(suffix string, exact bool, pathq string, byHost **Service) (svc *Service, done bool) {
	e := t.hosts[suffix]
	if e == nil {
		return nil, false
	}
	globs := e.subGlobs
	if exact {
		globs = e.globs
	}
	for i := range globs {
		if globs[i].pat.matchPath(pathq) {
			return globs[i].svc, true
		}
	}
	if *byHost == nil {
		switch {
		case !exact && e.sub != nil:
			*byHost = e.sub
		case e.self != nil:
			*byHost = e.self
		}
	}
	return nil, false
}

// pathByteOrder ranks bytes from common to rare in URL paths (separators,
// digits, then letters by English frequency); unlisted bytes are rarer still.
const pathByteOrder = "/-._0123456789etaoinsrlcdpumwgfhbyvkxjqz"

// rarest returns the byte of s that pathByteOrder ranks rarest: searching for
// it rejects most paths in one vectorised pass.
func rarest(s string) byte {
	var best byte
	rank := -1
	for i := 0; i < len(s); i++ {
		r := strings.IndexByte(pathByteOrder, lowerASCII(s[i]))
		if r < 0 {
			r = len(pathByteOrder)
		}
		if r > rank {
			best, rank = s[i], r
		}
	}
	return best
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// lookupPath returns the first (most specific) path-only rule matching pathq.
func (t *hostTable) lookupPath(pathq string) *Service {
	// A path without its leading "/" (a bare query) skips the lead test.
	var second, last byte
	if len(pathq) > 1 && pathq[0] == '/' {
		second = pathq[1]
	}
	if pathq != "" {
		last = pathq[len(pathq)-1]
	}
	for i := range t.paths {
		r := &t.paths[i]
		if (r.lead != 0 && second != 0 && r.lead != second) || (r.tail != 0 && last != 0 && r.tail != last) ||
			(r.guard != "" && (strings.IndexByte(pathq, r.rare) < 0 || !strings.Contains(pathq, r.guard))) {
			continue
		}
		if r.pat.matchPath(pathq) {
			return r.svc
		}
	}
	return nil
}

// matchPath matches a path glob (which starts with "/") against the path and
// query of a URL; an empty path, or a bare query, stands for "/".
func (p *pattern) matchPath(pathq string) bool {
	if pathq != "" && pathq[0] == '/' {
		return p.match(pathq)
	}
	// Match as if pathq had its implied leading "/": drop it from the pattern.
	if len(p.segs) == 0 || p.leadStar {
		return p.match(pathq)
	}
	first := p.segs[0][1:]
	if !strings.HasPrefix(pathq, first) {
		return false
	}
	rest := pathq[len(first):]
	if len(p.segs) == 1 {
		return p.trailStar || rest == ""
	}
	q := pattern{segs: p.segs[1:], leadStar: true, trailStar: p.trailStar}
	return q.match(rest)
}

// hostBufSize bounds the lower-cased copy of a host; a longer host keeps only
// its tail, which is all a suffix lookup needs.
const hostBufSize = 256

// MatchURL returns the service a resource URL belongs to, or nil. u is an
// attribute value with character references already decoded: absolute
// (http or https, any case), protocol-relative ("//host/…"), or root-relative
// ("/path", matched against path-only rules). Path-relative URLs and other
// schemes (data:, javascript:, blob:) match nothing. The host is compared
// without user info, port or trailing dot, case-insensitively, with its parent
// domains; the path and query are compared case-sensitively. Precedence: an
// allow rule, then a host/path glob, then the longest matching host, then a
// path-only rule. MatchURL does not allocate.
func (c *Catalog) MatchURL(u []byte) *Service {
	if len(u) == 0 {
		return nil
	}
	// The bytes are only read, and only during this call.
	s := unsafe.String(unsafe.SliceData(u), len(u))
	if needsRepair(s) {
		return c.matchURLSlow(s)
	}
	return c.matchURL(s)
}

// needsRepair reports whether s holds what browsers repair before parsing a
// URL (matchURLSlow). Four vectorised searches beat one byte loop on URLs of
// typical length.
func needsRepair(s string) bool {
	return strings.IndexByte(s, '\\') >= 0 || strings.IndexByte(s, '\n') >= 0 ||
		strings.IndexByte(s, '\t') >= 0 || strings.IndexByte(s, '\r') >= 0
}

// matchPath applies the path-only rules, allow first, to the path and query
// of a URL whose host no rule names.
func (c *Catalog) matchPath(pathq string) *Service {
	if c.allow != nil && c.allow.lookupPath(pathq) != nil {
		return nil
	}
	return c.block.lookupPath(pathq)
}

// A URLMemo lets MatchURLMemo skip the host lookup for URLs of a host that
// no rule names — on a page, mostly the site's own URLs. It remembers the
// last two such "scheme://host/" prefixes, as written. Its zero value is
// empty; one memo serves one caller at a time (a response), and must be
// cleared (set to its zero value) when the catalog changes.
type URLMemo struct {
	buf  [2][memoPrefixLen]byte // "https://host/" prefixes whose host no rule names
	n    [2]uint8               // their lengths, 0 for none
	next uint8                  // the entry the next one replaces
}

// memoPrefixLen bounds a remembered prefix; a longer one is not remembered.
const memoPrefixLen = 64

// MatchURLMemo is MatchURL with a memo of host-free prefixes: it returns what
// MatchURL returns for every u.
func (c *Catalog) MatchURLMemo(u []byte, m *URLMemo) *Service {
	if len(u) == 0 {
		return nil
	}
	s := unsafe.String(unsafe.SliceData(u), len(u))
	for k := range m.n {
		f := m.buf[k][:m.n[k]]
		if len(f) != 0 && len(s) > len(f) && s[:len(f)] == string(f) {
			// Only path rules can match. The rest is checked for what
			// browsers repair (tabs, newlines, backslashes) and trimmed
			// at its end as matchURL would.
			rest := s[len(f)-1:]
			if needsRepair(rest) {
				return c.matchURLSlow(s)
			}
			for len(rest) > 0 && rest[len(rest)-1] <= ' ' {
				rest = rest[:len(rest)-1]
			}
			return c.matchPath(cutFragment(rest))
		}
	}
	svc := c.MatchURL(u)
	if p := urlhost.PlainPrefix(s); p != "" && len(p) <= memoPrefixLen && !c.block.names(p) && (c.allow == nil || !c.allow.names(p)) && (c.lists == nil || !c.lists.names(p)) {
		m.n[m.next] = uint8(copy(m.buf[m.next][:], p))
		m.next ^= 1
	}
	return svc
}

// names reports whether any rule names the host of prefix ("scheme://host/"
// or "//host/", urlhost.PlainPrefix)
// or one of its parent domains.
func (t *hostTable) names(prefix string) bool {
	host := prefix[strings.Index(prefix, "//")+2 : len(prefix)-1]
	for {
		if len(host) <= t.maxHost && t.hosts[host] != nil {
			return true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return false
		}
		host = host[i+1:]
	}
}

// matchURLSlow handles what browsers repair before parsing: tabs and newlines
// anywhere are removed and backslashes count as slashes (WHATWG URL, special
// schemes). Such URLs are rare, so the copy lives here, off the fast path.
func (c *Catalog) matchURLSlow(s string) *Service {
	var buf [4096]byte
	n := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch b {
		case '\t', '\n', '\r':
			continue
		case '\\':
			b = '/'
		}
		if n == len(buf) {
			// Too long to copy: the host is what matters, and it has been
			// seen; drop the tail rather than allocate.
			break
		}
		buf[n] = b
		n++
	}
	return c.matchURL(unsafe.String(&buf[0], n))
}

func (c *Catalog) matchURL(s string) *Service {
	// Leading and trailing C0 controls and spaces are stripped (WHATWG URL).
	for len(s) > 0 && s[0] <= ' ' {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] <= ' ' {
		s = s[:len(s)-1]
	}
	rest, ok := urlhost.Authority(s)
	if !ok {
		if s != "" && s[0] == '/' {
			// Root-relative (or nothing but slashes): only path rules can
			// say anything.
			return c.matchPath(cutFragment(s))
		}
		return nil
	}
	// One pass finds the end of the authority, the last '@' and ':' and
	// whether the host needs normalizing.
	end, at, colon, dirty := len(rest), -1, -1, false
scan:
	for i := 0; i < len(rest); i++ {
		switch authClass[rest[i]] {
		case 0:
		case aEnd:
			end = i
			break scan
		case aAt:
			at = i
		case aColon:
			colon = i
		default:
			dirty = true
		}
	}
	pathq := cutFragment(rest[end:])
	authority := rest[at+1 : end]
	if dirty || (authority != "" && authority[0] == '[') {
		return c.matchDirtyHost(authority, pathq)
	}
	if colon > at {
		authority = rest[at+1 : colon]
	}
	return c.lookup(strings.TrimSuffix(authority, "."), true, pathq)
}

// matchDirtyHost matches a host that needs normalizing (case, percent
// escapes), in a buffer only this rare path pays for.
func (c *Catalog) matchDirtyHost(authority, pathq string) *Service {
	var buf [hostBufSize]byte
	host, whole := normalizeHost(authority, &buf)
	return c.lookup(host, whole, pathq)
}

// lookup applies the allow rules, then the block rules.
func (c *Catalog) lookup(host string, whole bool, pathq string) *Service {
	if c.allow != nil && c.allow.lookup(host, whole, pathq) != nil {
		return nil
	}
	svc := c.block.lookup(host, whole, pathq)
	if svc == nil && c.lists != nil {
		svc = c.lists.lookup(host)
	}
	return svc
}

// Byte classes of the authority scan in matchURL.
const (
	aEnd   = 1 + iota // '/', '?', '#': the path starts
	aAt               // user info ends
	aColon            // a port may start
	aDirty            // upper case or '%': normalizeHost must copy
)

var authClass = func() (t [256]uint8) {
	t['/'], t['?'], t['#'] = aEnd, aEnd, aEnd
	t['@'], t[':'], t['%'] = aAt, aColon, aDirty
	for b := 'A'; b <= 'Z'; b++ {
		t[b] = aDirty
	}
	return t
}()

func cutFragment(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		return s[:i]
	}
	return s
}

// normalizeHost strips the port and a trailing dot, decodes percent escapes and
// lower-cases, copying into buf only when something changes. whole is false
// when host is the tail of a host too long for buf. It is not
// urlhost.Normalise, which refuses what this reads: a URL's host may carry
// escapes browsers decode ("%67oogle-analytics.com") and may be of any
// length (only its tail matters to a suffix lookup), whereas a site key must
// be a plain name.
func normalizeHost(h string, buf *[hostBufSize]byte) (host string, whole bool) {
	if h != "" && h[0] == '[' {
		return "", false // IPv6 literal: no rule names one
	}
	if i := strings.LastIndexByte(h, ':'); i >= 0 {
		h = h[:i]
	}
	h = strings.TrimSuffix(h, ".")
	clean := true
	for i := 0; i < len(h); i++ {
		if b := h[i]; (b >= 'A' && b <= 'Z') || b == '%' {
			clean = false
			break
		}
	}
	if clean {
		return h, true
	}
	whole = true
	if len(h) > 3*hostBufSize {
		// Even fully escaped, the head cannot fit: keep the tail.
		h, whole = h[len(h)-3*hostBufSize:], false
	}
	n := 0
	for i := 0; i < len(h); i++ {
		b := h[i]
		if b == '%' && i+2 < len(h) && isHex(h[i+1]) && isHex(h[i+2]) {
			b = unhex(h[i+1])<<4 | unhex(h[i+2])
			i += 2
		}
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if n == len(buf) {
			// Slide: keep the last half so that the tail survives.
			copy(buf[:], buf[hostBufSize/2:])
			n = hostBufSize / 2
			whole = false
		}
		buf[n] = b
		n++
	}
	host = unsafe.String(&buf[0], n)
	host = strings.TrimSuffix(host, ".")
	if !whole {
		// Cut at a label boundary: a partial label must not pose as a host.
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return "", false
		}
		host = host[i+1:]
	}
	return host, whole
}

func isHex(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F'
}

func unhex(b byte) byte {
	switch {
	case b >= '0' && b <= '9':
		return b - '0'
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10
	}
	return b - 'A' + 10
}

// MatchInline returns the service an inline script belongs to, or nil. When a
// script holds markers of several services, the one that needs the most
// consent wins (marketing, analytics, preferences, necessary); use
// InlineCategories to require all of them. It scans the script once, in
// linear time, and does not allocate.
func (c *Catalog) MatchInline(script []byte) *Service {
	sc := c.InlineScanner()
	sc.Write(script)
	return sc.Service()
}

// InlineCategories returns the categories of every service whose marker occurs
// in script: the script may run only when the visitor granted them all.
func (c *Catalog) InlineCategories(script []byte) policy.Set {
	sc := c.InlineScanner()
	sc.Write(script)
	return sc.Categories()
}

// MatchCookie returns the row describing a cookie name, or nil: an exact name
// first, then the longest matching prefix, then the glob with the most literal
// characters. Names are case-sensitive. It does not allocate.
func (c *Catalog) MatchCookie(name string) *Cookie {
	if ck := c.cookieExact[name]; ck != nil {
		return ck
	}
	if name == "" {
		return nil
	}
	for _, p := range c.cookiePrefix[name[0]] {
		if strings.HasPrefix(name, p.prefix) {
			return p.ck
		}
	}
	for i := range c.cookieGlobs {
		if c.cookieGlobs[i].pat.match(name) {
			return c.cookieGlobs[i].ck
		}
	}
	return nil
}
