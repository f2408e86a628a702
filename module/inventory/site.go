package inventory

import (
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// Site is the record of one host: what its upstream was seen doing. Its JSON
// form is also what Flush stores; the catalog rows (Row, Service) are not
// stored but looked up again on Load, so a changed catalog or rule applies to
// old records too. Lists are sorted, so equal records marshal equally.
type Site struct {
	Host     string    `json:"host"`
	Cookies  []Cookie  `json:"cookies"`
	Trackers []Tracker `json:"trackers"`
	// UnknownHosts are third-party script hosts the catalog does not know.
	UnknownHosts []Host `json:"unknown_script_hosts"`
	// RunTimeHosts are hosts browsers reported loading at run time (runtime.go).
	RunTimeHosts []RunTimeHost `json:"run_time_hosts,omitempty"`
	// Dropped counts entries not kept because a bound was reached.
	Dropped int64 `json:"dropped,omitempty"`
}

// Cookie is a cookie the upstream sets: one entry per catalog pattern
// ("wordpress_logged_in_*", "_ga_*"), or per name when no row knows it (a
// name ending in a hash is kept as its prefix and "*").
type Cookie struct {
	Name string          `json:"name"`
	Row  *catalog.Cookie `json:"-"` // nil when unknown
	// HTTPOnly and Secure are true when every line seen had the attribute.
	HTTPOnly bool `json:"http_only"`
	Secure   bool `json:"secure"`
	// SameSite lists the values seen: "strict", "lax", "none", and "default"
	// for lines without a valid attribute.
	SameSite []string `json:"same_site,omitempty"`
	Domains  []string `json:"domains,omitempty"` // Domain attributes seen (without leading dot)
	Paths    []string `json:"paths,omitempty"`   // Path attributes seen
	// MaxAge is the longest lifetime seen, in seconds (capped at 400 days);
	// 0 when the cookie was only ever set for the session.
	MaxAge    int64     `json:"max_age"`
	Session   bool      `json:"session,omitempty"` // seen set without Max-Age or Expires
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// Unknown reports whether no catalog row describes the cookie.
func (c *Cookie) Unknown() bool { return c.Row == nil }

// Tracker is a catalog service found in the site's pages.
type Tracker struct {
	ID        string           `json:"service"`
	Service   *catalog.Service `json:"-"` // nil when the current catalog no longer knows ID
	Pages     int64            `json:"pages"`
	FirstSeen time.Time        `json:"first_seen"`
	LastSeen  time.Time        `json:"last_seen"`
}

// Host is a third-party script host no catalog row knows.
type Host struct {
	Host      string    `json:"host"`
	Pages     int64     `json:"pages"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

var sameSiteNames = []struct {
	flag uint32
	name string
}{{fStrict, "strict"}, {fLax, "lax"}, {fNone, "none"}, {fSameSiteDefault, "default"}}

// Snapshot returns a copy of the record of host (a Host header is fine); a
// host with no record gives a Site with only Host set.
func (inv *Inventory) Snapshot(host string) Site {
	s := inv.lookup(host)
	if s == nil {
		return Site{Host: urlhost.NormaliseString(host), Cookies: []Cookie{}, Trackers: []Tracker{}, UnknownHosts: []Host{}, RunTimeHosts: []RunTimeHost{}}
	}
	return s.snapshot()
}

func (s *site) snapshot() Site {
	rt := s.runtime.snapshot()
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := Site{
		Host:         s.host,
		Cookies:      make([]Cookie, 0, len(s.cookies)+len(s.prefixes)),
		Trackers:     make([]Tracker, 0, len(s.trackers)),
		UnknownHosts: make([]Host, 0, len(s.hosts)),
		Dropped:      s.dropped.Load(),
		RunTimeHosts: rt,
	}
	for _, m := range []map[string]*cookieEntry{s.cookies, s.prefixes} {
		for _, e := range m {
			out.Cookies = append(out.Cookies, e.export())
		}
	}
	for _, e := range s.trackers {
		out.Trackers = append(out.Trackers, Tracker{
			ID: e.id, Service: e.svc, Pages: e.pages.Load(),
			FirstSeen: unix(e.first.Load()), LastSeen: unix(e.last.Load()),
		})
	}
	for _, e := range s.hosts {
		out.UnknownHosts = append(out.UnknownHosts, Host{
			Host: e.host, Pages: e.pages.Load(),
			FirstSeen: unix(e.first.Load()), LastSeen: unix(e.last.Load()),
		})
	}
	slices.SortFunc(out.Cookies, func(a, b Cookie) int { return strings.Compare(a.Name, b.Name) })
	slices.SortFunc(out.Trackers, func(a, b Tracker) int { return strings.Compare(a.ID, b.ID) })
	slices.SortFunc(out.UnknownHosts, func(a, b Host) int { return strings.Compare(a.Host, b.Host) })
	return out
}

// export copies an entry; the caller holds the site's lock.
func (e *cookieEntry) export() Cookie {
	f := e.flags.Load()
	c := Cookie{
		Name:      e.name,
		Row:       e.row,
		HTTPOnly:  f&fHTTPOnly != 0 && f&fNoHTTPOnly == 0,
		Secure:    f&fSecure != 0 && f&fNoSecure == 0,
		MaxAge:    e.maxAge.Load(),
		Session:   f&fSession != 0,
		Domains:   slices.Sorted(slices.Values(e.domains)),
		Paths:     slices.Sorted(slices.Values(e.paths)),
		FirstSeen: unix(e.first.Load()),
		LastSeen:  unix(e.last.Load()),
	}
	for _, s := range sameSiteNames {
		if f&s.flag != 0 {
			c.SameSite = append(c.SameSite, s.name)
		}
	}
	return c
}

func unix(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func unixOf(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// merge folds a stored record into the inventory: the union of entries, the
// earliest first-seen, the latest last-seen, the largest counters and
// lifetimes. It is commutative and idempotent, so instances that merge each
// other's records in any order agree. Entries merged in are not drift. It
// reports whether anything in memory changed.
func (inv *Inventory) merge(rec *Site) bool {
	var buf [urlhost.MaxLen]byte
	h, ok := urlhost.Normalise(rec.Host, &buf)
	if !ok {
		return false
	}
	s := inv.site(h)
	if s == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := false
	for i := range rec.Cookies {
		c := &rec.Cookies[i]
		if c.Name == "" || len(c.Name) > maxNameLen+1 {
			continue
		}
		e, added := s.mergeCookieEntry(inv.cat, c.Name, inv.opts.MaxCookies)
		if e == nil {
			continue
		}
		changed = changed || added
		f := attrFlags(c.HTTPOnly, c.Secure, c.Session)
		for _, ss := range sameSiteNames {
			if slices.Contains(c.SameSite, ss.name) {
				f |= ss.flag
			}
		}
		if e.flags.Load()&f != f {
			e.flags.Or(f)
			changed = true
		}
		maxAge := min(max(c.MaxAge, 0), int64(setcookie.MaxLifetime/time.Second))
		changed = mergeTimes(&e.maxAge, &e.first, &e.last, maxAge, c.FirstSeen, c.LastSeen) || changed
		for _, d := range c.Domains {
			d = strings.ToLower(d)
			if d != "" && len(d) <= urlhost.MaxLen && !slices.Contains(e.domains, d) && len(e.domains) < maxDomains {
				e.domains = append(e.domains, d)
				changed = true
			}
		}
		for _, p := range c.Paths {
			if p != "" && p[0] == '/' && len(p) <= maxPathLen && !strings.ContainsAny(p, "?#") &&
				!slices.Contains(e.paths, p) && len(e.paths) < maxPaths {
				e.paths = append(e.paths, p)
				changed = true
			}
		}
	}
	for _, t := range rec.Trackers {
		if t.ID == "" || len(t.ID) > maxNameLen {
			continue
		}
		e := s.trackers[t.ID]
		if e == nil {
			if len(s.trackers) >= inv.opts.MaxCookies {
				s.dropped.Add(1)
				continue
			}
			e = &trackerEntry{id: t.ID, svc: inv.cat.Service(t.ID)}
			s.trackers[t.ID] = e
			s.gen.Add(1)
			changed = true
		}
		changed = mergeTimes(&e.pages, &e.first, &e.last, min(max(t.Pages, 0), maxPageCount), t.FirstSeen, t.LastSeen) || changed
	}
	for _, hh := range rec.UnknownHosts {
		var hb [urlhost.MaxLen]byte
		hn, ok := urlhost.Normalise(hh.Host, &hb)
		if !ok || hn == s.host {
			continue
		}
		e := s.hosts[hn]
		if e == nil {
			if len(s.hosts) >= inv.opts.MaxHosts {
				s.dropped.Add(1)
				continue
			}
			e = &hostEntry{host: strings.Clone(hn)}
			s.hosts[e.host] = e
			changed = true
		}
		changed = mergeTimes(&e.pages, &e.first, &e.last, min(max(hh.Pages, 0), maxPageCount), hh.FirstSeen, hh.LastSeen) || changed
	}
	changed = s.runtime.merge(s.host, rec.RunTimeHosts, inv.opts.MaxHosts) || changed
	if rec.Dropped > s.dropped.Load() {
		storeMax(&s.dropped, rec.Dropped)
		changed = true
	}
	return changed
}

// mergeCookieEntry finds or makes the entry a stored name belongs to under
// the current catalog: a name once unknown may have a row now, and then
// joins that row's entry. The caller holds s.mu.
func (s *site) mergeCookieEntry(cat *catalog.Catalog, name string, limit int) (e *cookieEntry, added bool) {
	row := cat.MatchCookie(name)
	m, key, prefix := s.cookies, name, false
	switch {
	case row != nil:
		key = row.Pattern
	case strings.HasSuffix(name, "*") && len(name) > 1:
		m, key, prefix = s.prefixes, strings.TrimSuffix(name, "*"), true
	default:
		if p, ok := collapse(name); ok {
			m, key, prefix = s.prefixes, p, true
		}
	}
	if e := m[key]; e != nil {
		return e, false
	}
	if len(s.cookies)+len(s.prefixes) >= limit {
		s.dropped.Add(1)
		return nil, false
	}
	e = &cookieEntry{name: key, row: row}
	if prefix {
		e.name = key + "*"
	}
	m[key] = e
	s.gen.Add(1)
	return e, true
}

// mergeTimes raises a counter (or lifetime) and widens the seen interval.
func mergeTimes(count, first, last *atomic.Int64, n int64, firstSeen, lastSeen time.Time) bool {
	changed := false
	if n > count.Load() {
		storeMax(count, n)
		changed = true
	}
	if f := unixOf(firstSeen); f != 0 && (first.Load() == 0 || f < first.Load()) {
		storeMin(first, f)
		changed = true
	}
	if l := unixOf(lastSeen); l > last.Load() {
		storeMax(last, l)
		changed = true
	}
	return changed
}
