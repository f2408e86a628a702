// Package audit adds the command `caddy consent audit <file|url>`: it runs a
// page through the consent module's rewriter with the built-in catalog and
// nothing granted, and reports, by category, the trackers the page loads,
// what the module would block, the cookies those services set, and, for a
// URL, the Set-Cookie headers the site sends. With --fail-on-trackers it exits
// with ExitTrackers when anything needs consent, for site owners' CI.
//
// Exit codes: 0 when the audit ran (and, with --fail-on-trackers, found
// nothing that needs consent); 1 when the page could not be read or fetched;
// ExitTrackers (3) with --fail-on-trackers when a tracker or cookie of an
// optional category was found.
package audit

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

// ExitTrackers is the exit code of --fail-on-trackers when something needs
// consent: distinct from 1 (the audit itself failed) so CI can tell them apart.
const ExitTrackers = 3

// MaxPageBytes bounds what the audit reads of a page.
const MaxPageBytes = 32 << 20

// DefaultTimeout bounds fetching a URL.
const DefaultTimeout = 30 * time.Second

// Options configure an audit. The zero value audits with the built-in catalog.
type Options struct {
	// Site is the site's own host, so that its scripts are not reported as
	// unknown third parties. Default: the URL's host, or for a file the host
	// of the page's canonical link (or og:url).
	Site string
	// Timeout bounds fetching a URL. Default: 30s.
	Timeout time.Duration
	// Client fetches URLs. Default: a client with Timeout.
	Client *http.Client
	// Catalog classifies. Default: catalog.Default().
	Catalog *catalog.Catalog
	// ConsentPath is the module's endpoint prefix on a live site, where the
	// run-time hosts are read from (runtime.go). Default: /_consent.
	ConsentPath string
}

// Report is the result of an audit. Its JSON field names are stable.
type Report struct {
	Source      string `json:"source"`                 // the file or URL audited
	Status      int    `json:"status,omitempty"`       // HTTP status, for a URL
	ContentType string `json:"content_type,omitempty"` // for a URL
	Bytes       int    `json:"bytes"`
	Site        string `json:"site,omitempty"` // the host taken as the site's own
	// Trackers are the services found, necessary ones included, in category
	// order (necessary, preferences, analytics, marketing), then by ID.
	Trackers []Tracker `json:"trackers"`
	// Cookies are the cookies the catalog says the found services set.
	Cookies []Cookie `json:"cookies"`
	// SetCookies are the Set-Cookie headers of the responses (every redirect
	// included), for a URL. Values are never shown.
	SetCookies []SetCookie `json:"set_cookies"`
	// UnknownScriptHosts are third-party script hosts the catalog does not
	// know: trackers the module cannot block until a `block` rule names them.
	UnknownScriptHosts []UnknownHost `json:"unknown_script_hosts"`
	// ThirdPartyHosts are every other host the page loads from, by kind
	// (script, frame, image, font, stylesheet, hint, media, embed).
	ThirdPartyHosts []HostUse `json:"third_party_hosts"`
	Warnings        []string  `json:"warnings"`
	Summary         Summary   `json:"summary"`
	// RunTimeHosts are, for a live site running the module, the hosts
	// browsers reported its pages loading at run time (runtime.go).
	RunTimeHosts   []RunTimeHost `json:"run_time_hosts,omitempty"`
	RunTimeChecked bool          `json:"-"`
}

// Tracker is one service found in the page.
type Tracker struct {
	Service  string `json:"service"`
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Category string `json:"category"`
	// Elements counts the page's elements of the service by kind ("script",
	// "inline", "iframe", "img", "link", "embed", "object", "source").
	Elements map[string]int `json:"elements"`
	// Blocked counts those the module neutralises when nothing is granted:
	// all of them for an optional category, none for necessary.
	Blocked map[string]int `json:"blocked"`
}

// Cookie is a catalog cookie of a service found in the page.
type Cookie struct {
	Name       string `json:"name"`
	Service    string `json:"service"`
	Category   string `json:"category"`
	Provider   string `json:"provider"`
	Purpose    string `json:"purpose"`
	Lifetime   string `json:"lifetime"`
	ThirdParty bool   `json:"third_party"`
}

// SetCookie is one Set-Cookie header, classified.
type SetCookie struct {
	Host     string `json:"host"`    // the host of the response that sent it
	Name     string `json:"name"`    // as sent
	Pattern  string `json:"pattern"` // the catalog row's pattern; "" when unknown
	Category string `json:"category"`
	Provider string `json:"provider,omitempty"`
	Service  string `json:"service,omitempty"`
	Lifetime string `json:"lifetime"` // "session", "<n><unit>", or "delete"
	HTTPOnly bool   `json:"http_only"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"same_site,omitempty"`
	Domain   string `json:"domain,omitempty"`
	Path     string `json:"path,omitempty"`
}

// UnknownHost is a third-party script host no catalog row knows.
type UnknownHost struct {
	Host    string `json:"host"`
	Scripts int    `json:"scripts"`
	// Held counts the elements of the host the module holds as unclassified
	// until every category is granted (unknown_hosts hold, the default):
	// scripts, frames, hints, beacons and inline loaders.
	Held int `json:"held"`
}

// Summary counts what needs attention.
type Summary struct {
	Trackers         int `json:"trackers"`          // services found
	OptionalTrackers int `json:"optional_trackers"` // of them, not necessary: blocked until consent
	Neutralised      int `json:"neutralised"`       // elements of catalog services the module neutralises with nothing granted
	Held             int `json:"held"`              // elements of unknown third parties held as unclassified (unknown_hosts hold)
	OptionalCookies  int `json:"optional_cookies"`  // Set-Cookie headers of optional categories
	UnknownCookies   int `json:"unknown_cookies"`   // Set-Cookie headers no row classifies
}

// NeedsConsent reports whether the page loads a tracker, or the site sets a
// cookie, of an optional category: what --fail-on-trackers fails on.
func (r *Report) NeedsConsent() bool {
	return r.Summary.OptionalTrackers > 0 || r.Summary.OptionalCookies > 0
}

// Audit reads target, a local HTML file ("-" for standard input) or an http(s)
// URL, and audits it.
func Audit(ctx context.Context, target string, o Options) (*Report, error) {
	if o.Catalog == nil {
		o.Catalog = catalog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	r := &Report{Source: target}
	var page []byte
	var err error
	if u, ok := httpURL(target); ok {
		page, err = r.fetch(ctx, u, o)
		if o.Site == "" {
			o.Site = u.Hostname()
		}
		if err == nil {
			r.fetchRunTime(ctx, u, o)
		}
	} else {
		page, err = readFile(target)
	}
	if err != nil {
		return nil, err
	}
	r.Bytes = len(page)
	if o.Site == "" {
		o.Site = canonicalHost(page)
	}
	r.Site = urlhost.NormaliseString(o.Site)
	if err := r.analyse(page, o.Catalog); err != nil {
		return nil, err
	}
	return r, nil
}

func httpURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, false
	}
	return u, true
}

func readFile(name string) ([]byte, error) {
	var f io.Reader
	if name == "-" {
		f = os.Stdin
	} else {
		fh, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("reading page: %v", err)
		}
		defer fh.Close()
		f = fh
	}
	page, err := io.ReadAll(io.LimitReader(f, MaxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading page %s: %v", name, err)
	}
	if len(page) > MaxPageBytes {
		return nil, fmt.Errorf("reading page %s: larger than %d bytes", name, MaxPageBytes)
	}
	return page, nil
}

// fetch gets the page, recording the Set-Cookie headers of every response on
// the way, redirects included.
func (r *Report) fetch(ctx context.Context, u *url.URL, o Options) ([]byte, error) {
	client := o.Client
	if client == nil {
		client = &http.Client{Timeout: o.Timeout}
	}
	rec := &recorder{base: client.Transport}
	if rec.base == nil {
		rec.base = http.DefaultTransport
	}
	c := *client
	c.Transport = rec
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %v", u, err)
	}
	req.Header.Set("User-Agent", "caddy-consent-audit/1")
	req.Header.Set("Accept", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching %s: %v", u, err)
	}
	defer resp.Body.Close()
	r.Status = resp.StatusCode
	r.ContentType = resp.Header.Get("Content-Type")
	if resp.StatusCode >= 400 {
		return nil, fmt.Errorf("fetching %s: status %s", u, resp.Status)
	}
	page, err := io.ReadAll(io.LimitReader(resp.Body, MaxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetching %s: reading body: %v", u, err)
	}
	if len(page) > MaxPageBytes {
		return nil, fmt.Errorf("fetching %s: body larger than %d bytes", u, MaxPageBytes)
	}
	now := time.Now()
	for _, sc := range rec.lines {
		r.SetCookies = append(r.SetCookies, classifySetCookie(sc.host, sc.line, now, o.Catalog))
	}
	return page, nil
}

type hostLine struct{ host, line string }

// recorder keeps the Set-Cookie lines of every response a fetch sees.
type recorder struct {
	base  http.RoundTripper
	lines []hostLine
}

func (t *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err == nil {
		for _, l := range resp.Header.Values("Set-Cookie") {
			t.lines = append(t.lines, hostLine{req.URL.Hostname(), l})
		}
	}
	return resp, err
}

func classifySetCookie(host, line string, now time.Time, cat *catalog.Catalog) SetCookie {
	p := setcookie.Parse(line, now)
	sc := SetCookie{
		Host: host, Name: p.Name, Category: "unknown", HTTPOnly: p.HTTPOnly, Secure: p.Secure,
		SameSite: p.SameSite, Domain: p.Domain, Path: p.Path,
	}
	switch {
	case p.Delete:
		sc.Lifetime = "delete"
	case p.Session:
		sc.Lifetime = "session"
	default:
		sc.Lifetime = formatSeconds(int64(p.Lifetime / time.Second))
	}
	if row := cat.MatchCookie(p.Name); row != nil {
		sc.Pattern, sc.Category, sc.Provider, sc.Service = row.Pattern, row.Category.String(), row.Provider, row.Service
	}
	return sc
}

// formatSeconds states a lifetime exactly, in the largest whole unit.
func formatSeconds(s int64) string {
	for _, u := range []struct {
		secs int64
		unit string
	}{{86400, "d"}, {3600, "h"}, {60, "m"}} {
		if s >= u.secs && s%u.secs == 0 {
			return fmt.Sprint(s/u.secs, u.unit)
		}
	}
	return fmt.Sprint(s, "s")
}

// canonicalHost reads the host of <link rel=canonical> or og:url.
func canonicalHost(page []byte) string {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if string(name) != "link" && string(name) != "meta" {
				continue
			}
			a := attrs(z)
			var href string
			switch {
			case string(name) == "link" && strings.EqualFold(a["rel"], "canonical"):
				href = a["href"]
			case string(name) == "meta" && a["property"] == "og:url":
				href = a["content"]
			default:
				continue
			}
			if u, ok := httpURL(strings.TrimSpace(href)); ok {
				return u.Hostname()
			}
		}
	}
}

func attrs(z *html.Tokenizer) map[string]string {
	m := map[string]string{}
	for {
		k, v, more := z.TagAttr()
		if _, seen := m[string(k)]; !seen {
			m[string(k)] = string(v) // browsers use the first of duplicates
		}
		if !more {
			return m
		}
	}
}

// analyse runs the page through the rewriter once, as the module would with
// nothing granted, and counts each element of a service it reports, blocked
// or (necessary) left live.
func (r *Report) analyse(page []byte, cat *catalog.Catalog) error {
	// A page the module served carries its own Consent Mode default, which
	// names gtag: never count the module as a tracker.
	page, _ = withoutOwnOutput(page)
	var large []string
	r.ThirdPartyHosts, large = scanPage(page, r.Site, cat)
	if bytes.Contains(page, []byte(`data-consent-service="`)) {
		r.Warnings = append(r.Warnings, "the page already carries data-consent-service markers: it was rewritten by a consent module, so trackers it neutralised are not counted; audit the upstream instead")
	}
	// External scripts the catalog does not know, as the module itself
	// reports them to the inventory: only the site's third parties count.
	unknown := map[string]int{}
	held := map[string]int{}
	elements := map[string]map[string]int{} // service ID → kind → count
	blocked := map[string]map[string]int{}
	count := func(m map[string]map[string]int, id, kind string) {
		if m[id] == nil {
			m[id] = map[string]int{}
		}
		m[id][kind]++
	}
	o := &htmlrewrite.Options{
		Classifier: classifier(cat),
		UnknownScript: func(_ *htmlrewrite.Page, src []byte) {
			if h, ok := inventory.ThirdPartyHost(string(src), r.Site); ok {
				unknown[h]++
			}
		},
		// As the module holds them by default (unknown_hosts hold): third
		// parties of the site that no rule names, nor an allow rule.
		Unknown: func(_ *htmlrewrite.Page, u []byte) (hold, own bool) {
			if _, ok := inventory.ThirdPartyHost(string(u), r.Site); !ok {
				return false, true
			}
			return !cat.Allows(u), false
		},
		Held: func(_ *htmlrewrite.Page, u []byte) {
			if h, ok := inventory.ThirdPartyHost(string(u), r.Site); ok {
				held[h]++
			}
		},
		Element: func(_ *htmlrewrite.Page, e htmlrewrite.Element) {
			if e.Service == nil {
				return // held as unclassified: counted by host above
			}
			count(elements, e.Service.ID, e.Kind.String())
			if e.Blocked {
				count(blocked, e.Service.ID, e.Kind.String())
			}
		},
	}
	rw := htmlrewrite.New(io.Discard, o)
	if _, err := rw.Write(page); err != nil {
		return fmt.Errorf("rewriting page: %v", err)
	}
	if err := rw.Close(); err != nil {
		return fmt.Errorf("rewriting page: %v", err)
	}
	learned := rw.Page()
	if learned.Overflows > 0 {
		w := fmt.Sprintf("%d element(s) exceeded the rewriter's size limits (start tag %d KiB, inline script or style %d KiB) and pass unchanged",
			learned.Overflows, htmlrewrite.DefaultMaxTag>>10, htmlrewrite.DefaultMaxInline>>10)
		if len(large) > 0 {
			w += "; over a limit: " + strings.Join(large, ", ")
		}
		r.Warnings = append(r.Warnings, w)
	}

	// Category order (necessary first), then by ID. Found is the audit's own.
	slices.SortFunc(learned.Found, func(a, b *catalog.Service) int {
		return cmp.Or(a.Category.Index()-b.Category.Index(), strings.Compare(a.ID, b.ID))
	})
	for _, s := range learned.Found {
		t := Tracker{
			Service: s.ID, Name: s.Name, Provider: s.Provider, Category: s.Category.String(),
			Elements: elements[s.ID], Blocked: blocked[s.ID],
		}
		if t.Elements == nil {
			t.Elements = map[string]int{}
		}
		if t.Blocked == nil {
			t.Blocked = map[string]int{}
		}
		r.Trackers = append(r.Trackers, t)
		r.Summary.Trackers++
		if s.Category != policy.Necessary {
			r.Summary.OptionalTrackers++
		}
	}
	r.Summary.Neutralised = learned.Blocked - learned.Unclassified
	r.Summary.Held = learned.Unclassified

	rows := map[string]*catalog.Cookie{}
	for _, ck := range cat.Cookies() {
		rows[ck.Pattern] = ck
	}
	for _, t := range r.Trackers {
		s := cat.Service(t.Service)
		if s == nil {
			continue
		}
		for _, p := range s.Cookies {
			if ck := rows[p]; ck != nil {
				r.Cookies = append(r.Cookies, Cookie{
					Name: ck.Pattern, Service: s.ID, Category: ck.Category.String(), Provider: ck.Provider,
					Purpose: ck.Purpose, Lifetime: catalog.KeptFor(ck.Lifetime), ThirdParty: ck.ThirdParty,
				})
			}
		}
	}
	for _, sc := range r.SetCookies {
		switch sc.Category {
		case "unknown":
			r.Summary.UnknownCookies++
		case policy.Necessary.String():
		default:
			if sc.Lifetime != "delete" {
				r.Summary.OptionalCookies++
			}
		}
	}
	r.UnknownScriptHosts = make([]UnknownHost, 0, len(unknown)+len(held))
	for h, n := range unknown {
		r.UnknownScriptHosts = append(r.UnknownScriptHosts, UnknownHost{Host: h, Scripts: n, Held: held[h]})
	}
	for h, n := range held {
		if unknown[h] == 0 {
			r.UnknownScriptHosts = append(r.UnknownScriptHosts, UnknownHost{Host: h, Held: n})
		}
	}
	slices.SortFunc(r.UnknownScriptHosts, func(a, b UnknownHost) int { return strings.Compare(a.Host, b.Host) })
	if r.Trackers == nil {
		r.Trackers = []Tracker{}
	}
	if r.Cookies == nil {
		r.Cookies = []Cookie{}
	}
	if r.SetCookies == nil {
		r.SetCookies = []SetCookie{}
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	return nil
}

// classifier is what the rewriter classifies with: the catalog, or, in a
// test, a wrapper that counts the questions.
var classifier = func(c *catalog.Catalog) htmlrewrite.Classifier { return c }

func categoryRank(name string) int {
	c, err := policy.ParseCategory(name)
	if err != nil {
		return 99
	}
	return c.Index()
}
