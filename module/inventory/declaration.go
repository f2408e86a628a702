package inventory

import (
	"cmp"
	"encoding/json"
	"github.com/samtykke/caddy-consent/internal/asciihtml"
	"slices"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// declCookie is one row of the declaration.
type declCookie struct {
	name       string
	provider   string
	purpose    string // the catalog's English, unless ownPurpose or purposeKey
	ownPurpose bool   // purpose is the operator's, in the site's language
	purposeKey string // a translated text instead of purpose
	service    string // service ID, when a service sets it
	svcName    string // the service an operator's rule names, when not a catalog one
	lifetime   string // catalog form ("session", "2y"); "" when unknown
	thirdParty bool
	observed   *Cookie // nil when the row comes from the catalog entry of a service found in pages
	isService  bool    // the row stands for a service that sets no known cookie
}

// declService is a service found in the site's pages.
type declService struct {
	svc     *catalog.Service
	tracker Tracker
	cookies int // rows the declaration lists for it
}

// declaration is the site's record arranged for visitors: by category, the
// cookies seen and the cookies of the services found, then cookies no row
// classifies.
type declaration struct {
	host         string
	updated      time.Time // when the record last grew: the latest first sighting
	cookies      map[policy.Category][]declCookie
	services     map[policy.Category][]declService
	unclassified []declCookie
	unknownHosts []Host
	serviceNames map[string]string // service ID → name, for the services that set listed cookies
}

// DeclarationOptions are what the declaration says besides the site's record.
type DeclarationOptions struct {
	Lang      string // a built-in banner language; others render English
	Embed     bool   // a fragment for the site's own privacy page
	PolicyURL string // linked from the standalone page when http(s) or a site path
	// SettingsURL is where a visitor changes their choice (a site path);
	// linked from the declaration when set.
	SettingsURL string
	// ConsentCookie is the name of the cookie that stores the visitor's
	// choice, listed as necessary, set by this site, for ConsentMaxAge.
	ConsentCookie string
	ConsentMaxAge time.Duration
	// ConsentID and Decided are the requesting visitor's recorded choice,
	// stated so the visitor can quote it; empty for a visitor without one.
	ConsentID string
	Decided   time.Time
}

func declare(site Site, cat *catalog.Catalog, o DeclarationOptions) *declaration {
	d := &declaration{
		host:         site.Host,
		cookies:      map[policy.Category][]declCookie{},
		services:     map[policy.Category][]declService{},
		unknownHosts: site.UnknownHosts,
		serviceNames: map[string]string{},
	}
	if cat != nil {
		for _, s := range cat.Services() {
			d.serviceNames[s.ID] = s.Name
		}
	}
	byPattern := map[string]*catalog.Cookie{}
	if cat != nil {
		for _, ck := range cat.Cookies() {
			byPattern[ck.Pattern] = ck
		}
	}
	listed := map[string]bool{}
	for i := range site.Cookies {
		c := &site.Cookies[i]
		row := c.Row
		if row == nil && cat != nil {
			row = byPattern[c.Name]
		}
		lifetime := "session"
		if c.MaxAge > 0 {
			lifetime = catalog.LifetimeOf(c.MaxAge)
		}
		if row == nil {
			// The upstream set it, so it is the site's own, first party.
			d.unclassified = append(d.unclassified, declCookie{name: c.Name, provider: site.Host, lifetime: lifetime, observed: c})
			continue
		}
		provider := row.Provider
		if provider == "" {
			provider = site.Host // an operator's cookie rule names no provider
		}
		d.cookies[row.Category] = append(d.cookies[row.Category], declCookie{
			name: row.Pattern, provider: provider, purpose: row.Purpose, ownPurpose: row.OperatorPurpose,
			service: row.Service, svcName: row.ServiceName, lifetime: lifetime, observed: c,
		})
		listed[row.Pattern] = true
	}
	if o.ConsentCookie != "" && !listed[o.ConsentCookie] {
		// The visitor's choice itself: set by the handler, not the upstream,
		// so no Set-Cookie the inventory sees ever names it.
		listed[o.ConsentCookie] = true
		d.cookies[policy.Necessary] = append(d.cookies[policy.Necessary], declCookie{
			name: o.ConsentCookie, provider: site.Host, purposeKey: "consent_cookie_purpose",
			lifetime: catalog.LifetimeOf(int64(min(o.ConsentMaxAge, catalog.MaxLifetime) / time.Second)),
		})
	}
	for _, c := range site.Cookies {
		if c.FirstSeen.After(d.updated) {
			d.updated = c.FirstSeen
		}
	}
	for _, t := range site.Trackers {
		if t.FirstSeen.After(d.updated) {
			d.updated = t.FirstSeen
		}
	}
	for _, t := range site.Trackers {
		svc := t.Service
		if cat != nil {
			if s := cat.Service(t.ID); s != nil {
				svc = s
			}
		}
		if svc == nil {
			continue // the catalog no longer describes it
		}
		ds := declService{svc: svc, tracker: t}
		for _, p := range svc.Cookies {
			row := byPattern[p]
			if row == nil {
				continue
			}
			ds.cookies++
			if listed[p] {
				continue
			}
			listed[p] = true
			d.cookies[row.Category] = append(d.cookies[row.Category], declCookie{
				name: row.Pattern, provider: row.Provider, purpose: row.Purpose, ownPurpose: row.OperatorPurpose,
				service: svc.ID, lifetime: catalog.KeptFor(row.Lifetime), thirdParty: row.ThirdParty,
			})
		}
		d.services[svc.Category] = append(d.services[svc.Category], ds)
	}
	byName := func(a, b declCookie) int {
		if c := compareFold(a.name, b.name); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	}
	for c := range d.cookies {
		slices.SortFunc(d.cookies[c], byName)
	}
	for c := range d.services {
		slices.SortFunc(d.services[c], func(a, b declService) int { return strings.Compare(a.svc.ID, b.svc.ID) })
	}
	slices.SortFunc(d.unclassified, byName)
	return d
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

// text returns a translation and the language it is written in. Every key
// the declaration uses exists in every built-in language.
func text(lang, key string) (string, string) {
	return banner.Text(lang, key, nil), lang
}

// setBySite is how the catalog marks a provider that is the site itself
// ("WordPress (set by this site)"); the declaration says it in its language.
const setBySite = " (set by this site)"

func localProvider(lang, provider string) string {
	if name, ok := strings.CutSuffix(provider, setBySite); ok && lang != "en" {
		s, _ := text(lang, "set_by_site")
		return name + " (" + s + ")"
	}
	return provider
}

// declarationStyle is deliberately small: readable tables, dark mode, and
// scrolling tables on narrow screens.
const declarationStyle = `body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1c1c21;background:#fff}` +
	`main{max-width:64rem;margin:0 auto;padding:1rem 1rem 3rem}` +
	`.cd-t{overflow-x:auto;margin:0 0 1.5rem}` +
	`table{border-collapse:collapse;width:100%}` +
	`th,td{border:1px solid #c4c4cc;padding:.4rem .6rem;text-align:left;vertical-align:top}` +
	`thead th{background:#f1f1f4}code{word-break:break-all}a{color:#0b57d0}` +
	`@media (prefers-color-scheme:dark){body{background:#18181b;color:#ececf1}` +
	`thead th{background:#2a2a30}th,td{border-color:#4a4a52}a{color:#8ab4f8}}`

// DeclarationHTML renders the cookie declaration of a site in language lang
// (a built-in banner language; others render English): a heading and
// introduction, then per category (necessary first) its purpose and a table
// of the cookies with name, provider, purpose, lifetime and first or third
// party. The cookies are those the upstream was seen setting, plus, for each
// service found in the site's pages, the cookies the catalog says it sets,
// even those set by script that no Set-Cookie header shows. A service that
// sets no known cookie gets a row of its own. Cookies no rule classifies come
// last, in a section of their own. Lifetimes are what browsers keep: at most
// 400 days, whatever the Set-Cookie line or the vendor says.
//
// With embed, the result is a fragment, <section data-consent-declaration
// lang="…">, that a site can put in its own privacy page (headings start at
// h2); otherwise a standalone, minimally styled page (h1) that links to
// policyURL when it is an http(s) URL or a site path. The output is ASCII:
// every other character is a numeric character reference, and everything
// from the upstream or the catalog is escaped.
//
// Purposes are in lang: the catalog's English ones on English pages, the
// operator's own as written, the catalog's translation (catalog.CookiePurpose,
// catalog.ServicePurpose) where there is one, and otherwise the translated
// purpose of the row's category, so a page is never half English.
func DeclarationHTML(site Site, cat *catalog.Catalog, lang string, embed bool, policyURL string) []byte {
	return RenderDeclaration(site, cat, DeclarationOptions{Lang: lang, Embed: embed, PolicyURL: policyURL})
}

// RenderDeclaration is DeclarationHTML with every option: besides, it lists
// the consent cookie, says when the record last grew (the date something was
// first seen) and links to where the visitor changes their choice.
func RenderDeclaration(site Site, cat *catalog.Catalog, o DeclarationOptions) []byte {
	lang, embed, policyURL := o.Lang, o.Embed, o.PolicyURL
	if !slices.Contains(banner.Languages(), lang) {
		lang = "en"
	}
	d := declare(site, cat, o)
	w := asciihtml.NewWriter(8192)
	h1, h2 := "h2", "h3"
	if !embed {
		h1, h2 = "h1", "h2"
		title, _ := text(lang, "declaration_title")
		w.Raw(`<!DOCTYPE html><html`)
		w.Attr("lang", lang)
		w.Raw(`><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>`)
		w.Esc(title)
		w.Raw(`</title><style>` + declarationStyle + `</style></head><body><main>`)
	}
	w.Raw(`<section data-consent-declaration`)
	w.Attr("lang", lang)
	w.Raw(` class="consent-declaration" aria-labelledby="consent-decl-title">`)
	title, _ := text(lang, "declaration_title")
	w.TagText(h1, ` id="consent-decl-title"`, title)
	intro, _ := text(lang, "declaration_intro")
	w.TagText("p", "", intro)
	if !d.updated.IsZero() {
		// An ISO date reads the same in every language and sorts.
		s, _ := text(lang, "declaration_updated")
		before, after, _ := strings.Cut(s, "{date}")
		date := d.updated.UTC().Format(time.DateOnly)
		w.Raw(`<p class="cd-updated">`)
		w.Esc(before)
		w.Raw(`<time datetime="` + date + `">` + date + `</time>`)
		w.Esc(after)
		w.Raw(`</p>`)
	}
	if o.ConsentID != "" {
		banner.ConsentRecord(w, lang, o.ConsentID, o.Decided, nil)
	}
	if asciihtml.SafeURL(o.SettingsURL) {
		s, _ := text(lang, "change_consent")
		w.Raw(`<p class="cd-change"><a`)
		w.Attr("href", o.SettingsURL)
		w.Raw(`>`)
		w.Esc(s)
		w.Raw(`</a></p>`)
	}
	for _, c := range policy.Ordered {
		rows := d.cookies[c]
		for _, s := range d.services[c] {
			if s.cookies == 0 {
				rows = append(rows, declCookie{
					name: s.svc.Name, provider: s.svc.Provider, purpose: s.svc.Purpose,
					service: s.svc.ID, thirdParty: true, isService: true,
				})
			}
		}
		d.section(w, lang, c.String(), h2, rows)
	}
	if len(d.unclassified) > 0 || len(d.unknownHosts) > 0 {
		d.section(w, lang, "unclassified", h2, d.unclassified)
	}
	runTimeHTML(w, site, cat, h2)
	if len(d.unknownHosts) > 0 {
		// Third parties no list classifies (held until every category is
		// granted under unknown_hosts hold), by host, in the same section.
		desc, _ := text(lang, "unclassified_hosts")
		w.TagText("p", "", desc)
		w.Raw(`<ul class="cd-hosts">`)
		for _, hh := range d.unknownHosts {
			w.Raw(`<li>`)
			w.TagText("code", "", hh.Host)
			w.Raw(`</li>`)
		}
		w.Raw(`</ul>`)
	}
	w.Raw(`</section>`)
	if !embed {
		if asciihtml.SafeURL(policyURL) {
			w.Raw(`<p><a`)
			w.Attr("href", policyURL)
			w.Raw(`>`)
			s, _ := text(lang, "policy_link")
			w.Esc(s)
			w.Raw(`</a></p>`)
		}
		w.Raw(`</main></body></html>`)
	}
	return w.Bytes()
}

// section writes one category: heading, purpose, and the table (or a line
// saying nothing was seen).
func (d *declaration) section(w *asciihtml.Writer, lang, id, h string, rows []declCookie) {
	name, nameLang := text(lang, "category_"+id)
	attrs := ` id="consent-decl-` + id + `"`
	if nameLang != lang {
		attrs += ` lang="` + nameLang + `"`
	}
	w.TagText(h, attrs, name)
	desc, descLang := text(lang, "category_"+id+"_desc")
	if descLang != lang {
		w.TagText("p", ` lang="`+descLang+`"`, desc)
	} else {
		w.TagText("p", "", desc)
	}
	if len(rows) == 0 {
		s, _ := text(lang, "declaration_empty")
		w.TagText("p", ` class="cd-none"`, s)
		return
	}
	// A focusable region, so keyboard users can scroll a wide table.
	w.Raw(`<div class="cd-t" role="region" tabindex="0" aria-labelledby="consent-decl-` + id + `">`)
	w.Raw(`<table><thead><tr>`)
	for _, col := range []string{"col_name", "col_provider", "col_purpose", "col_lifetime", "col_type"} {
		s, _ := text(lang, col)
		w.TagText("th", ` scope="col"`, s)
	}
	w.Raw(`</tr></thead><tbody>`)
	for _, r := range rows {
		w.Raw(`<tr><td>`)
		if r.isService {
			w.Esc(r.name)
		} else {
			w.TagText("code", "", r.name)
			// Who sets it, as the hand-written declarations say it: the
			// service, beside the legal entity in the next column.
			svc := d.serviceNames[r.service]
			if svc == "" {
				svc = r.svcName
			}
			if svc != "" {
				w.Raw(`<br>`)
				w.TagText("small", "", svc)
			}
		}
		w.Raw(`</td><td>`)
		w.Esc(localProvider(lang, r.provider))
		w.Raw(`</td><td>`)
		switch {
		case r.purposeKey != "":
			s, _ := text(lang, r.purposeKey)
			w.Esc(s)
		case r.purpose == "":
			w.Raw(`&#8212;`)
		case r.ownPurpose:
			w.Esc(r.purpose) // the operator's words, in the site's language
		case lang == "en":
			w.Esc(r.purpose)
		default:
			// The catalog's purposes are English: a page in another language
			// says the translated one when catalog/purposes has it, and what
			// the category is for otherwise, never English.
			s := translatedPurpose(lang, r)
			if s == "" {
				s, _ = text(lang, "category_"+id+"_desc")
			}
			w.Esc(s)
		}
		w.Raw(`</td><td>`)
		if r.lifetime == "" {
			w.Raw(`&#8212;`)
		} else {
			w.Esc(banner.FormatLifetime(lang, r.lifetime))
		}
		w.Raw(`</td><td>`)
		party := "first_party"
		if r.thirdParty {
			party = "third_party"
		}
		s, _ := text(lang, party)
		w.Esc(s)
		w.Raw(`</td></tr>`)
	}
	w.Raw(`</tbody></table></div>`)
}

// translatedPurpose is the catalog purpose of row r in lang, or "" when it
// has none there.
func translatedPurpose(lang string, r declCookie) string {
	if r.isService {
		return catalog.ServicePurpose(lang, r.service)
	}
	return catalog.CookiePurpose(lang, r.name, r.service)
}

// The JSON declaration (GET /_consent/cookies?format=json). Field names are
// part of the contract.
type jsonDeclaration struct {
	Host               string         `json:"host"`
	Updated            *time.Time     `json:"updated,omitempty"`
	SettingsURL        string         `json:"settings_url,omitempty"`
	Consent            *jsonConsent   `json:"consent,omitempty"`
	Categories         []jsonCategory `json:"categories"`
	Unclassified       []jsonCookie   `json:"unclassified"`
	UnknownScriptHosts []Host         `json:"unknown_script_hosts"`
	// RunTimeHosts come from browsers' CSP reports (declaration_runtime.go).
	RunTimeHosts []jsonRunTimeHost `json:"run_time_hosts"`
}

// jsonConsent is the requesting visitor's recorded choice.
type jsonConsent struct {
	ID      string    `json:"id"`
	Decided time.Time `json:"decided"`
}

type jsonCategory struct {
	Category string        `json:"category"`
	Cookies  []jsonCookie  `json:"cookies"`
	Services []jsonService `json:"services"`
}

type jsonCookie struct {
	Name        string     `json:"name"`
	Provider    string     `json:"provider"`
	Purpose     string     `json:"purpose"`
	Service     string     `json:"service,omitempty"`
	ServiceName string     `json:"service_name,omitempty"` // an operator's rule's service that is not a catalog one
	Lifetime    string     `json:"lifetime"`
	ThirdParty  bool       `json:"third_party"`
	Observed    bool       `json:"observed"`
	HTTPOnly    *bool      `json:"http_only,omitempty"`
	Secure      *bool      `json:"secure,omitempty"`
	SameSite    []string   `json:"same_site,omitempty"`
	FirstSeen   *time.Time `json:"first_seen,omitempty"`
	LastSeen    *time.Time `json:"last_seen,omitempty"`
}

type jsonService struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Provider   string    `json:"provider"`
	Purpose    string    `json:"purpose"`
	PrivacyURL string    `json:"privacy_url,omitempty"`
	Pages      int64     `json:"pages"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// DeclarationJSON returns the declaration for ?format=json. Its shape, whose
// field names are stable:
//
//	{
//	  "host": "example.com",
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
// Lists are never null and are sorted by name.
func DeclarationJSON(site Site, cat *catalog.Catalog) ([]byte, error) {
	return RenderDeclarationJSON(site, cat, DeclarationOptions{})
}

// RenderDeclarationJSON is DeclarationJSON with the options of
// RenderDeclaration: the consent cookie among the necessary cookies (its
// purpose in English, like the catalog's), "updated" (when something was
// last first seen) and "settings_url".
func RenderDeclarationJSON(site Site, cat *catalog.Catalog, o DeclarationOptions) ([]byte, error) {
	d := declare(site, cat, o)
	out := jsonDeclaration{
		Host:               site.Host,
		SettingsURL:        o.SettingsURL,
		Categories:         make([]jsonCategory, 0, len(policy.Ordered)),
		Unclassified:       make([]jsonCookie, 0, len(d.unclassified)),
		UnknownScriptHosts: d.unknownHosts,
		RunTimeHosts:       runTimeJSON(site, cat),
	}
	if !d.updated.IsZero() {
		u := d.updated.UTC()
		out.Updated = &u
	}
	if o.ConsentID != "" {
		out.Consent = &jsonConsent{ID: o.ConsentID, Decided: o.Decided.UTC()}
	}
	if out.UnknownScriptHosts == nil {
		out.UnknownScriptHosts = []Host{}
	}
	for _, c := range policy.Ordered {
		jc := jsonCategory{Category: c.String(), Cookies: []jsonCookie{}, Services: []jsonService{}}
		for _, r := range d.cookies[c] {
			jc.Cookies = append(jc.Cookies, r.json())
		}
		for _, s := range d.services[c] {
			jc.Services = append(jc.Services, jsonService{
				ID: s.svc.ID, Name: s.svc.Name, Provider: s.svc.Provider, Purpose: s.svc.Purpose,
				PrivacyURL: s.svc.PrivacyURL, Pages: s.tracker.Pages,
				FirstSeen: s.tracker.FirstSeen, LastSeen: s.tracker.LastSeen,
			})
		}
		out.Categories = append(out.Categories, jc)
	}
	for _, r := range d.unclassified {
		out.Unclassified = append(out.Unclassified, r.json())
	}
	return json.Marshal(out)
}

func (r declCookie) json() jsonCookie {
	purpose := r.purpose
	if r.purposeKey != "" {
		purpose, _ = text("en", r.purposeKey)
	}
	j := jsonCookie{
		Name: r.name, Provider: r.provider, Purpose: purpose, Service: r.service, ServiceName: r.svcName,
		Lifetime: r.lifetime, ThirdParty: r.thirdParty, Observed: r.observed != nil,
	}
	if c := r.observed; c != nil {
		httpOnly, secure := c.HTTPOnly, c.Secure
		first, last := c.FirstSeen, c.LastSeen
		j.HTTPOnly, j.Secure, j.SameSite = &httpOnly, &secure, c.SameSite
		j.FirstSeen, j.LastSeen = &first, &last
	}
	return j
}
