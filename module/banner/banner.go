// Package banner renders the consent banner that the consent handler injects
// into pages, the settings page behind /_consent/settings, the placeholder
// shown in place of a blocked embed, and the cookie declaration behind
// /_consent/cookies (declaration.go) from the inventory's data. Everything is rendered on the server and
// works without JavaScript: the banner is a real form that posts to the consent
// endpoint; the small embedded script only saves choices without a page load.
//
// Output is ASCII, with every other character as a numeric character
// reference, so it can be written into a page of any charset; everything that
// comes from configuration or the request is escaped. It imports nothing of
// Caddy.
package banner

import (
	"github.com/samtykke/caddy-consent/internal/asciihtml"
	"net/url"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// View is what one rendering of the banner needs to know.
type View struct {
	Lang string // banner language, from Negotiate; an unknown one renders English
	// SettingsLang makes the settings link name Lang: set when the page's
	// language differs from what the browser's Accept-Language alone picks,
	// which is all the settings page would otherwise have to go on (a link
	// that needs no parameter keeps the banner small).
	SettingsLang bool
	// ConsentID and DecidedAt are the visitor's recorded choice, shown on the
	// settings page (SettingsPage) so the visitor can quote it; empty before
	// a choice. The banner itself never shows them.
	ConsentID  string
	DecidedAt  time.Time
	Categories []policy.Category // optional categories offered, in this order
	Granted    policy.Set        // what the visitor granted; shown only when Decided
	// Decided is set once the visitor has made a choice: Render then shows only
	// the small control that reopens the settings (the form stays in the page,
	// hidden, for the script to open in place).
	Decided bool
	// Found lists the services on this page; the settings layer names them under
	// their category with provider and cookie lifetimes.
	Found []*catalog.Service
	// Unclassified lists the hosts of third parties no list classifies that
	// this page holds until every category is granted (unknown_hosts hold):
	// the settings layer names them under their own heading, without a switch.
	Unclassified []string
	// Cookies looks up a catalog cookie row by the pattern a Service lists, for
	// its lifetime. May be nil.
	Cookies   func(pattern string) *catalog.Cookie
	PolicyURL string // the site's privacy policy: an http(s) URL or a site path
	Endpoint  string // the consent endpoint, "/_consent"
	Return    string // path (and query) of this page, where a choice returns to
	GPC, DNT  bool   // a browser signal is being honoured: the banner says so
	// Texts overrides built-in texts per language: lang → key → text.
	Texts    map[string]map[string]string
	AssetCSS string // URL of the banner stylesheet (see Assets)
	AssetJS  string // URL of the banner script
	// Origin, when set ("https://www.example.com"), is put in front of the
	// endpoint and asset paths: a page's <base href> would otherwise send the
	// visitor's choice and the banner's assets to another host.
	Origin string
	// Nonce, when the page's Content-Security-Policy allows scripts by one,
	// is copied onto the banner's <script>.
	Nonce string
	// StyleNonce is the same for the stylesheet links, when the policy's
	// style-src uses a nonce.
	StyleNonce string
	// Reloads: the page is under the module's enforced Content-Security-
	// Policy (csp enforce), so what the visitor allows loads only on a page
	// served anew. Placeholders then offer no "show just this once" (the
	// frame would be refused), and without it the banner script leaves their
	// form to post the plain way and come back.
	Reloads bool
}

// lang is the built-in language v renders in.
func (v *View) lang() string { return builtinLang(v.Lang) }

func (v *View) text(key string) string { return Text(v.lang(), key, v.Texts) }

func (v *View) categoryName(c policy.Category) string {
	return v.text("category_" + c.String())
}

func (v *View) checked(c policy.Category) bool {
	// Recital 32 and Planet49: nothing optional is ticked until the visitor
	// ticks it; a reopened banner shows the visitor's own earlier choice.
	return v.Decided && v.Granted.Has(c)
}

// endpoint is where the forms post: v.Endpoint when it is a site path.
func (v *View) endpoint() string {
	if asciihtml.SitePath(v.Endpoint) {
		return v.Origin + v.Endpoint
	}
	return v.Origin + "/_consent"
}

// asset is an asset URL as the page must write it.
func (v *View) asset(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return v.Origin + u
	}
	return u
}

// settingsURL is the no-JavaScript way to the settings layer. With
// SettingsLang it carries the banner's language, so the settings page speaks
// the language of the page it came from.
func (v *View) settingsURL() string {
	q := url.Values{}
	if asciihtml.SitePath(v.Return) {
		q.Set("return", v.Return)
	}
	if v.SettingsLang {
		q.Set("lang", v.lang())
	}
	if len(q) == 0 {
		return v.endpoint() + "/settings"
	}
	return v.endpoint() + "/settings?" + q.Encode()
}

// barStyle is the banner's critical style, inline so that the banner is a fixed
// bar from its first paint: a browser that paints before the stylesheet linked
// just before it has loaded shows no unstyled text at the end of the page, and
// if the stylesheet fails to load the banner is still usable. It restates only
// what banner.css says, through the same custom properties, so theming and dark
// mode apply as soon as the CSS is in. A CSP that forbids inline styles drops
// it; Chromium and WebKit then still hold back painting what follows a
// stylesheet in <body> until it has loaded.
const barStyle = `position:fixed;z-index:2147483000;inset:auto 0 0;` +
	`background:var(--consent-bg,#fff);color:var(--consent-fg,#1c1c21)`

// Render returns the banner markup the consent handler writes before </body>:
// the stylesheet link, the banner itself (a form that posts to v.Endpoint), the
// reopen control, and the script. Before a choice it shows the first layer:
// title, text, "Accept all" and "Reject all" as equal buttons, and "Settings";
// after a choice only a small "Cookie settings" control.
func Render(v *View) []byte {
	w := asciihtml.NewWriter(6144 + len(v.Found)*384)
	v.stylesheet(w, true)
	w.Raw(`<div data-consent-banner`)
	w.Attr("lang", v.lang())
	w.Raw(` data-nosnippet class="cb" role="region" aria-labelledby="consent-title"`)
	if !v.Decided {
		w.Raw(` aria-describedby="consent-desc"`)
	}
	w.Raw(`>`)
	w.Raw(`<div class="cb-bar"`)
	if v.Decided {
		w.Raw(` hidden`)
	}
	w.Raw(` style="` + barStyle + `">`)
	v.form(w, false)
	w.Raw(`</div><a class="cb-re"`)
	w.Attr("href", v.settingsURL())
	w.Raw(` data-consent-action="settings"`)
	if !v.Decided {
		w.Raw(` hidden`)
	}
	w.Raw(`>`)
	w.Esc(v.text("reopen"))
	w.Raw(`</a><p class="cb-sr" role="status"`)
	w.Attr("data-consent-saved", v.text("saved"))
	w.Raw(`></p></div>`)
	if asciihtml.SafeURL(v.AssetJS) {
		w.Raw(`<script defer`)
		w.Attr("src", v.asset(v.AssetJS))
		v.nonce(w)
		w.Raw(`></script>`)
	}
	return w.Bytes()
}

func (v *View) nonce(w *asciihtml.Writer) {
	if v.Nonce != "" {
		w.Attr("nonce", v.Nonce)
	}
}

// stylesheet writes the link to the banner's stylesheet, with the page's
// style nonce; in a page's body (scriptNonce) also with its script nonce, for
// policies that give style-src no nonce of its own.
func (v *View) stylesheet(w *asciihtml.Writer, scriptNonce bool) {
	if !asciihtml.SafeURL(v.AssetCSS) {
		return
	}
	w.Raw(`<link rel="stylesheet"`)
	w.Attr("href", v.asset(v.AssetCSS))
	if v.StyleNonce != "" {
		w.Attr("nonce", v.StyleNonce)
	}
	if scriptNonce {
		v.nonce(w)
	}
	w.Raw(`>`)
}

// document starts a standalone page in the visitor's language: head holds
// the meta elements after the charset, and the banner's stylesheet follows
// the title.
func (v *View) document(w *asciihtml.Writer, head, title string) {
	w.Raw(`<!DOCTYPE html><html`)
	w.Attr("lang", v.lang())
	w.Raw(`><head><meta charset="utf-8">` + head + `<title>`)
	w.Esc(title)
	w.Raw(`</title>`)
	v.stylesheet(w, false)
}

// form writes the banner form. page is the standalone settings page: there the
// settings layer is all there is and shows without JavaScript.
func (v *View) form(w *asciihtml.Writer, page bool) {
	w.Raw(`<form class="cb-in" method="post"`)
	w.Attr("action", v.endpoint())
	w.Raw(`>`)
	if asciihtml.SitePath(v.Return) {
		w.Raw(`<input type="hidden" name="return"`)
		w.Attr("value", v.Return)
		w.Raw(`>`)
	}
	if !page {
		w.Raw(`<div class="cb-l1">`)
		w.TagText("h2", ` id="consent-title"`, v.text("title"))
		w.Raw(`<p id="consent-desc">`)
		w.Esc(v.text("body"))
		v.policyLink(w, " ")
		w.Raw(`</p></div><div class="cb-l2" hidden>`)
		w.Raw(`<button type="button" class="cb-x"`)
		w.Attr("aria-label", v.text("close"))
		w.Raw(` hidden>&#215;</button>`)
		w.TagText("h2", ` id="consent-settings" tabindex="-1"`, v.text("settings_title"))
	} else {
		w.Raw(`<div class="cb-l2">`)
		w.TagText("h1", ` id="consent-title"`, v.text("settings_title"))
	}
	w.TagText("p", "", v.text("settings_intro"))
	v.categories(w, page)
	w.Raw(`<p class="cb-links">`)
	v.policyLink(w, "")
	w.Raw(` `)
	link(w, v.endpoint()+"/cookies", v.text("declaration_link"))
	w.Raw(`</p></div>`)
	switch {
	case v.GPC:
		w.TagText("p", ` class="cb-sig"`, v.text("gpc_honoured"))
	case v.DNT:
		w.TagText("p", ` class="cb-sig"`, v.text("dnt_honoured"))
	}
	// Accept and Reject are the same element with the same class: equal in
	// size, colour and weight (EDPB cookie banner taskforce, 2023).
	w.Raw(`<div class="cb-row"><button class="cb-b" name="action" value="accept-all" data-consent-action="accept-all">`)
	w.Esc(v.text("accept_all"))
	w.Raw(`</button><button class="cb-b" name="action" value="reject-all" data-consent-action="reject-all">`)
	w.Esc(v.text("reject_all"))
	w.Raw(`</button>`)
	if !page {
		w.Raw(`<a class="cb-b cb-b2"`)
		w.Attr("href", v.settingsURL())
		w.Raw(` data-consent-action="settings">`)
		w.Esc(v.text("settings"))
		w.Raw(`</a>`)
	}
	w.Raw(`<button class="cb-b cb-b2" name="action" value="save" data-consent-action="save"`)
	if !page {
		w.Raw(` hidden`)
	}
	w.Raw(`>`)
	w.Esc(v.text("save"))
	w.Raw(`</button></div></form>`)
}

func (v *View) policyLink(w *asciihtml.Writer, sep string) {
	if !asciihtml.SafeURL(v.PolicyURL) {
		return
	}
	w.Raw(sep)
	link(w, v.PolicyURL, v.text("policy_link"))
}

// link writes <a href="href">text</a>; the caller checks href.
func link(w *asciihtml.Writer, href, text string) {
	w.Raw(`<a`)
	w.Attr("href", href)
	w.Raw(`>`)
	w.Esc(text)
	w.Raw(`</a>`)
}

// categories writes one entry per category: necessary first, always on and not
// a choice, then each optional one with a switch, its purpose and the services
// of this page that fall under it.
func (v *View) categories(w *asciihtml.Writer, page bool) {
	w.Raw(`<ul class="cb-cats">`)
	cats := append([]policy.Category{policy.Necessary}, v.Categories...)
	for i, c := range cats {
		if c == policy.Necessary && i > 0 {
			continue
		}
		id := c.String()
		w.Raw(`<li class="cb-cat"><div class="cb-ch">`)
		if c == policy.Necessary {
			w.TagText("span", ` class="cb-cn"`, v.categoryName(c))
			w.TagText("span", ` class="cb-on"`, v.text("always_on"))
		} else {
			w.Raw(`<label class="cb-cn" for="consent-c-` + id + `">`)
			w.Esc(v.categoryName(c))
			w.Raw(`</label><input type="checkbox" class="cb-sw" name="category" value="` + id +
				`" id="consent-c-` + id + `" aria-describedby="consent-d-` + id + `"`)
			if v.checked(c) {
				w.Raw(` checked`)
			}
			w.Raw(`>`)
		}
		w.Raw(`</div>`)
		if c == policy.Necessary {
			w.TagText("p", "", v.text("category_necessary_desc"))
		} else {
			w.TagText("p", ` id="consent-d-`+id+`"`, v.text("category_"+id+"_desc"))
		}
		v.services(w, c, page)
		w.Raw(`</li>`)
	}
	if len(v.Unclassified) > 0 {
		// No switch: they run once every category above is on.
		w.Raw(`<li class="cb-cat"><div class="cb-ch">`)
		w.TagText("span", ` class="cb-cn"`, v.text("category_unclassified"))
		w.Raw(`</div>`)
		w.TagText("p", "", v.text("unclassified_hosts"))
		w.Raw(`<ul class="cb-svc">`)
		for _, host := range v.Unclassified {
			w.Raw(`<li>`)
			w.TagText("strong", "", host)
			w.Raw(`</li>`)
		}
		w.Raw(`</ul></li>`)
	}
	w.Raw(`</ul>`)
}

// services lists the services of category c found on this page, each with its
// provider and the lifetimes of its cookies (Planet49: duration and third-party
// access are part of informed consent). The standalone settings page (page)
// also states each service's purpose in its language where the catalog
// translates it; the in-page layer does so only in English, because per-service
// text in every language would break the banner's size budget.
func (v *View) services(w *asciihtml.Writer, c policy.Category, page bool) {
	n := 0
	for i, s := range v.Found {
		if s == nil || s.Category != c || v.seen(i) {
			continue
		}
		if n == 0 {
			w.TagText("p", ` class="cb-sh"`, v.text("services_found"))
			w.Raw(`<ul class="cb-svc">`)
		}
		n++
		w.Raw(`<li>`)
		w.TagText("strong", "", s.Name)
		if s.Provider != "" {
			w.Raw(`<br><span>`)
			w.Esc(v.text("provider"))
			w.Raw(`: `)
			w.Esc(localProvider(v.lang(), s.Provider))
			w.Raw(`</span>`)
		}
		if s.Purpose != "" && v.lang() == "en" {
			w.Raw(`<br>`)
			w.Esc(s.Purpose)
		} else if page {
			// Without a translation, the category's purpose above says it.
			if p := catalog.ServicePurpose(v.lang(), s.ID); p != "" {
				w.Raw(`<br>`)
				w.Esc(p)
			}
		}
		rows := 0 // the lifetimes table opens with the first cookie the catalog knows
		for _, p := range s.Cookies {
			var ck *catalog.Cookie
			if v.Cookies != nil {
				ck = v.Cookies(p)
			}
			if ck == nil || ck.Lifetime == "" {
				continue
			}
			if rows == 0 {
				w.Raw(`<table><tr><th>`)
				w.Esc(v.text("col_name"))
				w.Raw(`<th>`)
				w.Esc(v.text("col_lifetime"))
			}
			rows++
			w.Raw(`<tr><td>`)
			w.TagText("code", "", p)
			w.Raw(`<td>`)
			// As the declaration states it: what a browser keeps.
			w.Esc(FormatLifetime(v.lang(), catalog.KeptFor(ck.Lifetime)))
		}
		if rows > 0 {
			w.Raw(`</table>`)
		}
		w.Raw(`</li>`)
	}
	if n > 0 {
		w.Raw(`</ul>`)
	}
}

// seen reports whether v.Found[i] repeats an earlier service.
func (v *View) seen(i int) bool {
	for _, s := range v.Found[:i] {
		if s != nil && s.ID == v.Found[i].ID {
			return true
		}
	}
	return false
}

// ConsentRecord writes the paragraph that tells a visitor their consent ID
// and the date of their choice (ISO, the same in every language), for the
// settings page and the cookie declaration: what they can quote when they ask
// the site about it. The ID is hex digits; anything else is not written.
func ConsentRecord(w *asciihtml.Writer, lang, id string, decided time.Time, overrides map[string]map[string]string) {
	for i := 0; i < len(id); i++ {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return
		}
	}
	if id == "" {
		return
	}
	s := Text(lang, "consent_record", overrides)
	date := decided.UTC().Format(time.DateOnly)
	w.Raw(`<p class="consent-record">`)
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			w.Esc(s)
			break
		}
		w.Esc(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "{id}"):
			w.Raw(`<code>` + id + `</code>`)
			s = s[len("{id}"):]
		case strings.HasPrefix(s, "{date}"):
			w.Raw(`<time datetime="` + decided.UTC().Format(time.RFC3339) + `">` + date + `</time>`)
			s = s[len("{date}"):]
		default:
			w.Esc("{")
			s = s[1:]
		}
	}
	w.Raw(`</p>`)
}

// SettingsPage returns the standalone page served at GET /_consent/settings: the
// granular choices as a form that needs no JavaScript, and a way back to the
// page in v.Return.
func SettingsPage(v *View) []byte {
	w := asciihtml.NewWriter(6144)
	v.document(w, `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">`, v.text("settings_title"))
	w.Raw(`</head><body class="cb-page"><main data-consent-banner class="cb cb-pg" data-nosnippet>`)
	v.form(w, true)
	if v.ConsentID != "" {
		ConsentRecord(w, v.lang(), v.ConsentID, v.DecidedAt, v.Texts)
	}
	back := "/"
	if asciihtml.SitePath(v.Return) {
		back = v.Return
	}
	w.Raw(`<p class="cb-back">`)
	link(w, back, v.text("back"))
	w.Raw(`</p></main></body></html>`)
	return w.Bytes()
}

// Placeholder returns a small standalone HTML document for the srcdoc of a
// blocked iframe of service s, category c. It names the service, says why it
// is hidden, and offers a button that saves consent for c (on top of what the
// visitor granted already) and reloads the page at v.Return. A second button,
// "show just this once" (data-consent-embed="once"), is hidden until the
// banner script wires it up.
//
// The caller escapes the document for the attribute (at least & and ").
// The iframe must not be sandboxed without allow-same-origin, or the banner
// script cannot reach the second button.
func Placeholder(v *View, s *catalog.Service, c policy.Category) []byte {
	w := asciihtml.NewWriter(1536)
	name, provider := "", ""
	if s != nil {
		name, provider = s.Name, localProvider(v.lang(), s.Provider)
	}
	cat := v.categoryName(c)
	v.document(w, `<meta name="viewport" content="width=device-width">`, name)
	w.Raw(`</head><body class="cb cb-ph"><form method="post" target="_top"`)
	w.Attr("action", v.endpoint())
	w.Raw(`>`)
	w.Raw(`<p class="cb-pn">`)
	w.TagText("strong", "", name)
	if provider != "" && provider != name {
		w.Raw(` <span>&#183; `)
		w.Esc(provider)
		w.Raw(`</span>`)
	}
	w.Raw(`</p>`)
	w.TagText("p", "", fill(v.text("embed_blocked"), name, cat))
	if asciihtml.SitePath(v.Return) {
		w.Raw(`<input type="hidden" name="return"`)
		w.Attr("value", v.Return)
		w.Raw(`>`)
	}
	for _, g := range v.Granted.With(c).Categories() {
		if g == policy.Necessary {
			continue
		}
		w.Raw(`<input type="hidden" name="category" value="` + g.String() + `">`)
	}
	w.Raw(`<div class="cb-row"><button class="cb-b" name="action" value="save" data-consent-action="save">`)
	w.Esc(fill(v.text("embed_allow_category"), name, cat))
	w.Raw(`</button>`)
	v.onceButton(w, fill(v.text("embed_once"), name, cat))
	w.Raw(`</div></form></body></html>`)
	return w.Bytes()
}

// PlaceholderUnclassified returns the srcdoc document of a held iframe: one
// of a third party no catalog row, block_list or allow rule names, which
// loads only once every offered category is granted (unknown_hosts hold).
// It names no service (none is known) and offers what releases it: Accept
// all, posted as the banner's own accept-all, plus the settings page and the
// "show just this once" button the banner script wires up.
//
// Its controls carry data-consent-action like the banner's (DESIGN §6). The
// Accept all button belongs to a second, hidden form (its form attribute):
// the banner script wires the first form of a placeholder to post "save"
// with that form's categories, which is the catalog placeholder's action,
// not this one's. This way the script shows the once button and leaves
// Accept all alone, and the button posts accept-all to the top window the
// plain way, with or without JavaScript; the page comes back at v.Return
// with the iframe loading. The first form holds nothing that submits.
//
// The caller escapes the document for the attribute (at least & and ").
func PlaceholderUnclassified(v *View) []byte {
	w := asciihtml.NewWriter(1536)
	title := v.text("embed_unclassified_title")
	v.document(w, `<meta name="viewport" content="width=device-width">`, title)
	w.Raw(`</head><body class="cb cb-ph"><form>`)
	w.Raw(`<p class="cb-pn">`)
	w.TagText("strong", "", title)
	w.Raw(`</p>`)
	w.TagText("p", "", v.text("embed_unclassified"))
	w.Raw(`<div class="cb-row"><button class="cb-b" form="cb-aa" name="action" value="accept-all" data-consent-action="accept-all">`)
	w.Esc(v.text("embed_accept_all"))
	w.Raw(`</button>`)
	v.onceButton(w, v.text("embed_once"))
	w.Raw(`<a class="cb-b cb-b2"`)
	w.Attr("href", v.settingsURL())
	w.Raw(` target="_top" data-consent-action="settings">`)
	w.Esc(v.text("reopen"))
	w.Raw(`</a></div></form><form id="cb-aa" method="post" target="_top"`)
	w.Attr("action", v.endpoint())
	w.Raw(` hidden>`)
	if asciihtml.SitePath(v.Return) {
		w.Raw(`<input type="hidden" name="return"`)
		w.Attr("value", v.Return)
		w.Raw(`>`)
	}
	w.Raw(`</form></body></html>`)
	return w.Bytes()
}

// onceButton writes a placeholder's "show just this once", hidden until the
// banner script wires it up; none when the page Reloads.
func (v *View) onceButton(w *asciihtml.Writer, label string) {
	if v.Reloads {
		return
	}
	w.Raw(`<button type="button" class="cb-b cb-b2" data-consent-embed="once" hidden>`)
	w.Esc(label)
	w.Raw(`</button>`)
}

// fill puts the service and category names into a text's placeholders, in one
// pass, so that a name holding "{category}" stays as it is.
func fill(s, service, category string) string {
	// One pass by hand: a strings.Replacer would build a trie on every call,
	// and two ReplaceAll calls would substitute inside a substituted name.
	if strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(service) + len(category))
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		switch rest := s[i:]; {
		case strings.HasPrefix(rest, "{service}"):
			b.WriteString(service)
			s = rest[len("{service}"):]
		case strings.HasPrefix(rest, "{category}"):
			b.WriteString(category)
			s = rest[len("{category}"):]
		default:
			b.WriteByte('{')
			s = rest[1:]
		}
	}
}
