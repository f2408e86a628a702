package catalog

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/samtykke/caddy-consent/module/policy"
)

// catalogJSON holds the rows. Conventions its reviewers keep:
//   - hosts are host suffixes; urls are globs (ValidURLGlob) for hosts that
//     serve several services, such as www.google.com/maps* and
//     www.facebook.com/tr?*; path-only globs (/matomo.js) match on every host.
//   - inline markers identify a loader snippet, never a mere mention: a
//     vendor URL is written with the "/" that follows its host
//     ("static.hotjar.com/c/"), so that JSON-escaped settings blobs
//     ("static.hotjar.com\/c\/…", as in Drupal.settings or wp_localize_script)
//     do not match, and bare file names (matomo.js) are avoided because
//     Drupal's ajaxPageState lists module files of that name.
//   - a cookie row names its service when one sets it; the service lists the
//     same patterns in its cookies.
//
//go:embed catalog.json
var catalogJSON []byte

// defaultCatalog is built once at init: a broken catalog.json stops the program
// at start-up rather than letting trackers through.
var defaultCatalog = mustParse(catalogJSON)

// Default returns the built-in catalog. It is shared and must not be modified;
// use With to derive a site's catalog.
func Default() *Catalog { return defaultCatalog }

func mustParse(data []byte) *Catalog {
	c, err := parse(data)
	if err != nil {
		panic("catalog: embedded catalog.json: " + err.Error())
	}
	return c
}

// Catalog is a compiled set of services and cookies. It is immutable and safe
// for concurrent use.
type Catalog struct {
	services []*Service
	cookies  []*Cookie
	byID     map[string]*Service

	block *hostTable
	allow *hostTable // nil when there are no allow rules
	// allowOnly matches the allow rules alone (Allows): its block table is allow.
	allowOnly *Catalog
	// lists are the operator's block lists (WithLists), asked after block.
	lists *hostSet

	inline *inlineMatcher

	cookieExact  map[string]*Cookie
	cookiePrefix [256][]prefixCookie // by first byte, longest prefix first
	cookieGlobs  []globCookie        // most literal bytes first
}

type prefixCookie struct {
	prefix string
	ck     *Cookie
}

type globCookie struct {
	pat pattern
	ck  *Cookie
}

// Services lists every service, in catalog order. The slice is a copy; the
// services are shared and must not be modified.
func (c *Catalog) Services() []*Service { return append([]*Service(nil), c.services...) }

// Cookies lists every cookie pattern, in catalog order. The slice is a copy; the
// cookies are shared and must not be modified.
func (c *Catalog) Cookies() []*Cookie { return append([]*Cookie(nil), c.cookies...) }

// Service returns the service with the given ID, or nil.
func (c *Catalog) Service(id string) *Service { return c.byID[id] }

// catalogFile is the shape of catalog.json.
type catalogFile struct {
	Services []*Service `json:"services"`
	Cookies  []*Cookie  `json:"cookies"`
}

var (
	serviceIDPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	// Lower case, so that a row can never hide from the lower-cased host of a URL.
	lowerHost = regexp.MustCompile(`^[a-z0-9._-]+$`)
)

// parse reads and validates catalog data with the strictness a reviewed data
// file deserves: every field a visitor sees filled in, every cross-reference
// resolved, nothing listed twice.
func parse(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f catalogFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decoding: %v", err)
	}
	if dec.More() {
		return nil, errors.New("decoding: trailing data after the catalog object")
	}
	var errs []error
	ids := map[string]*Service{}
	for i, s := range f.Services {
		if s == nil {
			errs = append(errs, fmt.Errorf("service #%d is null", i))
			continue
		}
		errs = append(errs, checkService(s)...)
		if ids[s.ID] != nil {
			errs = append(errs, fmt.Errorf("service %q: id is used twice", s.ID))
		}
		ids[s.ID] = s
	}
	listed := map[string]map[string]bool{} // service ID → cookie patterns it lists
	for _, s := range f.Services {
		if s == nil {
			continue
		}
		listed[s.ID] = map[string]bool{}
		for _, p := range s.Cookies {
			listed[s.ID][p] = true
		}
	}
	patterns := map[string]bool{}
	for i, ck := range f.Cookies {
		if ck == nil {
			errs = append(errs, fmt.Errorf("cookie #%d is null", i))
			continue
		}
		errs = append(errs, checkCookie(ck)...)
		if patterns[ck.Pattern] {
			errs = append(errs, fmt.Errorf("cookie %q is listed twice", ck.Pattern))
		}
		patterns[ck.Pattern] = true
		if ck.Service != "" {
			s := ids[ck.Service]
			switch {
			case s == nil:
				errs = append(errs, fmt.Errorf("cookie %q: unknown service %q", ck.Pattern, ck.Service))
			case !listed[ck.Service][ck.Pattern]:
				errs = append(errs, fmt.Errorf("cookie %q: service %q does not list it in its cookies", ck.Pattern, ck.Service))
			default:
				delete(listed[ck.Service], ck.Pattern)
			}
		}
	}
	for _, s := range f.Services {
		if s == nil {
			continue
		}
		for _, p := range s.Cookies {
			if listed[s.ID][p] {
				errs = append(errs, fmt.Errorf("service %q lists cookie %q, but no cookie row with that name names the service", s.ID, p))
			}
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return compile(f.Services, f.Cookies)
}

func checkService(s *Service) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("service %q: "+format, append([]any{s.ID}, args...)...))
	}
	if !serviceIDPattern.MatchString(s.ID) {
		bad("id must be lower-case words joined by hyphens")
	}
	if strings.TrimSpace(s.Name) == "" {
		bad("no name")
	}
	if strings.TrimSpace(s.Provider) == "" {
		bad("no provider")
	}
	c, err := policy.ParseCategory(s.CategoryName)
	if err != nil {
		bad("%v", err)
	}
	s.Category = c
	checkPurpose(s.Purpose, bad)
	if u, err := url.Parse(s.PrivacyURL); err != nil || u.Scheme != "https" || u.Host == "" {
		bad("privacy_url %q is not an https URL", s.PrivacyURL)
	}
	if len(s.Hosts)+len(s.URLs)+len(s.Inline)+len(s.Cookies) == 0 {
		bad("nothing identifies it: no hosts, urls, inline markers or cookies")
	}
	for _, h := range s.Hosts {
		g, err := parseURLGlob(h)
		switch {
		case err != nil:
			bad("host: %v", err)
		case g.sub || g.path != "" || g.String() != h || !lowerHost.MatchString(h):
			bad("host %q must be a plain lower-case host name (host suffix); put globs in urls", h)
		}
	}
	for _, u := range s.URLs {
		g, err := parseURLGlob(u)
		switch {
		case err != nil:
			bad("url: %v", err)
		case g.path == "" || g.String() != u:
			bad("url %q must be written canonically (lower-case host, no scheme) and hold a path", u)
		}
	}
	for _, m := range s.Inline {
		if len(m) < 4 || strings.TrimSpace(m) != m {
			bad("inline marker %q is shorter than 4 bytes or has surrounding space", m)
		}
	}
	return errs
}

func checkCookie(ck *Cookie) []error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("cookie %q: "+format, append([]any{ck.Pattern}, args...)...))
	}
	if err := ValidCookieGlob(ck.Pattern); err != nil {
		bad("%v", err)
	}
	c, err := policy.ParseCategory(ck.CategoryName)
	if err != nil {
		bad("%v", err)
	}
	ck.Category = c
	if strings.TrimSpace(ck.Provider) == "" {
		bad("no provider")
	}
	checkPurpose(ck.Purpose, bad)
	if _, ok := ParseLifetime(ck.Lifetime); !ok {
		bad("lifetime %q is neither \"session\" nor <n><m|h|d|w|mo|y>", ck.Lifetime)
	}
	for _, p := range ck.Paths {
		if !strings.HasPrefix(p, "/") || p == "/" || strings.ContainsAny(p, "; \t*") {
			bad("path %q must be a cookie path other than \"/\"", p)
		}
	}
	return errs
}

func checkPurpose(p string, bad func(string, ...any)) {
	if p = strings.TrimSpace(p); p == "" {
		bad("no purpose")
	} else if !strings.HasSuffix(p, ".") {
		bad("purpose %q must be one sentence ending in a full stop", p)
	}
}

// compile builds the matchers. Services and cookies must carry valid
// categories; rows an operator's rules made are marked Custom and win ties.
func compile(services []*Service, cookies []*Cookie) (*Catalog, error) {
	c := &Catalog{
		services:    services,
		cookies:     cookies,
		byID:        make(map[string]*Service, len(services)),
		block:       newHostTable(),
		cookieExact: map[string]*Cookie{},
	}
	var errs []error
	var markers []inlineMarker
	for _, s := range services {
		if !s.Category.Valid() {
			errs = append(errs, fmt.Errorf("service %q: invalid category %d", s.ID, s.Category))
		}
		if c.byID[s.ID] != nil {
			errs = append(errs, fmt.Errorf("service %q: id is used twice", s.ID))
		}
		c.byID[s.ID] = s
		for _, h := range s.Hosts {
			errs = append(errs, c.block.add(h, s))
		}
		for _, u := range s.URLs {
			errs = append(errs, c.block.add(u, s))
		}
		for _, m := range s.Inline {
			markers = append(markers, inlineMarker{m, s})
		}
	}
	c.block.sort()
	im, err := newInlineMatcher(markers)
	if err != nil {
		errs = append(errs, err)
	}
	c.inline = im

	for _, ck := range cookies {
		if !ck.Category.Valid() {
			errs = append(errs, fmt.Errorf("cookie %q: invalid category %d", ck.Pattern, ck.Category))
		}
		if err := ValidCookieGlob(ck.Pattern); err != nil {
			errs = append(errs, err)
			continue
		}
		p := ck.Pattern
		switch i := strings.IndexByte(p, '*'); {
		case i < 0:
			if c.cookieExact[p] != nil {
				errs = append(errs, fmt.Errorf("cookie %q is listed twice", p))
			}
			c.cookieExact[p] = ck
		case i == len(p)-1:
			pre := p[:i]
			for _, e := range c.cookiePrefix[pre[0]] {
				if e.prefix == pre {
					errs = append(errs, fmt.Errorf("cookie %q is listed twice", p))
				}
			}
			c.cookiePrefix[pre[0]] = append(c.cookiePrefix[pre[0]], prefixCookie{pre, ck})
		default:
			for _, e := range c.cookieGlobs {
				if e.ck.Pattern == p {
					errs = append(errs, fmt.Errorf("cookie %q is listed twice", p))
				}
			}
			c.cookieGlobs = append(c.cookieGlobs, globCookie{compilePattern(p), ck})
		}
	}
	for i := range c.cookiePrefix {
		l := c.cookiePrefix[i]
		sort.SliceStable(l, func(a, b int) bool { return len(l[a].prefix) > len(l[b].prefix) })
	}
	sort.SliceStable(c.cookieGlobs, func(a, b int) bool {
		ga, gb := c.cookieGlobs[a], c.cookieGlobs[b]
		if ga.pat.literalSize != gb.pat.literalSize {
			return ga.pat.literalSize > gb.pat.literalSize
		}
		return ga.ck.Custom && !gb.ck.Custom
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}
