// Package inventory records what each site's upstream really does: the cookies
// it sets (by catalog pattern, with attributes and lifetimes), the trackers
// its pages load, and what the catalog does not know (unknown cookies and
// third-party script hosts). From that it arranges the cookie declaration
// (Declare: data, which package banner renders as a page), derives the policy
// version for `policy_version auto`, and reports drift: something new that
// needs consent. It imports nothing of Caddy; it persists
// through a small Storage interface that Caddy's storage satisfies.
//
// The inventory holds no personal data: no cookie values, no IP addresses, no
// query strings; only cookie names, attributes, service IDs, hosts, the site
// paths browsers reported run-time loads from (runtime.go), and timestamps.
// Its memory is bounded: beyond the limits in Options new entries
// are counted and dropped.
package inventory

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Options bound an Inventory. The zero value gives the defaults.
type Options struct {
	// MaxSites is the number of sites (hosts) kept. Default: 64.
	MaxSites int
	// MaxCookies is the number of cookie names (or patterns), and of
	// trackers, kept per site. Default: 512.
	MaxCookies int
	// MaxHosts is the number of unknown third-party script hosts kept per
	// site. Default: 256.
	MaxHosts int
	// OnError receives the errors of the periodic flushes in Run. May be nil.
	OnError func(error)
	// OnRecover is called by Run after a periodic flush succeeds when the
	// one before it failed: the storage is back and holds what this instance
	// saw meanwhile. May be nil.
	OnRecover func()
	// Keep, when set, says which stored records Load and Flush merge: a
	// handler keeps the records of its own sites, not those of other site
	// blocks or hosts it does not serve.
	Keep func(host string) bool
}

// Defaults for Options.
const (
	DefaultMaxSites   = 64
	DefaultMaxCookies = 512
	DefaultMaxHosts   = 256
)

// Bounds that keep one hostile upstream from filling memory with long strings.
const (
	maxNameLen    = 256 // a cookie name longer than this is dropped
	maxPathLen    = 256
	maxDomains    = 4 // Domain attribute values kept per cookie
	maxPaths      = 8 // Path attribute values kept per cookie
	maxPageCount  = 1 << 40
	minCollapse   = 16 // trailing hex digits that make an unknown name a pattern
	minDigitsTail = 6  // trailing decimal digits that do
)

// DriftKind says what kind of thing a Drift is about.
type DriftKind uint8

// Kinds of drift.
const (
	DriftCookie        DriftKind = iota + 1 // a catalog cookie of an optional category
	DriftTracker                            // a catalog service of an optional category found in a page
	DriftUnknownCookie                      // a cookie no catalog row or rule classifies
	DriftUnknownHost                        // a third-party script host the catalog does not know
)

var driftNames = [...]string{DriftCookie: "cookie", DriftTracker: "tracker", DriftUnknownCookie: "unknown_cookie", DriftUnknownHost: "unknown_script_host"}

// String returns the kind's log label, such as "unknown_cookie".
func (k DriftKind) String() string {
	if int(k) < len(driftNames) && driftNames[k] != "" {
		return driftNames[k]
	}
	return "unknown"
}

// Drift is something a site started doing that needs consent or a rule: a
// cookie or tracker of an optional category, or a cookie or script host the
// catalog does not know, seen for the first time (by this instance, or by any
// instance whose inventory it has loaded or merged). The handler logs each one
// once, as a warning.
type Drift struct {
	Host     string
	Kind     DriftKind
	Name     string          // cookie pattern or name, service ID, or script host
	Category policy.Category // zero for unknown cookies and hosts
	Provider string          // from the catalog; "" when unknown
}

// Inventory is the record of every site. It is safe for concurrent use; an
// observation that brings nothing new takes only read locks and atomic
// updates and does not allocate.
type Inventory struct {
	cat  *catalog.Catalog
	opts Options

	mu    sync.RWMutex
	sites map[string]*site

	droppedSites atomic.Int64
	emptyVersion atomic.Pointer[versionMemo]
}

// site is one host's record. Maps are guarded by mu; entries update their
// counters and times atomically under the read lock.
type site struct {
	host string

	mu       sync.RWMutex
	cookies  map[string]*cookieEntry  // by catalog pattern, or exact name when unknown
	prefixes map[string]*cookieEntry  // unknown names collapsed to prefix*, by prefix
	trackers map[string]*trackerEntry // by service ID
	hosts    map[string]*hostEntry
	// pending are services recognised only by an inline script's text, not
	// yet seen often enough to be declared (ObserveInline). Never stored.
	pending map[string]*pendingEntry
	// domainCache holds Domain attribute values already judged: parents of
	// host only, so it stays as small as the host has labels.
	domainCache map[string]bool
	runtime     runTimeHosts // browser reports (runtime.go)

	dropped atomic.Int64 // entries not kept because a bound was reached
	// gen counts additions (under mu); a version memo is valid while it
	// matches.
	gen     atomic.Uint64
	version atomic.Pointer[versionMemo]
}

type versionMemo struct {
	base, value string
	gen         uint64
}

type cookieEntry struct {
	name    string
	row     *catalog.Cookie // nil when no catalog row knows it
	flags   atomic.Uint32
	maxAge  atomic.Int64 // seconds, the longest seen
	first   atomic.Int64 // unix seconds
	last    atomic.Int64
	domains []string // guarded by site.mu
	paths   []string // guarded by site.mu
}

// Cookie attribute flags. Each boolean attribute has a bit for "seen with"
// and one for "seen without", so that merging is a plain OR and the
// declaration says HttpOnly only when every line had it.
const (
	fHTTPOnly uint32 = 1 << iota
	fNoHTTPOnly
	fSecure
	fNoSecure
	fStrict
	fLax
	fNone
	fSameSiteDefault
	fSession
)

type trackerEntry struct {
	id    string
	svc   *catalog.Service // nil when the current catalog no longer knows the ID
	pages atomic.Int64
	first atomic.Int64
	last  atomic.Int64
}

// pendingEntry counts the distinct pages and client networks an inline-only
// detection was seen on, each kept as a short hash, up to what confirms it.
type pendingEntry struct {
	pages, clients []uint64
}

type hostEntry struct {
	host  string
	pages atomic.Int64
	first atomic.Int64
	last  atomic.Int64
}

// New returns an empty inventory that classifies with cat: the site's catalog,
// with the operator's rules (nil means catalog.Default()).
func New(cat *catalog.Catalog, opts Options) *Inventory {
	if cat == nil {
		cat = catalog.Default()
	}
	if opts.MaxSites <= 0 {
		opts.MaxSites = DefaultMaxSites
	}
	if opts.MaxCookies <= 0 {
		opts.MaxCookies = DefaultMaxCookies
	}
	if opts.MaxHosts <= 0 {
		opts.MaxHosts = DefaultMaxHosts
	}
	return &Inventory{cat: cat, opts: opts, sites: map[string]*site{}}
}

// Dropped returns how many sites and entries were not kept because a bound in
// Options was reached.
func (inv *Inventory) Dropped() int64 {
	n := inv.droppedSites.Load()
	inv.mu.RLock()
	for _, s := range inv.sites {
		n += s.dropped.Load()
	}
	inv.mu.RUnlock()
	return n
}

// Sites lists the hosts the inventory knows, sorted.
func (inv *Inventory) Sites() []string {
	inv.mu.RLock()
	out := make([]string, 0, len(inv.sites))
	for h := range inv.sites {
		out = append(out, h)
	}
	inv.mu.RUnlock()
	slices.Sort(out)
	return out
}

// lookup returns the site for a Host header, or nil.
func (inv *Inventory) lookup(host string) *site {
	var buf [urlhost.MaxLen]byte
	h, ok := urlhost.Normalise(host, &buf)
	if !ok {
		return nil
	}
	inv.mu.RLock()
	s := inv.sites[h]
	inv.mu.RUnlock()
	return s
}

// site returns the site for a Host header, creating it within the bound; nil
// for an invalid host or when the bound is reached.
func (inv *Inventory) site(host string) *site {
	if s := inv.lookup(host); s != nil {
		return s
	}
	var buf [urlhost.MaxLen]byte
	h, ok := urlhost.Normalise(host, &buf)
	if !ok {
		return nil
	}
	return inv.addSite(strings.Clone(h))
}

func (inv *Inventory) addSite(h string) *site {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if s := inv.sites[h]; s != nil {
		return s
	}
	if len(inv.sites) >= inv.opts.MaxSites {
		inv.droppedSites.Add(1)
		return nil
	}
	s := &site{
		host:     h,
		cookies:  map[string]*cookieEntry{},
		prefixes: map[string]*cookieEntry{},
		trackers: map[string]*trackerEntry{},
		hosts:    map[string]*hostEntry{},

		domainCache: map[string]bool{},
	}
	inv.sites[h] = s
	return s
}

// ObserveSetCookie records the Set-Cookie lines an upstream response for host
// carried. Call it with the upstream's own lines, before the firewall filters
// them and before the module adds its own. Lines that delete a cookie, and
// lines a browser would reject (a Domain the host is not in), are not uses
// and are skipped. It returns the drift: cookies of optional categories, and
// cookies no catalog row knows, seen for the first time; nil otherwise.
func (inv *Inventory) ObserveSetCookie(host string, setCookieLines []string, now time.Time) (news []Drift) {
	if len(setCookieLines) == 0 {
		return nil
	}
	s := inv.site(host)
	if s == nil {
		return nil
	}
	ts := now.Unix()
	for _, line := range setCookieLines {
		sc := setcookie.Parse(line, now)
		if sc.Delete {
			continue
		}
		if !utf8.ValidString(sc.Name) {
			// Records are JSON, which cannot carry invalid UTF-8; replace
			// now so that a stored record reads back the same.
			sc.Name = strings.ToValidUTF8(sc.Name, "\uFFFD")
		}
		if sc.Name == "" || len(sc.Name) > maxNameLen {
			continue
		}
		if sc.Domain != "" && !s.domainOK(sc.Domain) {
			continue // RFC 6265bis §5.6.3: the browser ignores the whole line
		}
		row := inv.cat.MatchCookie(sc.Name)
		e := s.cookieFor(sc.Name, row)
		if e == nil {
			var created bool
			e, created = s.addCookie(sc.Name, row, inv.opts.MaxCookies, ts)
			if e == nil {
				continue
			}
			if created {
				if d, ok := cookieDrift(s.host, e); ok {
					news = append(news, d)
				}
			}
		}
		s.observeCookie(e, &sc, ts)
	}
	return news
}

func cookieDrift(host string, e *cookieEntry) (Drift, bool) {
	if e.row == nil {
		return Drift{Host: host, Kind: DriftUnknownCookie, Name: e.name}, true
	}
	if e.row.Category == policy.Necessary {
		return Drift{}, false
	}
	return Drift{Host: host, Kind: DriftCookie, Name: e.name, Category: e.row.Category, Provider: e.row.Provider}, true
}

// domainOK is domainMatch for the site's host, remembered: the public suffix
// lookup allocates, and the domains worth remembering are the host's own
// parents, a handful.
func (s *site) domainOK(domain string) bool {
	domain = strings.TrimSuffix(domain, ".")
	s.mu.RLock()
	ok, known := s.domainCache[domain]
	s.mu.RUnlock()
	if known {
		return ok
	}
	ok = urlhost.DomainMatch(s.host, domain)
	// Only lower-case parents of the host are kept, so upper-case variants
	// cannot grow the cache (they are judged afresh each time).
	if lower := strings.ToLower(domain); len(lower) <= len(s.host) && strings.HasSuffix(s.host, lower) {
		s.mu.Lock()
		s.domainCache[strings.Clone(lower)] = ok
		s.mu.Unlock()
	}
	return ok
}

// collapse returns the pattern prefix of an unknown cookie name that ends in
// a hash or a long number ("sess_3f2a…" → "sess_"), so that one cookie does
// not take a new entry per visitor; ok is false for other names.
func collapse(name string) (prefix string, ok bool) {
	hexRun, decRun := 0, 0
	for i := len(name) - 1; i >= 0; i-- {
		c := name[i]
		if c >= '0' && c <= '9' {
			if decRun == hexRun {
				decRun++
			}
		} else if !(c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			break
		}
		hexRun++
	}
	switch {
	case hexRun >= minCollapse && hexRun < len(name):
		return name[:len(name)-hexRun], true
	case decRun >= minDigitsTail && decRun < len(name):
		return name[:len(name)-decRun], true
	}
	return "", false
}

// cookieFor finds the entry for a cookie name under the read lock.
func (s *site) cookieFor(name string, row *catalog.Cookie) *cookieEntry {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if row != nil {
		return s.cookies[row.Pattern]
	}
	if p, ok := collapse(name); ok {
		return s.prefixes[p]
	}
	return s.cookies[name]
}

// addCookie creates the entry for a cookie name within the bound. created is
// false when another goroutine made it first.
func (s *site) addCookie(name string, row *catalog.Cookie, limit int, ts int64) (e *cookieEntry, created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, key, prefix := s.cookies, name, false
	if row != nil {
		key = row.Pattern
	} else if p, ok := collapse(name); ok {
		m, key, prefix = s.prefixes, p, true
	}
	if e := m[key]; e != nil {
		return e, false
	}
	if len(s.cookies)+len(s.prefixes) >= limit {
		s.dropped.Add(1)
		return nil, false
	}
	// Clone: the name is a piece of the header line, which holds the value.
	key = strings.Clone(key)
	e = &cookieEntry{name: key, row: row}
	if prefix {
		e.name = key + "*"
	}
	e.first.Store(ts)
	m[key] = e
	s.gen.Add(1)
	return e, true
}

// observeCookie folds one line into its entry.
func (s *site) observeCookie(e *cookieEntry, sc *setcookie.Cookie, ts int64) {
	f := attrFlags(sc.HTTPOnly, sc.Secure, sc.Session)
	switch sc.SameSite {
	case "strict":
		f |= fStrict
	case "lax":
		f |= fLax
	case "none":
		f |= fNone
	default:
		f |= fSameSiteDefault
	}
	if e.flags.Load()&f != f {
		e.flags.Or(f)
	}
	storeMax(&e.maxAge, int64(sc.Lifetime/time.Second))
	storeMax(&e.last, ts)
	storeMin(&e.first, ts)

	domain := strings.ToLower(sc.Domain)
	path := sc.Path
	if !utf8.ValidString(path) {
		path = strings.ToValidUTF8(path, "\uFFFD")
	}
	if len(path) > maxPathLen {
		path = ""
	}
	if domain == "" && path == "" {
		return
	}
	s.mu.RLock()
	known := (domain == "" || slices.Contains(e.domains, domain)) && (path == "" || slices.Contains(e.paths, path))
	s.mu.RUnlock()
	if known {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if domain != "" && !slices.Contains(e.domains, domain) {
		if len(e.domains) < maxDomains {
			e.domains = append(e.domains, strings.Clone(domain))
		} else {
			s.dropped.Add(1)
		}
	}
	if path != "" && !slices.Contains(e.paths, path) {
		if len(e.paths) < maxPaths {
			e.paths = append(e.paths, strings.Clone(path))
		} else {
			s.dropped.Add(1)
		}
	}
}

// storeMax raises v to x; it writes only when x is larger, so a repeat
// observation reads shared memory without dirtying it.
func storeMax(v *atomic.Int64, x int64) {
	for {
		old := v.Load()
		if x <= old || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// storeMin lowers v to x; zero means unset.
func storeMin(v *atomic.Int64, x int64) {
	for {
		old := v.Load()
		if old != 0 && old <= x || v.CompareAndSwap(old, x) {
			return
		}
	}
}

// addCount adds n to a counter that saturates, so a long-lived instance never
// wraps.
func addCount(v *atomic.Int64, n int64) {
	if v.Load() < maxPageCount {
		v.Add(n)
	}
}

// ObservePage records the services one page of host was found to load
// (htmlrewrite.Page.Found: blocked or granted alike) and the third-party
// script hosts in it that the catalog does not know (see ThirdPartyHost).
// It returns the drift: services of optional categories and unknown hosts
// seen for the first time; nil otherwise.
func (inv *Inventory) ObservePage(host string, found []*catalog.Service, unknownScriptHosts []string, now time.Time) (news []Drift) {
	if len(found) == 0 && len(unknownScriptHosts) == 0 {
		return nil
	}
	s := inv.site(host)
	if s == nil {
		return nil
	}
	ts := now.Unix()
	for _, svc := range found {
		if svc == nil || svc.ID == "" {
			continue
		}
		s.mu.RLock()
		e := s.trackers[svc.ID]
		s.mu.RUnlock()
		if e == nil {
			var created bool
			e, created = s.addTracker(svc.ID, svc, inv.opts.MaxCookies, ts)
			if e == nil {
				continue
			}
			if created && svc.Category != policy.Necessary {
				news = append(news, Drift{Host: s.host, Kind: DriftTracker, Name: svc.ID, Category: svc.Category, Provider: svc.Provider})
			}
		}
		addCount(&e.pages, 1)
		storeMax(&e.last, ts)
		storeMin(&e.first, ts)
	}
	for _, h := range unknownScriptHosts {
		var buf [urlhost.MaxLen]byte
		hn, ok := urlhost.Normalise(h, &buf)
		if !ok || hn == s.host {
			continue
		}
		s.mu.RLock()
		e := s.hosts[hn]
		s.mu.RUnlock()
		if e == nil {
			var created bool
			e, created = s.addHost(strings.Clone(hn), inv.opts.MaxHosts, ts)
			if e == nil {
				continue
			}
			if created {
				news = append(news, Drift{Host: s.host, Kind: DriftUnknownHost, Name: e.host})
			}
		}
		addCount(&e.pages, 1)
		storeMax(&e.last, ts)
		storeMin(&e.first, ts)
	}
	return news
}

// What confirms a service recognised only by the text of an inline script:
// seen on this many distinct pages, from this many distinct client networks.
// A site that really runs the snippet gets there with its first visitors;
// one request that reflects a visitor's words ("?s=fbq(") does not
// (security audit M2).
const (
	InlinePagesToConfirm   = 3
	InlineClientsToConfirm = 2
)

// ObserveInline records services one page of host was found to run only by
// the text of an inline script (htmlrewrite.Page.InlineOnly). Such text may
// be a visitor's own words reflected into the page, so a service enters the
// record (and the declaration, and the auto version) only once it was seen
// on InlinePagesToConfirm distinct pages from InlineClientsToConfirm distinct
// client networks; until then it is held in memory and never stored. page is
// the request's path, client its truncated network. It returns the drift of
// services confirmed by this call.
func (inv *Inventory) ObserveInline(host string, svcs []*catalog.Service, page, client string, now time.Time) (news []Drift) {
	if len(svcs) == 0 {
		return nil
	}
	s := inv.site(host)
	if s == nil {
		return nil
	}
	ph, ch := shortHash(page), shortHash(client)
	var confirmed []*catalog.Service
	s.mu.Lock()
	for _, svc := range svcs {
		if svc == nil || svc.ID == "" || s.trackers[svc.ID] != nil {
			if svc != nil && s.trackers[svc.ID] != nil {
				confirmed = append(confirmed, svc) // already declared: count the page
			}
			continue
		}
		p := s.pending[svc.ID]
		if p == nil {
			if len(s.pending) >= inv.opts.MaxCookies {
				s.dropped.Add(1)
				continue
			}
			if s.pending == nil {
				s.pending = map[string]*pendingEntry{}
			}
			p = &pendingEntry{}
			s.pending[svc.ID] = p
		}
		if len(p.pages) < InlinePagesToConfirm && !slices.Contains(p.pages, ph) {
			p.pages = append(p.pages, ph)
		}
		if len(p.clients) < InlineClientsToConfirm && !slices.Contains(p.clients, ch) {
			p.clients = append(p.clients, ch)
		}
		if len(p.pages) >= InlinePagesToConfirm && len(p.clients) >= InlineClientsToConfirm {
			delete(s.pending, svc.ID)
			confirmed = append(confirmed, svc)
		}
	}
	s.mu.Unlock()
	if len(confirmed) == 0 {
		return nil
	}
	return inv.ObservePage(host, confirmed, nil, now)
}

func shortHash(s string) uint64 {
	h := sha256.Sum256([]byte(s))
	return binary.BigEndian.Uint64(h[:8])
}

func (s *site) addTracker(id string, svc *catalog.Service, limit int, ts int64) (*trackerEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.trackers[id]; e != nil {
		return e, false
	}
	if len(s.trackers) >= limit {
		s.dropped.Add(1)
		return nil, false
	}
	e := &trackerEntry{id: id, svc: svc}
	e.first.Store(ts)
	s.trackers[id] = e
	s.gen.Add(1)
	return e, true
}

func (s *site) addHost(h string, limit int, ts int64) (*hostEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.hosts[h]; e != nil {
		return e, false
	}
	if len(s.hosts) >= limit {
		s.dropped.Add(1)
		return nil, false
	}
	e := &hostEntry{host: h}
	e.first.Store(ts)
	s.hosts[h] = e
	return e, true
}

// Version returns the policy version for `policy_version auto`: base, a dash,
// and a short hash of what the site declares, namely the patterns of cookies
// of optional categories it was seen setting and the services of optional
// categories its pages load, each with its category. Timestamps, counters,
// attributes and necessary cookies do not count, so the version changes only
// when the site starts using something that needs consent (or the operator
// re-classifies it), and visitors are asked again. A host with no record gets
// the version of an empty inventory. Repeated calls do not allocate.
func (inv *Inventory) Version(host string, base string) string {
	s := inv.lookup(host)
	if s == nil {
		if m := inv.emptyVersion.Load(); m != nil && m.base == base {
			return m.value
		}
		v := base + "-" + hashLines(nil)
		inv.emptyVersion.Store(&versionMemo{base: base, value: v})
		return v
	}
	if m := s.version.Load(); m != nil && m.base == base && m.gen == s.gen.Load() {
		return m.value
	}
	s.mu.RLock()
	gen := s.gen.Load()
	lines := s.declaredLines()
	s.mu.RUnlock()
	v := base + "-" + hashLines(lines)
	s.version.Store(&versionMemo{base: base, value: v, gen: gen})
	return v
}

// declaredLines lists what the version covers; the caller holds s.mu.
func (s *site) declaredLines() []string {
	var lines []string
	for _, e := range s.cookies {
		if e.row != nil && e.row.Category != policy.Necessary {
			lines = append(lines, "cookie\t"+e.row.Pattern+"\t"+e.row.Category.String())
		}
	}
	for _, e := range s.trackers {
		if e.svc != nil && e.svc.Category != policy.Necessary {
			lines = append(lines, "tracker\t"+e.id+"\t"+e.svc.Category.String())
		}
	}
	return lines
}

func hashLines(lines []string) string {
	slices.Sort(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:6])
}

// attrFlags records which values of the boolean attributes a cookie was seen
// with: both "with" and "without" bits, since one name can be set both ways.
func attrFlags(httpOnly, secure, session bool) uint32 {
	var f uint32
	if httpOnly {
		f |= fHTTPOnly
	} else {
		f |= fNoHTTPOnly
	}
	if secure {
		f |= fSecure
	} else {
		f |= fNoSecure
	}
	if session {
		f |= fSession
	}
	return f
}
