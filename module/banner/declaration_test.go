package banner_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
)

// hostile is a cookie name an upstream may send: a Set-Cookie name can hold
// anything but ";" and "=".
const hostile = `</td></tr></table><script>alert(1)</script>"'&lt&`

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// declarationHTML renders the declaration of site as a page (or, with embed,
// a fragment) in lang that links to policyURL, without a consent cookie, a
// settings link or a visitor's choice.
func declarationHTML(site inventory.Site, cat *catalog.Catalog, lang string, embed bool, policyURL string) []byte {
	return banner.DeclarationPage(inventory.Declare(site, cat, inventory.DeclareOptions{}),
		banner.DeclarationOptions{Lang: lang, Embed: embed, PolicyURL: policyURL})
}

// declSite is a WordPress site with analytics, a YouTube embed, Tag Manager,
// and two cookies no rule knows.
func declSite(t testing.TB) inventory.Site {
	t.Helper()
	inv := inventory.New(catalog.Default(), inventory.Options{})
	inv.ObserveSetCookie("www.example.com", []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=v; path=/; secure; HttpOnly",
		"wordpress_test_cookie=WP%20Cookie%20check; path=/; secure",
		"_ga=GA1.1.1.1; Max-Age=63072000; Path=/; SameSite=Lax",
		hostile + "=v",
		"kjøpskurv_ønske=1; Max-Age=1209600",
	}, t0)
	cat := catalog.Default()
	inv.ObservePage("www.example.com", []*catalog.Service{
		cat.Service("google-analytics"), cat.Service("youtube"), cat.Service("google-tag-manager"),
	}, []string{"cdn.unknown.example"}, t0)
	return inv.Snapshot("www.example.com")
}

func parse(t *testing.T, out []byte, fragment bool) *html.Node {
	t.Helper()
	if fragment {
		ctx := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
		nodes, err := html.ParseFragment(bytes.NewReader(out), ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range nodes {
			ctx.AppendChild(n)
		}
		return ctx
	}
	doc, err := html.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func all(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	for d := range n.Descendants() {
		if d.Type == html.ElementNode && d.Data == tag {
			out = append(out, d)
		}
	}
	return out
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

func attrOf(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// rows maps the name in the first cell of every table row (the <code> of a
// cookie, or the whole cell of a service row) to all its cells.
func rows(n *html.Node) map[string][]string {
	out := map[string][]string{}
	for _, tr := range all(n, "tr") {
		var cells []string
		for _, td := range all(tr, "td") {
			cells = append(cells, textOf(td))
		}
		if len(cells) == 0 {
			continue
		}
		key := cells[0]
		if code := all(tr, "code"); len(code) > 0 {
			key = textOf(code[0])
		}
		out[key] = cells
	}
	return out
}

func checkASCII(t *testing.T, out []byte) {
	t.Helper()
	for i, c := range out {
		if c >= 0x80 {
			t.Fatalf("byte %d is %#x: output must be ASCII; context %q", i, c, out[max(0, i-40):min(len(out), i+40)])
		}
	}
}

func TestDeclarationHTMLLanguages(t *testing.T) {
	site := declSite(t)
	for _, lang := range []string{"nb", "sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			out := declarationHTML(site, catalog.Default(), lang, false, "/personvern")
			checkASCII(t, out)
			doc := parse(t, out, false)
			if h := all(doc, "html")[0]; !slices.Contains(h.Attr, html.Attribute{Key: "lang", Val: lang}) {
				t.Errorf("<html> attributes %v, want lang=%s", h.Attr, lang)
			}
			if got, want := textOf(all(doc, "title")[0]), banner.Text(lang, "declaration_title", nil); got != want {
				t.Errorf("title %q, want %q", got, want)
			}
			h1 := all(doc, "h1")
			if len(h1) != 1 || textOf(h1[0]) != banner.Text(lang, "declaration_title", nil) {
				t.Errorf("h1 = %v, want the declaration title", h1)
			}
			var h2 []string
			for _, h := range all(doc, "h2") {
				h2 = append(h2, textOf(h))
			}
			want := []string{
				banner.Text(lang, "category_necessary", nil), banner.Text(lang, "category_preferences", nil),
				banner.Text(lang, "category_analytics", nil), banner.Text(lang, "category_marketing", nil),
				banner.Text(lang, "category_unclassified", nil),
			}
			if !slices.Equal(h2, want) {
				t.Errorf("h2 = %q\nwant %q", h2, want)
			}
			// Translated now, so it is in the page's language, not marked lang=en.
			if l, ok := attrOf(all(doc, "h2")[4], "lang"); ok {
				t.Errorf("the unclassified heading has lang %q, want none", l)
			}
			var th []string
			for _, h := range all(all(doc, "table")[0], "th") {
				th = append(th, textOf(h))
			}
			wantTH := []string{
				banner.Text(lang, "col_name", nil), banner.Text(lang, "col_provider", nil), banner.Text(lang, "col_purpose", nil),
				banner.Text(lang, "col_lifetime", nil), banner.Text(lang, "col_type", nil),
			}
			if !slices.Equal(th, wantTH) {
				t.Errorf("columns %q, want %q", th, wantTH)
			}
			r := rows(doc)
			first, third := banner.Text(lang, "first_party", nil), banner.Text(lang, "third_party", nil)
			checks := []struct {
				name     string
				provider string
				lifetime string
				party    string
			}{
				// Observed: lifetime from Max-Age (2 years, which browsers
				// cap at 400 days), first party.
				{"_ga", "Google Ireland Limited", banner.FormatLifetime(lang, "13mo"), first},
				{"wordpress_logged_in_*", "WordPress (" + banner.Text(lang, "set_by_site", nil) + ")", banner.FormatLifetime(lang, "session"), first},
				// From the catalog: GA4's other cookie, set by script; its
				// 2 years are capped like any other lifetime.
				{"_ga_*", "Google Ireland Limited", banner.FormatLifetime(lang, "13mo"), first},
				// From the catalog: YouTube's cookies live on youtube.com.
				{"VISITOR_INFO1_LIVE", "Google Ireland Limited", banner.FormatLifetime(lang, "6mo"), third},
				{"YSC", "Google Ireland Limited", banner.FormatLifetime(lang, "session"), third},
				// A service that sets no known cookie gets a row of its own.
				{"Google Tag Manager", "Google Ireland Limited", "\u2014", third},
				// Unknown: provider is the site, lifetime as seen.
				{"kjøpskurv_ønske", "www.example.com", banner.FormatLifetime(lang, "14d"), first},
				{hostile, "www.example.com", banner.FormatLifetime(lang, "session"), first},
			}
			for _, c := range checks {
				cells, ok := r[c.name]
				if !ok {
					t.Errorf("no row for %q", c.name)
					continue
				}
				if cells[1] != c.provider || cells[3] != c.lifetime || cells[4] != c.party {
					t.Errorf("row %q = %q, want provider %q, lifetime %q, %q", c.name, cells, c.provider, c.lifetime, c.party)
				}
			}
			// The catalog's purposes are English: other pages state the
			// translated one (TestDeclarationTranslatedPurposes).
			wantPurpose := catalog.Default().MatchCookie("_ga").Purpose
			if lang != "en" {
				wantPurpose = catalog.CookiePurpose(lang, "_ga", "google-analytics")
			}
			if p := r["_ga"][2]; p != wantPurpose {
				t.Errorf("_ga purpose %q, want %q", p, wantPurpose)
			}
			// The service that sets a cookie is named beside it.
			if got := r["VISITOR_INFO1_LIVE"][0]; got != "VISITOR_INFO1_LIVEYouTube" {
				t.Errorf("VISITOR_INFO1_LIVE name cell %q, want the cookie and YouTube", got)
			}
			if got := r[hostile][0]; got != hostile {
				t.Errorf("unknown cookie name cell %q, want the name alone", got)
			}
			if len(all(doc, "script")) != 0 {
				t.Error("a hostile cookie name became a <script> element")
			}
			links := all(doc, "a")
			if len(links) != 1 || textOf(links[0]) != banner.Text(lang, "policy_link", nil) {
				t.Errorf("links %v, want one to the privacy policy", links)
			} else if href, _ := attrOf(links[0], "href"); href != "/personvern" {
				t.Errorf("policy link href %q", href)
			}
		})
	}
}

func TestDeclarationHTMLEmbed(t *testing.T) {
	out := declarationHTML(declSite(t), catalog.Default(), "nb", true, "/personvern")
	checkASCII(t, out)
	if !bytes.HasPrefix(out, []byte(`<section data-consent-declaration lang="nb"`)) || !bytes.HasSuffix(out, []byte(`</section>`)) {
		t.Errorf("fragment starts %q and ends %q", out[:min(60, len(out))], out[max(0, len(out)-20):])
	}
	root := parse(t, out, true)
	for _, tag := range []string{"html", "head", "style", "h1", "a", "script"} {
		if n := all(root, tag); len(n) != 0 {
			t.Errorf("fragment holds <%s>", tag)
		}
	}
	if h := all(root, "h2"); len(h) != 1 || textOf(h[0]) != banner.Text("nb", "declaration_title", nil) {
		t.Errorf("fragment title: %v", h)
	}
	if n := len(all(root, "h3")); n != 5 {
		t.Errorf("%d category headings (h3), want 5", n)
	}
}

func TestDeclarationHTMLEdges(t *testing.T) {
	empty := inventory.Site{Host: "example.com"}
	t.Run("unsafe policy url", func(t *testing.T) {
		for _, u := range []string{"javascript:alert(1)", "//evil.example/", "data:text/html,x", " /x", ""} {
			out := declarationHTML(empty, catalog.Default(), "en", false, u)
			if bytes.Contains(out, []byte("<a")) {
				t.Errorf("policy URL %q became a link", u)
			}
		}
	})
	t.Run("unknown language renders English", func(t *testing.T) {
		out := declarationHTML(empty, catalog.Default(), `xx"><script>`, true, "")
		if !bytes.HasPrefix(out, []byte(`<section data-consent-declaration lang="en"`)) {
			t.Errorf("got %q", out[:60])
		}
	})
	t.Run("empty site", func(t *testing.T) {
		doc := parse(t, declarationHTML(empty, catalog.Default(), "en", false, ""), false)
		if n := len(all(doc, "table")); n != 0 {
			t.Errorf("%d tables for a site with nothing seen", n)
		}
		if n := len(all(doc, "h2")); n != 4 {
			t.Errorf("%d category headings, want the four categories and no unclassified section", n)
		}
		if n := strings.Count(textOf(doc), banner.Text("en", "declaration_empty", nil)); n != 4 {
			t.Errorf("%d categories say nothing was seen, want 4", n)
		}
	})
	t.Run("nil catalog", func(t *testing.T) {
		out := declarationHTML(declSite(t), nil, "en", false, "")
		if !bytes.Contains(out, []byte("<code>_ga</code>")) {
			t.Error("the rows the snapshot carries need no catalog")
		}
	})
}

// The seed policies' cookies read in the visitor's language, in every
// language with translations: a row's own translation, else its service's,
// else (no translation at all) the category's purpose; never the catalog's
// English.
func TestDeclarationTranslatedPurposes(t *testing.T) {
	inv := inventory.New(catalog.Default(), inventory.Options{})
	inv.ObserveSetCookie("www.example.com", []string{
		"_ga=GA1.1.1.1; Max-Age=63072000; Path=/",
		"_fbp=fb.1.1.1; Max-Age=7776000; Path=/",
		"PHPSESSID=abc; path=/; HttpOnly",
		"mp_0123_mixpanel=x; Max-Age=31536000",
	}, t0)
	cat := catalog.Default()
	inv.ObservePage("www.example.com", []*catalog.Service{
		cat.Service("google-analytics"), cat.Service("youtube"), cat.Service("google-tag-manager"), cat.Service("meta-pixel"),
	}, nil, t0)
	site := inv.Snapshot("www.example.com")
	english := map[string]bool{}
	for _, ck := range cat.Cookies() {
		english[ck.Purpose] = true
	}
	for _, s := range cat.Services() {
		english[s.Purpose] = true
	}
	// Words of each translation, so that the test fails on a wrong file as
	// well as on a missing lookup.
	words := map[string]map[string]string{
		"nb": {"_ga": "Skiller besøkende", "_fbp": "Meta Pixel", "PHPSESSID": "økt på serveren"},
		"sv": {"_ga": "Skiljer besökare", "_fbp": "Meta Pixel", "PHPSESSID": "session på servern"},
	}
	langs := catalog.PurposeLanguages()
	if !slices.Contains(langs, "nb") || !slices.Contains(langs, "sv") {
		t.Fatalf("purpose languages %q lack nb or sv", langs)
	}
	for _, lang := range langs {
		t.Run(lang, func(t *testing.T) {
			d := inventory.Declare(site, cat, inventory.DeclareOptions{ConsentCookie: "consent", ConsentMaxAge: 180 * 24 * time.Hour})
			out := banner.DeclarationPage(d, banner.DeclarationOptions{Lang: lang})
			checkASCII(t, out)
			r := rows(parse(t, out, false))
			want := map[string]string{
				"_ga":       catalog.CookiePurpose(lang, "_ga", ""),
				"_fbp":      catalog.CookiePurpose(lang, "_fbp", ""),
				"PHPSESSID": catalog.CookiePurpose(lang, "PHPSESSID", ""),
				// Not translated itself: YouTube's purpose.
				"VISITOR_INFO1_LIVE": catalog.ServicePurpose(lang, "youtube"),
				// A service without cookies, its own row.
				"Google Tag Manager": catalog.ServicePurpose(lang, "google-tag-manager"),
				// Mixpanel is not among the translated: the category's purpose.
				"mp_*_mixpanel": banner.Text(lang, "category_analytics_desc", nil),
				"consent":       banner.Text(lang, "consent_cookie_purpose", nil),
			}
			for name, w := range want {
				cells, ok := r[name]
				if !ok {
					t.Errorf("no row for %q", name)
					continue
				}
				if w == "" || cells[2] != w {
					t.Errorf("%s purpose %q, want %q", name, cells[2], w)
				}
			}
			for name, w := range words[lang] {
				if !strings.Contains(r[name][2], w) {
					t.Errorf("%s purpose %q does not say %q", name, r[name][2], w)
				}
			}
			for name, cells := range r {
				if english[cells[2]] {
					t.Errorf("%s: purpose %q is the catalog's English on a %s page", name, cells[2], lang)
				}
			}
		})
	}
}

// Held third-party hosts are listed, by host, in the unclassified section of
// the declaration in every language.
func TestDeclarationListsUnclassifiedHosts(t *testing.T) {
	site := inventory.Site{Host: "www.example.com", UnknownHosts: []inventory.Host{{Host: "cdn.unknown-widget.test", Pages: 2}}}
	for _, lang := range banner.Languages() {
		out := string(declarationHTML(site, catalog.Default(), lang, true, ""))
		if !strings.Contains(out, "<code>cdn.unknown-widget.test</code>") || strings.Count(out, `id="consent-decl-unclassified"`) != 1 {
			t.Errorf("%s: hosts not listed once under unclassified:\n%s", lang, out)
		}
	}
	if out := string(declarationHTML(inventory.Site{Host: "www.example.com"}, catalog.Default(), "en", true, "")); strings.Contains(out, "consent-decl-unclassified") {
		t.Error("an unclassified section without anything unclassified")
	}
}

// The run-time hosts of TestDeclarationRunTime (package inventory), on the
// page: the section, the hosts, the escaped page path and the service.
func TestDeclarationRunTimeHTML(t *testing.T) {
	inv := inventory.New(catalog.Default(), inventory.Options{})
	cat := catalog.Default()
	inv.ObserveRunTime("shop.example", inventory.RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "script-src-elem", Page: "/shop"}, t0)
	inv.ObserveRunTime("shop.example", inventory.RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: "/a<b>"}, t0)
	site := inv.Snapshot("shop.example")
	out := declarationHTML(site, cat, "nb", false, "")
	for _, want := range []string{`id="consent-decl-run-time"`, `<code>connect.facebook.net</code>`, `<code>/a&lt;b&gt;</code>`, `Meta Pixel`} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("HTML declaration lacks %s", want)
		}
	}
	parse(t, out, false)
	// No reports, no section.
	if bytes.Contains(declarationHTML(inv.Snapshot("other.example"), cat, "en", false, ""), []byte("run-time")) {
		t.Error("a site with no run-time hosts shows the section")
	}
}

// runTimeKeys are the texts of the run-time section, in page order.
var runTimeKeys = []string{"run_time_title", "run_time_intro",
	"col_host", "col_category", "col_service", "col_loads", "col_pages", "col_reports"}

// runTimeSite has two run-time hosts: a catalog tracker (marketing) and a
// host no catalog knows.
func runTimeSite(t *testing.T) (inventory.Site, *catalog.Catalog) {
	t.Helper()
	cat := catalog.Default()
	inv := inventory.New(cat, inventory.Options{})
	inv.ObserveRunTime("shop.example", inventory.RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "script-src-elem", Page: "/shop"}, t0)
	inv.ObserveRunTime("shop.example", inventory.RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "connect-src", Page: "/shop"}, t0)
	inv.ObserveRunTime("shop.example", inventory.RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: "/"}, t0)
	return inv.Snapshot("shop.example"), cat
}

// runTimeSection returns the run-time heading, the paragraph after it and
// the region holding its table.
func runTimeSection(t *testing.T, doc *html.Node) (heading, intro, region *html.Node) {
	t.Helper()
	for n := range doc.Descendants() {
		if id, _ := attrOf(n, "id"); n.Type == html.ElementNode && id == "consent-decl-run-time" {
			heading = n
		}
	}
	if heading == nil || heading.NextSibling == nil || heading.NextSibling.NextSibling == nil {
		t.Fatal("no run-time heading followed by an introduction and a table")
	}
	return heading, heading.NextSibling, heading.NextSibling.NextSibling
}

// Norwegian and Swedish visitors read the run-time section in their
// language, as the rest of the declaration: pinned words, so that a key
// falling back to English fails here.
func TestDeclarationRunTimeNorwegianSwedish(t *testing.T) {
	site, cat := runTimeSite(t)
	for _, tt := range []struct{ lang, heading, host, marketing string }{
		{"nb", "Lastet av skript under kjøring", "Vert", "Markedsføring"},
		{"sv", "Laddat av skript under körning", "Värd", "Marknadsföring"},
	} {
		for _, embed := range []bool{false, true} {
			out := declarationHTML(site, cat, tt.lang, embed, "")
			checkASCII(t, out)
			doc := parse(t, out, embed)
			heading, _, region := runTimeSection(t, doc)
			if got := textOf(heading); got != tt.heading {
				t.Errorf("%s embed=%v: run-time heading %q, want %q", tt.lang, embed, got, tt.heading)
			}
			if text := textOf(doc); strings.Contains(text, "Loaded by scripts") || strings.Contains(text, "Hosts that browsers reported") {
				t.Errorf("%s embed=%v: the English run-time texts are still on the page", tt.lang, embed)
			}
			if strings.Contains(string(out), `lang="en"`) {
				t.Errorf("%s embed=%v: part of the declaration is still marked English", tt.lang, embed)
			}
			if th := all(region, "th"); len(th) != 6 || textOf(th[0]) != tt.host {
				t.Errorf("%s embed=%v: first column heading is not %q", tt.lang, embed, tt.host)
			}
			r := rows(region)
			if got := r["connect.facebook.net"]; len(got) != 6 || got[1] != tt.marketing || got[2] != "Meta Pixel" {
				t.Errorf("%s embed=%v: Meta Pixel row %q, want category %q", tt.lang, embed, got, tt.marketing)
			}
		}
	}
}

// No language leaves an English text in the run-time section: heading,
// introduction and column headings come from its own file, the category
// column names the category as the category sections do, and a text equal
// to an English one is only the language's own word (TestTranslations keeps
// those to a reviewed list). The kinds of load are CSP code, each in <code>.
func TestDeclarationRunTimeEveryLanguage(t *testing.T) {
	site, cat := runTimeSite(t)
	english := map[string]bool{"marketing": true, "unknown": true} // the config's names
	for _, k := range append(slices.Clone(runTimeKeys), "category_marketing", "category_unclassified") {
		english[banner.Text("en", k, nil)] = true
	}
	for _, lang := range banner.Languages() {
		t.Run(lang, func(t *testing.T) {
			out := declarationHTML(site, cat, lang, false, "")
			checkASCII(t, out)
			heading, intro, region := runTimeSection(t, parse(t, out, false))
			want := func(key string) string { return banner.Text(lang, key, nil) }
			var texts, keys []string // the section's texts, and the key each must be
			add := func(n *html.Node, key string) {
				texts = append(texts, textOf(n))
				keys = append(keys, key)
				if l, ok := attrOf(n, "lang"); ok {
					t.Errorf("%s: %q is marked lang=%q", key, textOf(n), l)
				}
			}
			add(heading, "run_time_title")
			add(intro, "run_time_intro")
			if tables := all(region, "table"); len(tables) != 1 {
				t.Fatalf("%d tables in the run-time region, want 1", len(tables))
			} else if l, ok := attrOf(tables[0], "lang"); ok {
				t.Errorf("the run-time table is marked lang=%q", l)
			}
			th := all(region, "th")
			if len(th) != len(runTimeKeys)-2 {
				t.Fatalf("%d column headings, want %d", len(th), len(runTimeKeys)-2)
			}
			for i, h := range th {
				add(h, runTimeKeys[i+2])
			}
			r := rows(region)
			if len(r) != 2 {
				t.Fatalf("run-time rows %q, want 2", r)
			}
			texts = append(texts, r["connect.facebook.net"][1], r["cdn.nobody.example"][1])
			keys = append(keys, "category_marketing", "category_unclassified")
			for i, got := range texts {
				if got != want(keys[i]) {
					t.Errorf("%s: %q, want %q", keys[i], got, want(keys[i]))
				}
				if lang != "en" && english[got] && !slices.Contains(banner.SameAsEnglish[keys[i]], lang) {
					t.Errorf("%s: %q is English, and not a word %s shares with it", keys[i], got, lang)
				}
			}
			if lang != "en" {
				section := textOf(heading) + textOf(intro) + textOf(region)
				for _, k := range []string{"run_time_title", "run_time_intro", "category_unclassified"} {
					if e := banner.Text("en", k, nil); strings.Contains(section, e) {
						t.Errorf("the English %s %q is in the section", k, e)
					}
				}
			}
			for _, kinds := range []string{`<code>script</code>, <code>connect</code>`, `<code>img</code>`} {
				if !strings.Contains(string(out), kinds) {
					t.Errorf("kinds of load %s missing", kinds)
				}
			}
		})
	}
}
