package banner

import (
	"strconv"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/internal/asciihtml"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
)

// DeclarationOptions are how a declaration is rendered; what it says comes
// from the inventory.Declaration.
type DeclarationOptions struct {
	Lang      string // a built-in language; others render English
	Embed     bool   // a fragment for the site's own privacy page
	PolicyURL string // linked from the standalone page when http(s) or a site path
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

// DeclarationPage renders the cookie declaration d in language o.Lang: a
// heading and introduction, when the record last grew, the visitor's consent
// ID (d.Consent) and a link to change it (d.SettingsURL), then per category
// (necessary first) its purpose and a table of the cookies with name,
// provider, purpose, lifetime and first or third party. A service that sets
// no known cookie gets a row of its own. Cookies no rule classifies come
// last, in a section of their own with the held third-party hosts, then the
// hosts browsers reported scripts loading at run time.
//
// With o.Embed, the result is a fragment, <section data-consent-declaration
// lang="…">, that a site can put in its own privacy page (headings start at
// h2); otherwise a standalone, minimally styled page (h1) that links to
// o.PolicyURL when it is an http(s) URL or a site path. The output is ASCII,
// like the banner's, and everything from the upstream or the catalog is
// escaped. It is never part of the banner: pages carry only a link to it.
//
// Purposes are in the page's language: the catalog's English ones on English
// pages, the operator's own as written, the catalog's translation
// (catalog.CookiePurpose, catalog.ServicePurpose) where there is one, and
// otherwise the translated purpose of the row's category, so a page is never
// half English.
func DeclarationPage(d *inventory.Declaration, o DeclarationOptions) []byte {
	lang := builtinLang(o.Lang)
	t := func(key string) string { return Text(lang, key, nil) }
	w := asciihtml.NewWriter(8192)
	h1, h2 := "h2", "h3"
	if !o.Embed {
		h1, h2 = "h1", "h2"
		w.Raw(`<!DOCTYPE html><html`)
		w.Attr("lang", lang)
		w.Raw(`><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>`)
		w.Esc(t("declaration_title"))
		w.Raw(`</title><style>` + declarationStyle + `</style></head><body><main>`)
	}
	w.Raw(`<section data-consent-declaration`)
	w.Attr("lang", lang)
	w.Raw(` class="consent-declaration" aria-labelledby="consent-decl-title">`)
	w.TagText(h1, ` id="consent-decl-title"`, t("declaration_title"))
	w.TagText("p", "", t("declaration_intro"))
	if d.Updated != nil {
		// An ISO date reads the same in every language and sorts.
		before, after, _ := strings.Cut(t("declaration_updated"), "{date}")
		date := d.Updated.UTC().Format(time.DateOnly)
		w.Raw(`<p class="cd-updated">`)
		w.Esc(before)
		w.Raw(`<time datetime="` + date + `">` + date + `</time>`)
		w.Esc(after)
		w.Raw(`</p>`)
	}
	if d.Consent != nil {
		ConsentRecord(w, lang, d.Consent.ID, d.Consent.Decided, nil)
	}
	if asciihtml.SafeURL(d.SettingsURL) {
		w.Raw(`<p class="cd-change">`)
		link(w, d.SettingsURL, t("change_consent"))
		w.Raw(`</p>`)
	}
	for _, c := range d.Categories {
		section(w, lang, c.Category, h2, c.Cookies, c.Services)
	}
	if len(d.Unclassified) > 0 || len(d.UnknownScriptHosts) > 0 {
		section(w, lang, "unclassified", h2, d.Unclassified, nil)
	}
	runTime(w, lang, d.RunTimeHosts, h2)
	if len(d.UnknownScriptHosts) > 0 {
		// Third parties no list classifies (held until every category is
		// granted under unknown_hosts hold), by host, in the same section.
		w.TagText("p", "", t("unclassified_hosts"))
		w.Raw(`<ul class="cd-hosts">`)
		for _, h := range d.UnknownScriptHosts {
			w.Raw(`<li>`)
			w.TagText("code", "", h.Host)
			w.Raw(`</li>`)
		}
		w.Raw(`</ul>`)
	}
	w.Raw(`</section>`)
	if !o.Embed {
		if asciihtml.SafeURL(o.PolicyURL) {
			w.Raw(`<p>`)
			link(w, o.PolicyURL, t("policy_link"))
			w.Raw(`</p>`)
		}
		w.Raw(`</main></body></html>`)
	}
	return w.Bytes()
}

// section writes one category (id: its name, or "unclassified"): heading,
// purpose, and the table of its cookies and of its services that set none
// (or a line saying nothing was seen).
func section(w *asciihtml.Writer, lang, id, h string, cookies []inventory.DeclaredCookie, services []inventory.DeclaredService) {
	w.TagText(h, ` id="consent-decl-`+id+`"`, Text(lang, "category_"+id, nil))
	w.TagText("p", "", Text(lang, "category_"+id+"_desc", nil))
	n := len(cookies)
	for _, s := range services {
		if s.Cookies == 0 {
			n++
		}
	}
	if n == 0 {
		w.TagText("p", ` class="cd-none"`, Text(lang, "declaration_empty", nil))
		return
	}
	// A focusable region, so keyboard users can scroll a wide table.
	w.Raw(`<div class="cd-t" role="region" tabindex="0" aria-labelledby="consent-decl-` + id + `">`)
	w.Raw(`<table><thead><tr>`)
	for _, col := range []string{"col_name", "col_provider", "col_purpose", "col_lifetime", "col_type"} {
		w.TagText("th", ` scope="col"`, Text(lang, col, nil))
	}
	w.Raw(`</tr></thead><tbody>`)
	for _, r := range cookies {
		w.Raw(`<tr><td>`)
		w.TagText("code", "", r.Name)
		if r.SetBy != "" {
			// Who sets it, as the hand-written declarations say it: the
			// service, beside the legal entity in the next column.
			w.Raw(`<br>`)
			w.TagText("small", "", r.SetBy)
		}
		purpose := r.Purpose
		switch {
		case r.ConsentCookie:
			purpose = Text(lang, "consent_cookie_purpose", nil)
		case purpose == "" || r.OwnPurpose || lang == "en":
			// None, or the operator's words in the site's language, or English.
		default:
			purpose = orCategory(lang, id, catalog.CookiePurpose(lang, r.Name, r.Service))
		}
		cells(w, lang, r.Provider, purpose, r.Lifetime, r.ThirdParty)
	}
	for _, s := range services {
		if s.Cookies > 0 {
			continue
		}
		w.Raw(`<tr><td>`)
		w.Esc(s.Name)
		purpose := s.Purpose
		if lang != "en" && purpose != "" {
			purpose = orCategory(lang, id, catalog.ServicePurpose(lang, s.ID))
		}
		cells(w, lang, s.Provider, purpose, "", true)
	}
	w.Raw(`</tbody></table></div>`)
}

// orCategory is a catalog purpose translated into lang, or, when the catalog
// has no translation (""), the purpose of the row's category id: the
// catalog's purposes are English, and a page in another language is never
// half English.
func orCategory(lang, id, translated string) string {
	if translated == "" {
		return Text(lang, "category_"+id+"_desc", nil)
	}
	return translated
}

// cells ends a table row after its name: provider, purpose (a dash for
// none), lifetime and first or third party.
func cells(w *asciihtml.Writer, lang, provider, purpose, lifetime string, thirdParty bool) {
	w.Raw(`</td><td>`)
	w.Esc(localProvider(lang, provider))
	w.Raw(`</td><td>`)
	if purpose == "" {
		w.Raw(`&#8212;`)
	} else {
		w.Esc(purpose)
	}
	w.Raw(`</td><td>`)
	if lifetime == "" {
		w.Raw(`&#8212;`)
	} else {
		w.Esc(FormatLifetime(lang, lifetime))
	}
	w.Raw(`</td><td>`)
	party := "first_party"
	if thirdParty {
		party = "third_party"
	}
	w.Esc(Text(lang, party, nil))
	w.Raw(`</td></tr>`)
}

// setBySite is how the catalog marks a provider that is the site itself
// ("WordPress (set by this site)"); the declaration says it in its language.
const setBySite = " (set by this site)"

func localProvider(lang, provider string) string {
	if name, ok := strings.CutSuffix(provider, setBySite); ok && lang != "en" {
		return name + " (" + Text(lang, "set_by_site", nil) + ")"
	}
	return provider
}

// runTime writes the declaration's run-time section: the hosts browsers
// reported the site's scripts loading beyond what its markup shows, in the
// page's language like the rest of it. The kinds of load (script, connect,
// img, ...) are CSP directive names, code rather than words, so they stay
// as they are.
func runTime(w *asciihtml.Writer, lang string, hosts []inventory.DeclaredRunTimeHost, h string) {
	if len(hosts) == 0 {
		return
	}
	t := func(key string) string { return Text(lang, key, nil) }
	w.TagText(h, ` id="consent-decl-run-time"`, t("run_time_title"))
	w.TagText("p", "", t("run_time_intro"))
	w.Raw(`<div class="cd-t" role="region" tabindex="0" aria-labelledby="consent-decl-run-time"><table><thead><tr>`)
	for _, col := range []string{"col_host", "col_category", "col_service", "col_loads", "col_pages", "col_reports"} {
		w.TagText("th", ` scope="col"`, t(col))
	}
	w.Raw(`</tr></thead><tbody>`)
	for _, rh := range hosts {
		w.Raw(`<tr><td>`)
		w.TagText("code", "", rh.Host)
		w.Raw(`</td><td>`)
		w.Esc(runTimeCategory(lang, rh.Category))
		w.Raw(`</td><td>`)
		if rh.Service == "" {
			w.Raw(`&#8212;`)
		} else {
			w.Esc(rh.ServiceLabel)
		}
		w.Raw(`</td><td>`)
		for i, d := range rh.Directives {
			if i > 0 {
				w.Raw(`, `)
			}
			w.TagText("code", "", d)
		}
		w.Raw(`</td><td>`)
		for i, p := range rh.Pages {
			if i > 0 {
				w.Raw(`<br>`)
			}
			w.TagText("code", "", p)
		}
		w.Raw(`</td><td>`)
		w.Esc(strconv.FormatInt(rh.Reports, 10))
		w.Raw(`</td></tr>`)
	}
	w.Raw(`</tbody></table></div>`)
}

// runTimeCategory names a run-time host's category as the category sections
// do. A host no catalog knows ("unknown") is what the unclassified section
// calls not yet classified; a name with no translation (none today) shows
// as it is rather than as its missing key.
func runTimeCategory(lang, category string) string {
	if category == "unknown" {
		category = "unclassified"
	}
	if _, ok := builtin["en"].strings["category_"+category]; !ok {
		return category
	}
	return Text(lang, "category_"+category, nil)
}
