package consent

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// The module's own Content-Security-Policy (DESIGN §4 csp): the browser's
// second wall. The rewriter neutralises what the markup loads; whatever
// script it lets run can still load trackers at run time (an injected
// fbevents.js, a tag manager's tags, fetch, sendBeacon, new Image). The
// policy tells the browser, per response, which hosts this visitor may load
// from, and its violation reports show the operator what the site really
// does at run time.
//
// The policy is a second policy beside the upstream's own: a browser
// enforces every policy it gets, so ours can only narrow what the page may
// load, and the upstream's nonces and hashes keep working. Ours never carries
// a nonce or hash, because either would switch 'unsafe-inline' off (CSP2+),
// and legacy pages need their inline scripts, eval, data: and blob:.
//
// One source list, in default-src, covers every fetch directive that loads
// third-party content (script, frame and worker through child-src, connect,
// img, media, object, manifest); style-src and font-src are set wide open
// again, because stylesheets and fonts carry little tracking (their url()
// images fall under img-src) and restricting them would break many themes.
// One list instead of five keeps the header within maxCSPHeader.

// CSP modes of the csp subdirective.
const (
	CSPReport  = "report"
	CSPEnforce = "enforce"
	CSPOff     = "off"
)

// Bounds of the policy.
const (
	maxCSPHeader    = 4096 // bytes of the policy header value
	maxLearnedHosts = 64   // third-party hosts learned from markup, per policy
	maxCSPCache     = 1024 // cached policies before the cache is emptied
	maxCapLogged    = 64   // sites whose cap warning is remembered
	cspReportPath   = "/csp-report"
)

// contentPolicy is the handler's compiled csp configuration.
type contentPolicy struct {
	header string // Content-Security-Policy or Content-Security-Policy-Report-Only
	// tail follows the source list: the fixed directives and the report
	// destinations, per granted set (the report URI names the set, so a
	// report can say whether it came before consent).
	tail    [policy.All + 1]string
	fixed   []string // first_party and allow sources
	bySet   [policy.All + 1]*grantedSources
	catalog *catalog.Catalog

	cache sync.Map // cspKey → string
	n     atomic.Int32

	capMu     sync.Mutex
	capLogged map[string]bool
}

type cspKey struct {
	site    string // the inventory's key of the site (siteLabels.inventoryKey)
	granted policy.Set
	gen     uint64 // the inventory's PolicyGeneration for the host
}

// provisionCSP compiles the csp configuration; nil when csp is off.
func (h *Handler) provisionCSP() *contentPolicy {
	if h.CSP == CSPOff {
		return nil
	}
	c := &contentPolicy{
		header:    "Content-Security-Policy-Report-Only",
		catalog:   h.catalog,
		capLogged: map[string]bool{},
	}
	if h.CSP == CSPEnforce {
		c.header = "Content-Security-Policy"
	}
	report := h.Path + cspReportPath
	for g := range policy.All + 1 {
		q := report + "?g=" + strconv.Itoa(int(g))
		// report-uri only: every browser still posts it at once, while a
		// report-to directive makes Chromium ignore report-uri and hand the
		// reports to the Reporting API, which batches them for up to a
		// minute and, in headless Chromium 156 here, never delivered one in
		// 100 s. The endpoint still reads application/reports+json, for
		// operators who add their own Reporting-Endpoints.
		c.tail[g] = " 'unsafe-inline' 'unsafe-eval' data: blob:; style-src * 'unsafe-inline' data: blob:; font-src * data:; report-uri " + q
	}
	for _, d := range h.FirstParty {
		c.fixed = appendHostSources(c.fixed, strings.TrimPrefix(d, "*."))
	}
	for _, a := range h.Allow {
		c.fixed = append(c.fixed, globSources(a)...)
	}
	services := h.catalog.Services()
	for g := range policy.All + 1 {
		c.bySet[g] = newGrantedSources(services, g)
	}
	return c
}

// grantedSources is what the catalog contributes to the policy of one
// granted set, computed once so that building a policy costs map lookups.
type grantedSources struct {
	// denied holds every host of a service not granted, and each of its
	// parent domains: a host source whose base is in it would admit one.
	denied map[string]bool
	// sources are the granted services' sources that admit nothing denied,
	// by service ID; all lists them for every granted service, necessary
	// ones first (a payment or captcha widget that a script adds must not
	// lose its room to a granted tracker), each group in catalog order.
	sources map[string][]string
	all     []string
}

func newGrantedSources(services []*catalog.Service, g policy.Set) *grantedSources {
	gs := &grantedSources{denied: map[string]bool{}, sources: map[string][]string{}}
	deny := func(h string) {
		for h = strings.TrimPrefix(h, "*."); h != ""; {
			gs.denied[h] = true
			_, rest, ok := strings.Cut(h, ".")
			if !ok {
				break
			}
			h = rest
		}
	}
	for _, s := range services {
		if g.Has(s.Category) {
			continue
		}
		for _, h := range s.Hosts {
			deny(strings.ToLower(h))
		}
		for _, u := range s.URLs {
			if uh, _, ok := splitGlob(u); ok {
				deny(uh)
			}
		}
	}
	for _, s := range services {
		if !g.Has(s.Category) {
			continue
		}
		var src []string
		for _, host := range s.Hosts {
			src = appendHostSources(src, host)
		}
		for _, u := range s.URLs {
			src = append(src, globSources(u)...)
		}
		gs.sources[s.ID] = slices.DeleteFunc(src, gs.admitsDenied)
	}
	for _, necessary := range []bool{true, false} {
		for _, s := range services {
			if src, ok := gs.sources[s.ID]; ok && (s.Category == policy.Necessary) == necessary {
				gs.all = append(gs.all, src...)
			}
		}
	}
	return gs
}

// admitsDenied reports whether a source (with or without "*.") covers a
// host of a service not granted. A source with a path admits only that
// path.
func (gs *grantedSources) admitsDenied(src string) bool {
	return strings.IndexByte(src, '/') < 0 && gs.denied[strings.TrimPrefix(src, "*.")]
}

// addPolicyHeader adds the module's policy to a rewritten response. A
// visitor who granted every category gets none: the rewriter then lets
// everything load, and so does the policy.
func (h *Handler) addPolicyHeader(hdr http.Header, ex *exchange) {
	c := h.csp
	if c == nil || ex.granted&h.offered == h.offered {
		return
	}
	// The inventory's key, not the Host header: a catch-all site answers any
	// Host a client makes up, and each must not cost a policy of its own.
	site := h.sites.inventoryKey(ex.r.Host)
	k := cspKey{site: site, granted: ex.granted & policy.All, gen: h.inv.PolicyGeneration(site)}
	v, ok := c.cache.Load(k)
	if !ok {
		v = h.buildPolicy(c, site, k.granted)
		if c.n.Add(1) > maxCSPCache {
			c.cache.Clear()
			c.n.Store(1)
		}
		c.cache.Store(k, v)
	}
	hdr[c.header] = append(hdr[c.header], v.(string))
}

// sourceList gathers unique sources within a byte budget.
type sourceList struct {
	b      strings.Builder
	seen   map[string]bool
	budget int
	full   bool // a source did not fit
}

func (l *sourceList) add(s string) bool {
	if s == "" || l.seen[s] {
		return true
	}
	if l.b.Len()+1+len(s) > l.budget {
		l.full = true
		return false
	}
	l.seen[s] = true
	l.b.WriteByte(' ')
	l.b.WriteString(s)
	return true
}

// buildPolicy writes the policy for a site and a granted set. Sources, in
// the order they get room: 'self' and the site's registrable domain,
// first_party and allow; the hosts of the catalog services of granted (and
// necessary) categories that the site's markup loads; third-party hosts its
// markup loads that no catalog knows (at most maxLearnedHosts); then the
// other necessary services and those of granted categories, as long as the
// header has room. A
// host that would also let in a service of a category not granted is left
// out: refusing wins. Browser reports never add anything.
func (h *Handler) buildPolicy(c *contentPolicy, site string, granted policy.Set) string {
	tail := c.tail[granted]
	l := &sourceList{seen: map[string]bool{}, budget: maxCSPHeader - len("default-src") - len(tail)}
	l.b.WriteString("default-src")
	l.add("'self'")
	// A site address's registrable domain is the site's own; a catch-all
	// site (anySite) has only 'self'.
	own := strings.TrimPrefix(site, "wildcard.")
	if site != anySite && urlhost.Valid(own) && !urlhost.IsIP(own) {
		reg := urlhost.Site(own)
		l.add(reg)
		l.add("*." + reg)
	}
	for _, s := range c.fixed {
		l.add(s)
	}
	gs := c.bySet[granted]
	seen, learned, _ := h.inv.PolicyInputs(site)
	for _, id := range seen {
		for _, src := range gs.sources[id] {
			l.add(src)
		}
	}
	capped := l.full
	if h.learnedHostsAllowed() {
		n := 0
		for _, lh := range learned {
			if s := c.catalog.MatchURL([]byte("https://" + lh + "/")); s != nil && !granted.Has(s.Category) {
				continue // the catalog or a rule now names it: not granted
			}
			if n >= maxLearnedHosts {
				capped = true
				break
			}
			if urlhost.Valid(lh) && !gs.admitsDenied(lh) {
				l.add(lh)
				n++
			}
		}
	}
	capped = capped || l.full
	for _, src := range gs.all {
		l.add(src)
	}
	if capped {
		c.logCap(h.logger, site)
	}
	return l.b.String() + tail
}

// learnedHostsAllowed says whether third-party hosts learned from the
// markup may load for this visitor: whenever the rewriter lets them through.
// Under `unknown_hosts hold` it holds them until every offered category is
// granted, and a visitor who granted every category gets no policy at all.
func (h *Handler) learnedHostsAllowed() bool { return h.UnknownHosts == "allow" }

// logCap warns once per site that the policy had no room for everything.
func (c *contentPolicy) logCap(l *zap.Logger, host string) {
	c.capMu.Lock()
	defer c.capMu.Unlock()
	if c.capLogged[host] || len(c.capLogged) >= maxCapLogged {
		return
	}
	c.capLogged[host] = true
	l.Warn("content security policy: no room for every host the site's markup uses; those left out are refused (enforce) or reported (report). List the ones the site needs with first_party or allow",
		zap.String("site", host), zap.Int("max_learned_hosts", maxLearnedHosts), zap.Int("max_header_bytes", maxCSPHeader))
}

// appendHostSources adds a catalog host (which also stands for its
// subdomains) as two CSP sources.
func appendHostSources(dst []string, host string) []string {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if !urlhost.Valid(host) {
		return dst
	}
	return append(dst, host, "*."+host)
}

// globSources turns a catalog or allow URL glob into CSP sources: a bare
// host and its subdomains; "*.host" as is; a host with a path as the path up
// to its first wildcard (a prefix when it ends in "/", else that exact path,
// the query being ignored by CSP). A path-only glob matches that path on any
// host ("/matomo.js" → "*/matomo.js"), unless its fixed part is only "/",
// which would admit every host: such globs give no source.
func globSources(g string) []string {
	host, path, ok := splitGlob(g)
	if !ok {
		if p := sourcePath(g); strings.HasPrefix(g, "/") && p != "" && p != "/" {
			return []string{"*" + p}
		}
		return nil
	}
	sub := strings.HasPrefix(host, "*.")
	bare := strings.TrimPrefix(host, "*.")
	if !urlhost.Valid(bare) {
		return nil
	}
	if path == "" {
		if sub {
			return []string{host}
		}
		return appendHostSources(nil, bare)
	}
	path = sourcePath(path)
	if path == "" || path == "/" {
		return []string{host} // the whole host: the glob named it from its root
	}
	return []string{host + path}
}

// sourcePath is the fixed part of a glob's path, up to its first wildcard or
// query, cut back to a directory before any character a CSP path may not
// carry unescaped.
func sourcePath(path string) string {
	if i := strings.IndexAny(path, "*?#"); i >= 0 {
		path = path[:i]
	}
	for i := 0; i < len(path); i++ {
		if c := path[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/-._~%!$&()+=:@", c) >= 0) {
			return path[:strings.LastIndexByte(path[:i], '/')+1]
		}
	}
	return path
}

// splitGlob splits a URL glob into its host (possibly "*."-prefixed, lower
// case) and path; ok is false for path-only globs.
func splitGlob(g string) (host, path string, ok bool) {
	if i := strings.Index(g, "://"); i >= 0 {
		g = g[i+3:]
	}
	if g == "" || g[0] == '/' {
		return "", "", false
	}
	host = g
	if i := strings.IndexByte(g, '/'); i >= 0 {
		host, path = g[:i], g[i:]
	}
	return strings.ToLower(host), path, true
}

// cspNonces returns the nonces a page's enforced Content-Security-Policy
// allows scripts and styles with, so that the banner's script, stylesheet and
// the Consent Mode prelude carry them and are not refused. A policy that
// allows by 'self' needs none (the assets are same-origin); one that allows
// only by hash gets none and the banner still works as a plain form. Every
// policy of every header must allow an element, so the nonce must come from
// a directive in each policy that restricts it; the first one found is used.
func cspNonces(hdr http.Header) (script, style string) {
	for _, line := range hdr.Values("Content-Security-Policy") {
		for _, p := range strings.Split(line, ",") {
			if script == "" {
				script = directiveNonce(p, "script-src-elem", "script-src", "default-src")
			}
			if style == "" {
				style = directiveNonce(p, "style-src-elem", "style-src", "default-src")
			}
		}
	}
	return script, style
}

// directiveNonce finds the first of the directives (in order of CSP's
// fallback) present in policy p and returns its nonce source, if any.
func directiveNonce(p string, names ...string) string {
	dirs := strings.Split(p, ";")
	for _, name := range names {
		for _, d := range dirs {
			f := strings.Fields(d)
			if len(f) == 0 || !strings.EqualFold(f[0], name) {
				continue
			}
			for _, src := range f[1:] {
				if len(src) > len("'nonce-'") && strings.EqualFold(src[:len("'nonce-")], "'nonce-") && src[len(src)-1] == '\'' {
					if n := src[len("'nonce-") : len(src)-1]; validNonce(n) {
						return n
					}
				}
			}
			return "" // the first directive present decides (CSP fallback)
		}
	}
	return ""
}

// validNonce accepts base64 and base64url values (CSP's nonce-source
// grammar), bounded, so nothing else is ever copied into the page.
func validNonce(n string) bool {
	if len(n) > 256 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '-' || c == '_' || c == '=') {
			return false
		}
	}
	return true
}
