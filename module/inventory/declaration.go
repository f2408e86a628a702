package inventory

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Declaration is a site's record arranged for its cookie declaration: by
// category, the cookies seen and the cookies of the services found in pages,
// then the cookies no row classifies, the third-party hosts no list knows and
// the hosts browsers reported scripts loading. It is data: package banner
// renders it as the page visitors read, and encoding/json turns it into
// GET /_consent/cookies?format=json, whose field names are part of the
// contract:
//
//	{
//	  "host": "example.com",
//	  "updated": "2025-…Z",                 // the latest first sighting; omitted when nothing was seen
//	  "settings_url": "/_consent/settings",  // omitted when not given
//	  "consent": {"id", "decided"},          // the requesting visitor's choice; omitted without one
//	  "categories": [                       // always necessary, preferences, analytics, marketing
//	    {
//	      "category": "analytics",
//	      "cookies": [{
//	        "name": "_ga_*",                // catalog pattern, or the exact name
//	        "provider": "Google Ireland Limited",
//	        "purpose": "…",                 // English, from the catalog
//	        "service": "google-analytics",  // omitted when no service sets it
//	        "lifetime": "2y",               // "session", or <n><m|h|d|w|mo|y>; "" unknown
//	        "third_party": false,
//	        "observed": true,               // seen in a Set-Cookie; false: from the catalog entry of a service found in pages
//	        "http_only": false, "secure": true, "same_site": ["lax"],  // observed only
//	        "first_seen": "2025-…Z", "last_seen": "2025-…Z"           // observed only
//	      }],
//	      "services": [{"id", "name", "provider", "purpose", "privacy_url", "pages", "first_seen", "last_seen"}]
//	    }
//	  ],
//	  "unclassified": [ cookies as above, without service ],
//	  "unknown_script_hosts": [{"host", "pages", "first_seen", "last_seen"}],
//	  "run_time_hosts": [{"host", "category", "service", "provider", "directives", "pages", "reports", "first_seen", "last_seen"}]
//	}
//
// Lists are never null and are sorted by name. Fields without a JSON name are
// for the page alone.
type Declaration struct {
	Host               string                `json:"host"`
	Updated            *time.Time            `json:"updated,omitempty"`
	SettingsURL        string                `json:"settings_url,omitempty"`
	Consent            *DeclaredConsent      `json:"consent,omitempty"`
	Categories         []DeclaredCategory    `json:"categories"` // in policy.Ordered
	Unclassified       []DeclaredCookie      `json:"unclassified"`
	UnknownScriptHosts []Host                `json:"unknown_script_hosts"`
	RunTimeHosts       []DeclaredRunTimeHost `json:"run_time_hosts"`
}

// DeclaredConsent is the requesting visitor's recorded choice.
type DeclaredConsent struct {
	ID      string    `json:"id"`
	Decided time.Time `json:"decided"`
}

// DeclaredCategory is one category's cookies and the services found in
// pages that fall under it.
type DeclaredCategory struct {
	Category string            `json:"category"`
	Cookies  []DeclaredCookie  `json:"cookies"`
	Services []DeclaredService `json:"services"`
}

// DeclaredCookie is one row of the declaration.
type DeclaredCookie struct {
	Name     string `json:"name"`
	Provider string `json:"provider"`
	Purpose  string `json:"purpose"` // the catalog's English, or the operator's own (OwnPurpose)
	Service  string `json:"service,omitempty"`
	// ServiceName is the service an operator's rule names when it is not a
	// catalog one.
	ServiceName string `json:"service_name,omitempty"`
	Lifetime    string `json:"lifetime"` // catalog form ("session", "2y"); "" when unknown
	ThirdParty  bool   `json:"third_party"`
	Observed    bool   `json:"observed"`
	*Sighting          // observed only; nil for a row from the catalog

	// OwnPurpose marks Purpose as the operator's words, in the site's
	// language, which a page in any language states as written.
	OwnPurpose bool `json:"-"`
	// ConsentCookie marks the visitor's own consent cookie: a page states its
	// purpose in the page's language.
	ConsentCookie bool `json:"-"`
	// SetBy names the service that sets the cookie (the catalog's name, or
	// ServiceName), shown beside the cookie as hand-written declarations do.
	SetBy string `json:"-"`
}

// Sighting is what Set-Cookie lines showed of an observed cookie.
type Sighting struct {
	HTTPOnly  bool      `json:"http_only"`
	Secure    bool      `json:"secure"`
	SameSite  []string  `json:"same_site,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastSeen  time.Time `json:"last_seen"`
}

// DeclaredService is a service found in the site's pages.
type DeclaredService struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Provider   string    `json:"provider"`
	Purpose    string    `json:"purpose"`
	PrivacyURL string    `json:"privacy_url,omitempty"`
	Pages      int64     `json:"pages"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	// Cookies counts the rows of its cookies the declaration lists; a page
	// gives a service without any a row of its own.
	Cookies int `json:"-"`
}

// DeclaredRunTimeHost is a host browsers reported the site's scripts loading
// (a CSP report) beyond what its markup shows.
type DeclaredRunTimeHost struct {
	Host string `json:"host"`
	// Category is the catalog category of the service, or "unknown".
	Category   string    `json:"category"`
	Service    string    `json:"service,omitempty"`
	Provider   string    `json:"provider,omitempty"`
	Directives []string  `json:"directives"`
	Pages      []string  `json:"pages"`
	Reports    int64     `json:"reports"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	// ServiceLabel is the service's name; "" when the catalog does not know
	// the host.
	ServiceLabel string `json:"-"`
}

// DeclareOptions are what the declaration states besides the site's record.
type DeclareOptions struct {
	// SettingsURL is where a visitor changes their choice (a site path).
	SettingsURL string
	// ConsentCookie is the name of the cookie that stores the visitor's
	// choice, listed as necessary, set by this site, for ConsentMaxAge, with
	// ConsentPurpose (English, like the catalog's purposes).
	ConsentCookie  string
	ConsentMaxAge  time.Duration
	ConsentPurpose string
	// ConsentID and Decided are the requesting visitor's recorded choice,
	// stated so the visitor can quote it; empty for a visitor without one.
	ConsentID string
	Decided   time.Time
}

// Declare arranges the site's record for its declaration. The cookies are
// those the upstream was seen setting, plus, for each service found in the
// site's pages, the cookies the catalog says it sets, even those set by
// script that no Set-Cookie header shows. Cookies no rule classifies are the
// site's own, first party. Lifetimes are what browsers keep: at most 400
// days, whatever the Set-Cookie line or the vendor says. cat may be nil: the
// rows the snapshot carries need none.
func Declare(site Site, cat *catalog.Catalog, o DeclareOptions) *Declaration {
	d := &Declaration{
		Host:               site.Host,
		SettingsURL:        o.SettingsURL,
		Categories:         make([]DeclaredCategory, len(policy.Ordered)),
		Unclassified:       []DeclaredCookie{},
		UnknownScriptHosts: site.UnknownHosts,
		RunTimeHosts:       make([]DeclaredRunTimeHost, 0, len(site.RunTimeHosts)),
	}
	if d.UnknownScriptHosts == nil {
		d.UnknownScriptHosts = []Host{}
	}
	for i, c := range policy.Ordered {
		d.Categories[i] = DeclaredCategory{Category: c.String(), Cookies: []DeclaredCookie{}, Services: []DeclaredService{}}
	}
	category := func(c policy.Category) *DeclaredCategory {
		if i := c.Index(); i >= 0 {
			return &d.Categories[i]
		}
		return &DeclaredCategory{} // no category a declaration shows
	}
	service := func(id string) *catalog.Service {
		if cat == nil || id == "" {
			return nil
		}
		return cat.Service(id)
	}
	setBy := func(r *DeclaredCookie) {
		if s := service(r.Service); s != nil && s.Name != "" {
			r.SetBy = s.Name
		} else {
			r.SetBy = r.ServiceName
		}
	}
	byPattern := map[string]*catalog.Cookie{}
	if cat != nil {
		for _, ck := range cat.Cookies() {
			byPattern[ck.Pattern] = ck
		}
	}
	listed := map[string]bool{}
	var updated time.Time
	// One allocation for every row, not one per row: a site at the cookie
	// bound has 512 (security audit L9).
	seen := make([]Sighting, len(site.Cookies))
	for i := range site.Cookies {
		c := &site.Cookies[i]
		updated = later(updated, c.FirstSeen)
		row := c.Row
		if row == nil && cat != nil {
			row = byPattern[c.Name]
		}
		seen[i] = Sighting{HTTPOnly: c.HTTPOnly, Secure: c.Secure, SameSite: c.SameSite, FirstSeen: c.FirstSeen, LastSeen: c.LastSeen}
		r := DeclaredCookie{Name: c.Name, Provider: site.Host, Lifetime: "session", Observed: true, Sighting: &seen[i]}
		if c.MaxAge > 0 {
			r.Lifetime = catalog.LifetimeOf(c.MaxAge)
		}
		if row == nil {
			// The upstream set it, so it is the site's own, first party.
			d.Unclassified = append(d.Unclassified, r)
			continue
		}
		r.Name, r.Purpose, r.OwnPurpose, r.Service, r.ServiceName = row.Pattern, row.Purpose, row.OperatorPurpose, row.Service, row.ServiceName
		if row.Provider != "" {
			r.Provider = row.Provider // else an operator's cookie rule names none: the site
		}
		setBy(&r)
		cc := category(row.Category)
		cc.Cookies = append(cc.Cookies, r)
		listed[row.Pattern] = true
	}
	if o.ConsentCookie != "" && !listed[o.ConsentCookie] {
		// The visitor's choice itself: set by the handler, not the upstream,
		// so no Set-Cookie the inventory sees ever names it.
		listed[o.ConsentCookie] = true
		cc := category(policy.Necessary)
		cc.Cookies = append(cc.Cookies, DeclaredCookie{
			Name: o.ConsentCookie, Provider: site.Host, Purpose: o.ConsentPurpose, ConsentCookie: true,
			Lifetime: catalog.LifetimeOf(int64(min(o.ConsentMaxAge, catalog.MaxLifetime) / time.Second)),
		})
	}
	for _, t := range site.Trackers {
		updated = later(updated, t.FirstSeen)
		svc := t.Service
		if s := service(t.ID); s != nil {
			svc = s
		}
		if svc == nil {
			continue // the catalog no longer describes it
		}
		ds := DeclaredService{
			ID: svc.ID, Name: svc.Name, Provider: svc.Provider, Purpose: svc.Purpose, PrivacyURL: svc.PrivacyURL,
			Pages: t.Pages, FirstSeen: t.FirstSeen, LastSeen: t.LastSeen,
		}
		for _, p := range svc.Cookies {
			row := byPattern[p]
			if row == nil {
				continue
			}
			ds.Cookies++
			if listed[p] {
				continue
			}
			listed[p] = true
			r := DeclaredCookie{
				Name: row.Pattern, Provider: row.Provider, Purpose: row.Purpose, OwnPurpose: row.OperatorPurpose,
				Service: svc.ID, Lifetime: catalog.KeptFor(row.Lifetime), ThirdParty: row.ThirdParty,
			}
			setBy(&r)
			cc := category(row.Category)
			cc.Cookies = append(cc.Cookies, r)
		}
		cc := category(svc.Category)
		cc.Services = append(cc.Services, ds)
	}
	if !updated.IsZero() {
		u := updated.UTC()
		d.Updated = &u
	}
	if o.ConsentID != "" {
		d.Consent = &DeclaredConsent{ID: o.ConsentID, Decided: o.Decided.UTC()}
	}
	for _, h := range site.RunTimeHosts {
		j := DeclaredRunTimeHost{
			Host: h.Host, Category: "unknown", Directives: h.Directives, Pages: h.Pages,
			Reports: h.Reports, FirstSeen: h.FirstSeen, LastSeen: h.LastSeen,
		}
		if svc := service(h.Service); svc != nil {
			j.Category, j.Service, j.Provider, j.ServiceLabel = svc.Category.String(), svc.ID, svc.Provider, svc.Name
		}
		if j.Directives == nil {
			j.Directives = []string{}
		}
		if j.Pages == nil {
			j.Pages = []string{}
		}
		d.RunTimeHosts = append(d.RunTimeHosts, j)
	}
	byName := func(a, b DeclaredCookie) int {
		if c := compareFold(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	}
	for _, c := range d.Categories {
		slices.SortFunc(c.Cookies, byName)
		slices.SortFunc(c.Services, func(a, b DeclaredService) int { return strings.Compare(a.ID, b.ID) })
	}
	slices.SortFunc(d.Unclassified, byName)
	return d
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// compareFold orders names ASCII case-insensitively without allocating: a
// sort that lowercased both names in every comparison spent most of a
// 512-cookie declaration's time there (security audit L9).
func compareFold(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(len(a), len(b))
}
