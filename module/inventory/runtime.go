package inventory

import (
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// Run-time hosts are what the browser reports through the module's
// Content-Security-Policy: hosts the page's scripts tried to load that the
// policy did not allow. They come from visitors' browsers, so anyone can
// forge them: they are shown to the operator (declaration, drift warnings)
// and never feed the policy (PolicyInputs reads only what the upstream's own
// markup showed).

// Bounds of the run-time record, per host.
const (
	maxRunTimePages = 8 // page paths kept per host
)

// Directive bits: which fetch directive a report named.
const (
	dirScript uint8 = 1 << iota
	dirConnect
	dirImg
	dirFrame
	dirMedia
	dirOther
)

var directiveNames = []struct {
	bit  uint8
	name string
}{{dirScript, "script"}, {dirConnect, "connect"}, {dirImg, "img"}, {dirFrame, "frame"}, {dirMedia, "media"}, {dirOther, "other"}}

// DirectiveKind reduces a CSP directive name ("script-src-elem",
// "connect-src", "default-src") to the kind of load kept: script, connect,
// img, frame, media or other.
func DirectiveKind(directive string) string {
	return directiveName(directiveBit(directive))
}

func directiveBit(d string) uint8 {
	d = strings.ToLower(strings.TrimSpace(d))
	if i := strings.IndexByte(d, ' '); i >= 0 {
		d = d[:i] // CSP2 reports carry the whole directive with its sources
	}
	switch {
	case strings.HasPrefix(d, "script-src"), d == "worker-src":
		return dirScript
	case d == "connect-src":
		return dirConnect
	case d == "img-src":
		return dirImg
	case d == "frame-src", d == "child-src":
		return dirFrame
	case d == "media-src":
		return dirMedia
	}
	return dirOther
}

func directiveName(bit uint8) string {
	for _, d := range directiveNames {
		if d.bit == bit {
			return d.name
		}
	}
	return "other"
}

// runTimeEntry is one host loaded at run time; guarded by runTimeHosts.mu.
type runTimeEntry struct {
	host       string
	service    string // catalog service ID of the first report that had one
	directives uint8
	pages      []string
	reports    int64
	first      int64
	last       int64
}

// runTimeHosts is the run-time record of a site, with its own lock so that
// reports never contend with page observations.
type runTimeHosts struct {
	mu sync.Mutex
	m  map[string]*runTimeEntry
}

// RunTimeHost is a host a page of the site loaded at run time (a script
// injected it, or called fetch, sendBeacon or new Image) and the module's
// policy did not allow, as browsers reported it.
type RunTimeHost struct {
	Host string `json:"host"`
	// Service is the catalog service the reported URL belongs to; "" when
	// no catalog row or rule knows it.
	Service string `json:"service,omitempty"`
	// Directives are the kinds of load reported: script, connect, img,
	// frame, media, other.
	Directives []string `json:"directives"`
	// Pages are the site paths (no query) the loads were reported from, at
	// most 8.
	Pages     []string  `json:"pages"`
	Reports   int64     `json:"reports"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// RunTimeReport is one browser report, already checked by the handler: the
// blocked host, the service the blocked URL matched (nil: unknown), the
// violated directive and the path of the page.
type RunTimeReport struct {
	Host      string
	Service   *catalog.Service
	Directive string
	Page      string
}

// ObserveRunTime records a report for site (a Host header is fine). It
// returns true when the host is new for the site: the handler warns once.
// A host the site itself serves from (same registrable domain) is ignored.
func (inv *Inventory) ObserveRunTime(site string, r RunTimeReport, now time.Time) (created bool) {
	var buf [urlhost.MaxLen]byte
	hn, ok := urlhost.Normalise(r.Host, &buf)
	if !ok {
		return false
	}
	s := inv.site(site)
	if s == nil || urlhost.SameSite(hn, s.host) {
		return false
	}
	page := r.Page
	if len(page) > maxPathLen || page == "" || page[0] != '/' {
		page = ""
	}
	if page != "" && !validUTF8Path(page) {
		page = strings.ToValidUTF8(page, "\uFFFD")
	}
	ts := now.Unix()
	rt := &s.runtime
	rt.mu.Lock()
	defer rt.mu.Unlock()
	e := rt.m[hn]
	if e == nil {
		if len(rt.m) >= inv.opts.MaxHosts {
			s.dropped.Add(1)
			return false
		}
		if rt.m == nil {
			rt.m = map[string]*runTimeEntry{}
		}
		e = &runTimeEntry{host: strings.Clone(hn), first: ts}
		rt.m[e.host] = e
		created = true
	}
	if e.service == "" && r.Service != nil {
		e.service = r.Service.ID
	}
	e.directives |= directiveBit(r.Directive)
	if page != "" && !slices.Contains(e.pages, page) && len(e.pages) < maxRunTimePages {
		e.pages = append(e.pages, strings.Clone(page))
	}
	if e.reports < maxPageCount {
		e.reports++
	}
	e.last = max(e.last, ts)
	return created
}

func validUTF8Path(p string) bool {
	for i := 0; i < len(p); i++ {
		if p[i] >= 0x80 {
			return strings.ToValidUTF8(p, "") == p
		}
	}
	return true
}

// snapshot copies the run-time record, sorted by host.
func (rt *runTimeHosts) snapshot() []RunTimeHost {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := make([]RunTimeHost, 0, len(rt.m))
	for _, e := range rt.m {
		h := RunTimeHost{
			Host: e.host, Service: e.service, Directives: []string{},
			Pages: slices.Sorted(slices.Values(e.pages)), Reports: e.reports,
			FirstSeen: unix(e.first), LastSeen: unix(e.last),
		}
		for _, d := range directiveNames {
			if e.directives&d.bit != 0 {
				h.Directives = append(h.Directives, d.name)
			}
		}
		if h.Pages == nil {
			h.Pages = []string{}
		}
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b RunTimeHost) int { return strings.Compare(a.Host, b.Host) })
	return out
}

// merge folds stored run-time hosts in (union, bounded), as merge does for
// the rest of the record. It reports whether anything changed.
func (rt *runTimeHosts) merge(site string, recs []RunTimeHost, limit int) bool {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	changed := false
	for _, r := range recs {
		var buf [urlhost.MaxLen]byte
		hn, ok := urlhost.Normalise(r.Host, &buf)
		if !ok || urlhost.SameSite(hn, site) {
			continue
		}
		e := rt.m[hn]
		if e == nil {
			if len(rt.m) >= limit {
				continue
			}
			if rt.m == nil {
				rt.m = map[string]*runTimeEntry{}
			}
			e = &runTimeEntry{host: strings.Clone(hn)}
			rt.m[e.host] = e
			changed = true
		}
		if e.service == "" && r.Service != "" && len(r.Service) <= maxNameLen {
			e.service, changed = r.Service, true
		}
		for _, d := range r.Directives {
			for _, dn := range directiveNames {
				if dn.name == d && e.directives&dn.bit == 0 {
					e.directives |= dn.bit
					changed = true
				}
			}
		}
		for _, p := range r.Pages {
			if p != "" && p[0] == '/' && len(p) <= maxPathLen && validUTF8Path(p) &&
				!slices.Contains(e.pages, p) && len(e.pages) < maxRunTimePages {
				e.pages = append(e.pages, p)
				changed = true
			}
		}
		if n := min(max(r.Reports, 0), maxPageCount); n > e.reports {
			e.reports, changed = n, true
		}
		if f := unixOf(r.FirstSeen); f != 0 && (e.first == 0 || f < e.first) {
			e.first, changed = f, true
		}
		if l := unixOf(r.LastSeen); l > e.last {
			e.last, changed = l, true
		}
	}
	return changed
}

// PolicyInputs returns what the module's Content-Security-Policy may learn
// from the site's own markup: the IDs of the catalog services its pages
// were seen loading, and the third-party script hosts no catalog row knows.
// Reports never appear here. gen changes whenever either list grows, so a
// policy built from them can be cached under it.
func (inv *Inventory) PolicyInputs(host string) (services, hosts []string, gen uint64) {
	s := inv.lookup(host)
	if s == nil {
		return nil, nil, 0
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	services = make([]string, 0, len(s.trackers))
	for id := range s.trackers {
		services = append(services, id)
	}
	hosts = make([]string, 0, len(s.hosts))
	for h := range s.hosts {
		hosts = append(hosts, h)
	}
	slices.Sort(services)
	slices.Sort(hosts)
	return services, hosts, s.gen.Load() + uint64(len(s.hosts))
}

// PolicyGeneration is PolicyInputs' gen alone, cheap enough for every
// response: a read lock and two loads. Both the service count (s.gen) and the
// host map only grow, so their sum changes whenever either does.
func (inv *Inventory) PolicyGeneration(host string) uint64 {
	s := inv.lookup(host)
	if s == nil {
		return 0
	}
	s.mu.RLock()
	n := len(s.hosts)
	s.mu.RUnlock()
	return s.gen.Load() + uint64(n)
}
