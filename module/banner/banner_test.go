package banner

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// fixture returns a view like the one the consent handler builds for a page
// with five services, three optional categories and no choice yet.
func fixture(lang string) *View {
	lifetimes := map[string]string{
		"wordpress_logged_in_*": "session", "pll_language": "1y", "_ga": "2y", "_ga_*": "2y",
		"_gid": "24h", "_fbp": "3mo", "VISITOR_INFO1_LIVE": "6mo", "YSC": "session",
	}
	return &View{
		Lang:       lang,
		Categories: policy.Optional,
		Found: []*catalog.Service{
			{ID: "wordpress", Name: "WordPress", Provider: "This website", Category: policy.Necessary, Cookies: []string{"wordpress_logged_in_*"}},
			{ID: "polylang", Name: "Polylang", Provider: "This website", Category: policy.Preferences, Cookies: []string{"pll_language"}},
			{ID: "google-analytics", Name: "Google Analytics", Provider: "Google Ireland Limited", Category: policy.Analytics,
				Purpose: "Counts visits and how the site is used.", Cookies: []string{"_ga", "_ga_*", "_gid"}},
			{ID: "facebook-pixel", Name: "Meta Pixel", Provider: "Meta Platforms Ireland Limited", Category: policy.Marketing, Cookies: []string{"_fbp"}},
			{ID: "youtube", Name: "YouTube", Provider: "Google Ireland Limited", Category: policy.Marketing, Cookies: []string{"VISITOR_INFO1_LIVE", "YSC"}},
		},
		Cookies: func(p string) *catalog.Cookie {
			if l, ok := lifetimes[p]; ok {
				return &catalog.Cookie{Pattern: p, Lifetime: l}
			}
			return nil
		},
		PolicyURL: "https://example.no/personvern",
		Endpoint:  "/_consent",
		Return:    "/konserter?side=2",
		AssetCSS:  "/_consent/assets/banner.0123abcd.css",
		AssetJS:   "/_consent/assets/banner.4567cdef.js",
	}
}

// node is a parsed element with its attributes.
type node struct {
	tag   string
	attrs map[string]string
	text  string // the text up to the element's end
}

func (n node) has(a string) bool { _, ok := n.attrs[a]; return ok }

// parse reads markup the way a browser does (as a body fragment) and returns
// its elements in document order.
func parse(t *testing.T, b []byte) []node {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(bytes.NewReader(b), ctx)
	if err != nil {
		t.Fatalf("parsing banner: %v", err)
	}
	var out []node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			e := node{tag: n.Data, attrs: map[string]string{}, text: textOf(n)}
			for _, a := range n.Attr {
				e.attrs[a.Key] = a.Val
			}
			out = append(out, e)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

func parseDoc(t *testing.T, b []byte) []node {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parsing page: %v", err)
	}
	var buf bytes.Buffer
	if err := html.Render(&buf, doc); err != nil {
		t.Fatal(err)
	}
	return parse(t, buf.Bytes())
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func find(nodes []node, match func(node) bool) []node {
	var out []node
	for _, n := range nodes {
		if match(n) {
			out = append(out, n)
		}
	}
	return out
}

func byAction(nodes []node, action string) []node {
	return find(nodes, func(n node) bool { return n.attrs["data-consent-action"] == action })
}

func one(t *testing.T, nodes []node, what string, match func(node) bool) node {
	t.Helper()
	got := find(nodes, match)
	if len(got) != 1 {
		t.Fatalf("want one %s, found %d", what, len(got))
	}
	return got[0]
}

func TestRenderHooks(t *testing.T) {
	v := fixture("nb")
	nodes := parse(t, Render(v))
	checkOnlyOurs(t, nodes)

	root := one(t, nodes, "root", func(n node) bool { return n.has("data-consent-banner") })
	if root.attrs["lang"] != "nb" || !root.has("data-nosnippet") {
		t.Errorf("root attributes = %v, want lang=nb and data-nosnippet", root.attrs)
	}
	if root.attrs["role"] != "region" || root.attrs["aria-labelledby"] == "" {
		t.Errorf("root is not a labelled region: %v", root.attrs)
	}
	title := one(t, nodes, "title", func(n node) bool { return n.attrs["id"] == root.attrs["aria-labelledby"] })
	if title.text != Text("nb", "title", nil) {
		t.Errorf("region label = %q", title.text)
	}

	form := one(t, nodes, "form", func(n node) bool { return n.tag == "form" })
	if form.attrs["method"] != "post" || form.attrs["action"] != "/_consent" {
		t.Errorf("form = %v, want a post to /_consent", form.attrs)
	}
	ret := one(t, nodes, "return", func(n node) bool { return n.attrs["name"] == "return" })
	if ret.attrs["type"] != "hidden" || ret.attrs["value"] != "/konserter?side=2" {
		t.Errorf("return input = %v", ret.attrs)
	}
	for _, a := range []string{"accept-all", "reject-all", "save"} {
		b := one(t, nodes, a, func(n node) bool { return n.attrs["data-consent-action"] == a })
		if b.tag != "button" || b.attrs["name"] != "action" || b.attrs["value"] != a || b.has("type") {
			t.Errorf("%s control = <%s %v>, want a submit button action=%s", a, b.tag, b.attrs, a)
		}
	}
	// First layer: accept, reject and settings show; save waits for the settings layer.
	for a, hidden := range map[string]bool{"accept-all": false, "reject-all": false, "save": true} {
		if got := byAction(nodes, a)[0].has("hidden"); got != hidden {
			t.Errorf("%s hidden = %v, want %v", a, got, hidden)
		}
	}
	settings := byAction(nodes, "settings")
	if len(settings) != 2 {
		t.Fatalf("want a settings button and a reopen link, found %d", len(settings))
	}
	for _, s := range settings {
		if s.tag != "a" || s.attrs["href"] != "/_consent/settings?return=%2Fkonserter%3Fside%3D2" {
			t.Errorf("settings control = <%s %v>, want a link to the settings page", s.tag, s.attrs)
		}
	}
	if settings[0].has("hidden") || !settings[1].has("hidden") {
		t.Error("before a choice the first-layer Settings shows and the reopen link does not")
	}
	policyLinks := find(nodes, func(n node) bool { return n.attrs["href"] == v.PolicyURL })
	if len(policyLinks) == 0 || policyLinks[0].text != Text("nb", "policy_link", nil) {
		t.Error("no link to the privacy policy on the first layer")
	}
	one(t, nodes, "stylesheet", func(n node) bool {
		return n.tag == "link" && n.attrs["href"] == v.AssetCSS && n.attrs["rel"] == "stylesheet"
	})
	one(t, nodes, "script", func(n node) bool { return n.tag == "script" && n.attrs["src"] == v.AssetJS && n.has("defer") })
	one(t, nodes, "status", func(n node) bool {
		return n.attrs["role"] == "status" && n.attrs["data-consent-saved"] == Text("nb", "saved", nil)
	})
	one(t, nodes, "declaration link", func(n node) bool { return n.attrs["href"] == "/_consent/cookies" })
}

func TestRenderEqualButtons(t *testing.T) {
	for _, lang := range Languages() {
		t.Run(lang, func(t *testing.T) {
			nodes := parse(t, Render(fixture(lang)))
			acc, rej := byAction(nodes, "accept-all")[0], byAction(nodes, "reject-all")[0]
			// Same element, same class, same attributes: the stylesheet cannot
			// tell them apart, so neither can be made less visible.
			if acc.tag != rej.tag || acc.attrs["class"] != rej.attrs["class"] || len(acc.attrs) != len(rej.attrs) {
				t.Errorf("accept <%s %v> and reject <%s %v> differ", acc.tag, acc.attrs, rej.tag, rej.attrs)
			}
			if acc.text == "" || rej.text == "" || acc.text == rej.text {
				t.Errorf("button labels %q and %q", acc.text, rej.text)
			}
		})
	}
}

func checkboxes(nodes []node) map[string]bool {
	out := map[string]bool{}
	for _, n := range find(nodes, func(n node) bool { return n.attrs["type"] == "checkbox" }) {
		out[n.attrs["value"]] = n.has("checked")
	}
	return out
}

func TestRenderNothingPreTicked(t *testing.T) {
	tests := []struct {
		name    string
		granted policy.Set
		decided bool
		want    map[string]bool
	}{
		{"first visit", 0, false, map[string]bool{"preferences": false, "analytics": false, "marketing": false}},
		// A granted set without a decision (a GPC default, say) is not the visitor's choice.
		{"granted but undecided", policy.All, false, map[string]bool{"preferences": false, "analytics": false, "marketing": false}},
		{"reopened after analytics", policy.SetOf(policy.Analytics), true, map[string]bool{"preferences": false, "analytics": true, "marketing": false}},
		{"reopened after accept all", policy.All, true, map[string]bool{"preferences": true, "analytics": true, "marketing": true}},
		{"reopened after reject all", 0, true, map[string]bool{"preferences": false, "analytics": false, "marketing": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := fixture("en")
			v.Granted, v.Decided = tt.granted, tt.decided
			for name, page := range map[string][]byte{"banner": Render(v), "settings page": SettingsPage(v)} {
				var nodes []node
				if name == "banner" {
					nodes = parse(t, page)
				} else {
					nodes = parseDoc(t, page)
				}
				if got := checkboxes(nodes); fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("%s: checked = %v, want %v", name, got, tt.want)
				}
				// Necessary is shown as always on, never as a choice.
				if find(nodes, func(n node) bool { return n.attrs["value"] == "necessary" }) != nil {
					t.Errorf("%s: necessary is offered as a choice", name)
				}
				if len(find(nodes, func(n node) bool { return n.attrs["class"] == "cb-on" })) != 1 {
					t.Errorf("%s: necessary is not marked always on", name)
				}
			}
		})
	}
}

func TestRenderCategories(t *testing.T) {
	v := fixture("en")
	v.Categories = []policy.Category{policy.Marketing, policy.Analytics}
	v.Found = append(v.Found, v.Found[2]) // a service seen twice is listed once
	nodes := parse(t, Render(v))
	var order []string
	for _, n := range find(nodes, func(n node) bool { return n.attrs["type"] == "checkbox" }) {
		order = append(order, n.attrs["value"])
		lab := one(t, nodes, "label", func(l node) bool { return l.tag == "label" && l.attrs["for"] == n.attrs["id"] })
		if lab.text != Text("en", "category_"+n.attrs["value"], nil) {
			t.Errorf("label of %s = %q", n.attrs["value"], lab.text)
		}
		desc := one(t, nodes, "description", func(d node) bool { return d.attrs["id"] == n.attrs["aria-describedby"] })
		if desc.text != Text("en", "category_"+n.attrs["value"]+"_desc", nil) {
			t.Errorf("description of %s = %q", n.attrs["value"], desc.text)
		}
	}
	if !slices.Equal(order, []string{"marketing", "analytics"}) {
		t.Errorf("category order = %v, want the configured order", order)
	}
	items := find(nodes, func(n node) bool { return n.attrs["class"] == "cb-cat" })
	if len(items) != 3 {
		t.Fatalf("want necessary + 2 categories, got %d", len(items))
	}
	wantIn := []struct {
		item int
		text []string
		not  []string
	}{
		{0, []string{"WordPress", "This website", "wordpress_logged_in_*", "Until you close the browser"}, []string{"Google"}},
		{1, []string{"Meta Pixel", "Meta Platforms Ireland Limited", "_fbp", "3 months", "YouTube", "VISITOR_INFO1_LIVE", "6 months"}, []string{"Analytics"}},
		{2, []string{"Google Analytics", "Google Ireland Limited", "Counts visits", "_ga_*", "13 months", "_gid", "24 hours"}, []string{"Polylang", "2 years"}},
	}
	for _, w := range wantIn {
		txt := items[w.item].text
		for _, s := range w.text {
			if !strings.Contains(txt, s) {
				t.Errorf("category %d lacks %q: %q", w.item, s, txt)
			}
		}
		for _, s := range w.not {
			if strings.Contains(txt, s) {
				t.Errorf("category %d has %q: %q", w.item, s, txt)
			}
		}
	}
	if n := strings.Count(items[2].text, "Google Analytics"); n != 1 {
		t.Errorf("Google Analytics listed %d times", n)
	}
	// Preferences is not offered, so Polylang is nowhere.
	if bytes.Contains(Render(v), []byte("Polylang")) {
		t.Error("a service of a category not offered is listed")
	}
}

func TestRenderWithoutCookieLookup(t *testing.T) {
	v := fixture("en")
	v.Cookies = nil
	out := Render(v)
	if !bytes.Contains(out, []byte("Google Analytics")) || bytes.Contains(out, []byte("<table")) {
		t.Error("with no cookie lookup, services are listed without lifetimes")
	}
	v.Found = []*catalog.Service{nil}
	parse(t, Render(v))
}

func TestRenderDecided(t *testing.T) {
	v := fixture("sv")
	v.Decided, v.Granted = true, policy.SetOf(policy.Marketing)
	nodes := parse(t, Render(v))
	bar := one(t, nodes, "bar", func(n node) bool { return n.attrs["class"] == "cb-bar" })
	if !bar.has("hidden") {
		t.Error("after a choice the first layer is not hidden")
	}
	re := one(t, nodes, "reopen", func(n node) bool { return n.attrs["class"] == "cb-re" })
	if re.has("hidden") || re.attrs["data-consent-action"] != "settings" || re.text != Text("sv", "reopen", nil) {
		t.Errorf("reopen control = %v %q", re.attrs, re.text)
	}
}

func TestRenderSignals(t *testing.T) {
	tests := []struct {
		gpc, dnt bool
		want     string
	}{
		{false, false, ""},
		{true, false, "gpc_honoured"},
		{false, true, "dnt_honoured"},
		{true, true, "gpc_honoured"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("gpc=%v,dnt=%v", tt.gpc, tt.dnt), func(t *testing.T) {
			v := fixture("nb")
			v.GPC, v.DNT = tt.gpc, tt.dnt
			got := find(parse(t, Render(v)), func(n node) bool { return n.attrs["class"] == "cb-sig" })
			if tt.want == "" {
				if len(got) != 0 {
					t.Errorf("signal notice without a signal: %q", got[0].text)
				}
				return
			}
			if len(got) != 1 || got[0].text != Text("nb", tt.want, nil) {
				t.Errorf("notice = %v, want %s", got, tt.want)
			}
		})
	}
}

func TestRenderASCII(t *testing.T) {
	for _, lang := range Languages() {
		t.Run(lang, func(t *testing.T) {
			v := fixture(lang)
			v.GPC = true
			v.Found[1].Name = "Språkvalg ✓ 🍪"
			for name, out := range map[string][]byte{
				"banner":      Render(v),
				"settings":    SettingsPage(v),
				"placeholder": Placeholder(v, v.Found[4], policy.Marketing),
			} {
				for i, c := range out {
					if c >= 0x80 {
						t.Fatalf("%s: byte %#x at %d is not ASCII: %q", name, c, i, out[max(0, i-20):i+1])
					}
				}
			}
			// The references decode back to the translation.
			nodes := parse(t, Render(v))
			title := one(t, nodes, "title", func(n node) bool { return n.attrs["id"] == "consent-title" })
			if title.text != Text(lang, "title", nil) {
				t.Errorf("title decodes to %q, want %q", title.text, Text(lang, "title", nil))
			}
			if find(nodes, func(n node) bool { return n.tag == "strong" && n.text == "Språkvalg ✓ 🍪" }) == nil {
				t.Error("service name does not decode back")
			}
		})
	}
	out := string(Render(fixture("nb")))
	if !strings.Contains(out, "&#229;") { // å in "på dette nettstedet"
		t.Error("nb banner has no numeric reference for å")
	}
	if !strings.Contains(string(Render(fixture("sv"))), "&#228;") { // ä
		t.Error("sv banner has no numeric reference for ä")
	}
}

// hostile returns a view in which every string that comes from config or the
// request tries to break out of its context.
func hostile() *View {
	v := fixture("en")
	v.PolicyURL = `https://example.com/"><script>alert(1)</script>?a='b'&c=<d>`
	v.Return = `/p?q="><svg onload=alert(2)>&x='`
	v.Endpoint = `/_consent"><script>alert(3)</script>`
	v.Texts = map[string]map[string]string{"en": {
		"title":              `<script>alert(4)</script>`,
		"body":               `</p></form><img src=x onerror=alert(5)>`,
		"reopen":             `"><iframe src=javascript:alert(6)>`,
		"saved":              `" onmouseover="alert(7)`,
		"category_analytics": `<!-- </label> -->`,
		"embed_blocked":      `{service} <b>{category}</b>`,
	}}
	v.Found[2].Name = `<img src=x onerror=alert(8)>`
	v.Found[2].Provider = `"><script>alert(9)</script>`
	v.Found[2].Purpose = `]]><style>*{}</style>`
	v.Found[2].Cookies = append(v.Found[2].Cookies, `"><x>`)
	inner := v.Cookies
	v.Cookies = func(p string) *catalog.Cookie {
		if p == `"><x>` {
			return &catalog.Cookie{Pattern: p, Lifetime: `<b>2y</b>`}
		}
		return inner(p)
	}
	v.AssetCSS = `/a.css"><script>alert(10)</script>`
	v.AssetJS = `/a.js" onload="alert(11)`
	v.Nonce = `n"><script>alert(12)</script>`
	v.Lang = `en"><script>`
	return v
}

// allowedTags and allowedAttrs are everything the banner, the settings page
// and the placeholder may contain; anything else came from the input.
var (
	allowedTags  = []string{"html", "head", "body", "meta", "title", "link", "script", "main", "div", "form", "input", "h1", "h2", "p", "a", "button", "ul", "li", "span", "label", "strong", "br", "table", "tbody", "tr", "th", "td", "code"}
	allowedAttrs = []string{"rel", "href", "nonce", "data-consent-banner", "lang", "data-nosnippet", "class", "role", "aria-labelledby", "hidden", "style", "method", "action", "type", "name", "value", "id", "tabindex", "aria-label", "for", "aria-describedby", "checked", "data-consent-action", "data-consent-saved", "data-consent-embed", "defer", "src", "charset", "content", "target", "form"}
)

func checkOnlyOurs(t *testing.T, nodes []node) {
	t.Helper()
	for _, n := range nodes {
		if !slices.Contains(allowedTags, n.tag) {
			t.Errorf("unexpected element <%s %v>", n.tag, n.attrs)
		}
		for a := range n.attrs {
			if !slices.Contains(allowedAttrs, a) {
				t.Errorf("unexpected attribute %s on <%s>", a, n.tag)
			}
		}
		// DESIGN §6: the contract's four actions, nothing else.
		if a, ok := n.attrs["data-consent-action"]; ok && !slices.Contains([]string{"accept-all", "reject-all", "save", "settings"}, a) {
			t.Errorf("data-consent-action=%q", a)
		}
		if n.tag == "script" && n.attrs["src"] != "" && !strings.HasPrefix(n.attrs["src"], "/") {
			t.Errorf("script from %q", n.attrs["src"])
		}
		for _, a := range []string{"href", "src", "action"} {
			if u, ok := n.attrs[a]; ok && !(strings.HasPrefix(u, "/") || strings.HasPrefix(u, "https://")) {
				t.Errorf("<%s %s=%q>", n.tag, a, u)
			}
		}
	}
}

func TestRenderEscaping(t *testing.T) {
	v := hostile()
	outputs := map[string][]node{
		"banner":                   parse(t, Render(v)),
		"settings":                 parseDoc(t, SettingsPage(v)),
		"placeholder":              parseDoc(t, Placeholder(v, v.Found[2], policy.Analytics)),
		"unclassified placeholder": parseDoc(t, PlaceholderUnclassified(v)),
	}
	for name, nodes := range outputs {
		t.Run(name, func(t *testing.T) {
			checkOnlyOurs(t, nodes)
			for _, n := range nodes {
				if n.tag == "script" && n.attrs["src"] == "" {
					t.Errorf("inline script: %v", n.attrs)
				}
				if n.attrs["lang"] != "" && n.attrs["lang"] != "en" {
					t.Errorf("lang=%q", n.attrs["lang"])
				}
			}
			// Values round-trip: escaped, not mangled.
			if !strings.HasSuffix(name, "placeholder") && find(nodes, func(n node) bool { return n.tag == "a" && n.attrs["href"] == v.PolicyURL }) == nil {
				t.Error("policy link does not round-trip")
			}
			one(t, nodes, "form", func(n node) bool { return n.tag == "form" && n.attrs["action"] == v.Endpoint })
			ret := find(nodes, func(n node) bool { return n.attrs["name"] == "return" })
			if len(ret) != 1 || ret[0].attrs["value"] != v.Return {
				t.Errorf("return = %v", ret)
			}
		})
	}
	nodes := outputs["banner"]
	one(t, nodes, "title", func(n node) bool { return n.tag == "h2" && n.text == `<script>alert(4)</script>` })
	one(t, nodes, "body", func(n node) bool {
		return n.attrs["id"] == "consent-desc" && strings.HasPrefix(n.text, `</p></form><img`)
	})
	one(t, nodes, "reopen", func(n node) bool { return n.attrs["class"] == "cb-re" && n.text == v.Texts["en"]["reopen"] })
	one(t, nodes, "status", func(n node) bool { return n.attrs["data-consent-saved"] == v.Texts["en"]["saved"] })
	one(t, nodes, "service", func(n node) bool { return n.tag == "strong" && n.text == v.Found[2].Name })
	one(t, nodes, "cookie", func(n node) bool { return n.tag == "code" && n.text == `"><x>` })
	one(t, nodes, "nonce", func(n node) bool { return n.tag == "script" && n.attrs["nonce"] == v.Nonce })
	ph := one(t, outputs["placeholder"], "placeholder text", func(n node) bool {
		return n.tag == "p" && strings.Contains(n.text, "<b>")
	})
	if want := v.Found[2].Name + " <b><!-- </label> --></b>"; ph.text != want {
		t.Errorf("placeholder text = %q, want %q", ph.text, want)
	}
}

func TestRenderUnsafeURLs(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
		"/\\evil.example", "https:", "http:///x", "/ok\nx", " https://example.com", "ftp://example.com/x"} {
		t.Run(u, func(t *testing.T) {
			v := fixture("en")
			v.PolicyURL, v.AssetCSS, v.AssetJS, v.Return, v.Endpoint = u, u, u, u, u
			for _, out := range [][]byte{Render(v), SettingsPage(v), Placeholder(v, v.Found[4], policy.Marketing), PlaceholderUnclassified(v)} {
				for _, n := range parseDoc(t, out) {
					for _, a := range []string{"href", "src", "value"} {
						if strings.Contains(n.attrs[a], strings.TrimSpace(u)) {
							t.Errorf("<%s %s=%q> rendered", n.tag, a, n.attrs[a])
						}
					}
				}
			}
		})
	}
	// A protocol-relative URL is an http(s) URL, fine for a policy link, but
	// as a return target it leaves the site.
	v := fixture("en")
	v.Return = "//evil.example/x"
	nodes := parseDoc(t, SettingsPage(v))
	if find(nodes, func(n node) bool { return n.attrs["name"] == "return" }) != nil {
		t.Error("off-site return rendered")
	}
	one(t, nodes, "back link", func(n node) bool { return n.attrs["class"] == "" && n.tag == "a" && n.attrs["href"] == "/" })
	for _, s := range byAction(parse(t, Render(v)), "settings") {
		if s.attrs["href"] != "/_consent/settings" {
			t.Errorf("settings link %q carries an off-site return", s.attrs["href"])
		}
	}
}

// A banner whose page language is not what Accept-Language alone picks
// sends the settings page its language.
func TestSettingsLinkLanguage(t *testing.T) {
	v := fixture("sv")
	v.SettingsLang = true
	for _, s := range byAction(parse(t, Render(v)), "settings") {
		if s.attrs["href"] != "/_consent/settings?lang=sv&return=%2Fkonserter%3Fside%3D2" {
			t.Errorf("settings link %q does not name sv", s.attrs["href"])
		}
	}
}

func TestSettingsPage(t *testing.T) {
	v := fixture("nb")
	v.Decided, v.Granted = true, policy.SetOf(policy.Preferences)
	page := SettingsPage(v)
	if !bytes.HasPrefix(page, []byte("<!DOCTYPE html><html lang=\"nb\">")) {
		t.Errorf("page starts %q", page[:40])
	}
	nodes := parseDoc(t, page)
	one(t, nodes, "title", func(n node) bool { return n.tag == "title" && n.text == Text("nb", "settings_title", nil) })
	one(t, nodes, "h1", func(n node) bool { return n.tag == "h1" && n.text == Text("nb", "settings_title", nil) })
	one(t, nodes, "stylesheet", func(n node) bool { return n.tag == "link" && n.attrs["href"] == v.AssetCSS })
	if s := find(nodes, func(n node) bool { return n.tag == "script" }); len(s) != 0 {
		t.Error("the settings page works without JavaScript and loads none")
	}
	// Everything a choice needs is visible without JavaScript.
	for _, a := range []string{"accept-all", "reject-all", "save"} {
		b := one(t, nodes, a, func(n node) bool { return n.attrs["data-consent-action"] == a })
		if b.has("hidden") || b.tag != "button" {
			t.Errorf("%s is hidden or not a button", a)
		}
	}
	for _, n := range nodes {
		if n.has("hidden") {
			t.Errorf("hidden <%s class=%q> on the no-JavaScript page", n.tag, n.attrs["class"])
		}
	}
	if got := checkboxes(nodes); !got["preferences"] || got["analytics"] || got["marketing"] {
		t.Errorf("checked = %v, want preferences only", got)
	}
	one(t, nodes, "back link", func(n node) bool {
		return n.tag == "a" && n.attrs["href"] == v.Return && n.text == Text("nb", "back", nil)
	})

	v.Return = ""
	one(t, parseDoc(t, SettingsPage(v)), "back link", func(n node) bool { return n.tag == "a" && n.attrs["href"] == "/" })
}

func TestPlaceholder(t *testing.T) {
	v := fixture("nb")
	v.Granted = policy.SetOf(policy.Analytics)
	yt := v.Found[4]
	doc := Placeholder(v, yt, policy.Marketing)
	nodes := parseDoc(t, doc)
	checkOnlyOurs(t, nodes)
	form := one(t, nodes, "form", func(n node) bool { return n.tag == "form" })
	if form.attrs["method"] != "post" || form.attrs["action"] != "/_consent" || form.attrs["target"] != "_top" {
		t.Errorf("form = %v", form.attrs)
	}
	var cats []string
	for _, n := range find(nodes, func(n node) bool { return n.attrs["name"] == "category" }) {
		if n.attrs["type"] != "hidden" {
			t.Errorf("category input %v is not hidden", n.attrs)
		}
		cats = append(cats, n.attrs["value"])
	}
	if !slices.Equal(cats, []string{"analytics", "marketing"}) {
		t.Errorf("categories posted = %v, want what was granted plus marketing", cats)
	}
	one(t, nodes, "return", func(n node) bool { return n.attrs["name"] == "return" && n.attrs["value"] == v.Return })
	save := one(t, nodes, "save", func(n node) bool { return n.attrs["data-consent-action"] == "save" })
	if save.attrs["name"] != "action" || save.attrs["value"] != "save" || save.has("hidden") {
		t.Errorf("save button = %v", save.attrs)
	}
	cat := Text("nb", "category_marketing", nil)
	if want := fill(Text("nb", "embed_allow_category", nil), "YouTube", cat); save.text != want {
		t.Errorf("save button says %q, want %q", save.text, want)
	}
	once := one(t, nodes, "embed-once", func(n node) bool { return n.attrs["data-consent-embed"] == "once" })
	if once.attrs["type"] != "button" || !once.has("hidden") {
		t.Errorf("once button = %v, want a hidden non-submit button for the script", once.attrs)
	}
	one(t, nodes, "why", func(n node) bool {
		return n.tag == "p" && n.text == fill(Text("nb", "embed_blocked", nil), "YouTube", cat)
	})
	one(t, nodes, "name and provider", func(n node) bool { return n.tag == "p" && n.text == "YouTube · Google Ireland Limited" })

	// Consent already complete but for the embed's own category, and no service.
	v.Granted = policy.All.Without(policy.Marketing)
	nodes = parseDoc(t, Placeholder(v, nil, policy.Marketing))
	if got := len(find(nodes, func(n node) bool { return n.attrs["name"] == "category" })); got != 3 {
		t.Errorf("%d categories posted, want 3", got)
	}
}

// TestPlaceholderUnclassified: the placeholder of a held iframe names no
// service, says why it is hidden, and offers Accept all (posted as the
// banner's accept-all, to the top window, from a form the banner script does
// not wire), the once button for the script, and the settings page. Nothing
// is ticked or granted on the visitor's behalf.
func TestPlaceholderUnclassified(t *testing.T) {
	for _, lang := range []string{"nb", "sv", "en"} {
		t.Run(lang, func(t *testing.T) {
			v := fixture(lang)
			v.Granted = policy.SetOf(policy.Analytics) // not posted: Accept all needs no list
			out := PlaceholderUnclassified(v)
			if !bytes.HasPrefix(out, []byte(`<!DOCTYPE html><html lang="`+lang+`">`)) {
				t.Errorf("document starts %.40q", out)
			}
			nodes := parseDoc(t, out)
			checkOnlyOurs(t, nodes)
			title := Text(lang, "embed_unclassified_title", nil)
			one(t, nodes, "title", func(n node) bool { return n.tag == "title" && n.text == title })
			one(t, nodes, "heading", func(n node) bool { return n.tag == "strong" && n.text == title })
			one(t, nodes, "why", func(n node) bool { return n.tag == "p" && n.text == Text(lang, "embed_unclassified", nil) })

			forms := find(nodes, func(n node) bool { return n.tag == "form" })
			if len(forms) != 2 {
				t.Fatalf("%d forms, want 2", len(forms))
			}
			// The first form is the one the banner script wires to post
			// "save": it must hold nothing that submits.
			if len(forms[0].attrs) != 0 {
				t.Errorf("first form = %v, want a bare form", forms[0].attrs)
			}
			post := forms[1]
			if post.attrs["method"] != "post" || post.attrs["action"] != "/_consent" || post.attrs["target"] != "_top" || !post.has("hidden") || post.attrs["id"] == "" {
				t.Errorf("accept-all form = %v", post.attrs)
			}
			accept := one(t, nodes, "accept all", func(n node) bool { return n.tag == "button" && n.attrs["value"] == "accept-all" })
			if accept.attrs["name"] != "action" || accept.attrs["form"] != post.attrs["id"] || accept.attrs["data-consent-action"] != "accept-all" || accept.has("type") || accept.has("hidden") {
				t.Errorf("accept button = %v, want a submit button of form %q", accept.attrs, post.attrs["id"])
			}
			if want := Text(lang, "embed_accept_all", nil); accept.text != want || want == Text(lang, "accept_all", nil) {
				t.Errorf("accept button says %q, want %q (and not just the banner's %q)", accept.text, want, Text(lang, "accept_all", nil))
			}
			if lang != "en" && accept.text == Text("en", "embed_accept_all", nil) {
				t.Errorf("accept button is in English")
			}
			one(t, nodes, "return", func(n node) bool {
				return n.attrs["name"] == "return" && n.attrs["type"] == "hidden" && n.attrs["value"] == v.Return
			})
			// Nothing else is posted: no category, no checkbox, no other button.
			for _, n := range nodes {
				if n.tag == "input" && n.attrs["name"] != "return" || n.attrs["type"] == "checkbox" || n.has("checked") {
					t.Errorf("unexpected field %v", n.attrs)
				}
				if n.tag == "button" && n.attrs["value"] != "accept-all" && n.attrs["type"] != "button" {
					t.Errorf("another submit button %v", n.attrs)
				}
			}
			once := one(t, nodes, "embed-once", func(n node) bool { return n.attrs["data-consent-embed"] == "once" })
			if once.attrs["type"] != "button" || !once.has("hidden") || once.text != Text(lang, "embed_once", nil) {
				t.Errorf("once button = %v %q, want a hidden non-submit button for the script", once.attrs, once.text)
			}
			set := one(t, nodes, "settings link", func(n node) bool { return n.tag == "a" })
			if set.attrs["href"] != v.settingsURL() || set.attrs["target"] != "_top" || set.attrs["data-consent-action"] != "settings" || set.text != Text(lang, "reopen", nil) {
				t.Errorf("settings link = %v %q", set.attrs, set.text)
			}
		})
	}

	// Escaping: hostile texts and return path round-trip as text.
	v := hostile()
	v.Texts["en"]["embed_unclassified"] = `</p></form><form action=//evil>`
	v.Texts["en"]["embed_accept_all"] = `"><script>alert(13)</script>`
	nodes := parseDoc(t, PlaceholderUnclassified(v))
	checkOnlyOurs(t, nodes)
	one(t, nodes, "why", func(n node) bool { return n.tag == "p" && n.text == v.Texts["en"]["embed_unclassified"] })
	one(t, nodes, "accept", func(n node) bool { return n.tag == "button" && n.text == v.Texts["en"]["embed_accept_all"] })
	if got := len(find(nodes, func(n node) bool { return n.tag == "form" })); got != 2 {
		t.Errorf("%d forms", got)
	}
}

func BenchmarkRender(b *testing.B) {
	v := fixture("nb")
	b.ReportAllocs()
	for b.Loop() {
		b.SetBytes(int64(len(Render(v))))
	}
}

func BenchmarkRenderDecided(b *testing.B) {
	v := fixture("nb")
	v.Decided, v.Granted = true, policy.All
	b.ReportAllocs()
	for b.Loop() {
		Render(v)
	}
}

func BenchmarkNegotiate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Negotiate("", "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7,nb;q=0.6", nil)
	}
}

// TestNonces: under a nonce-based Content-Security-Policy every script and
// stylesheet the module inserts carries the page's nonce; without one, none
// does.
func TestNonces(t *testing.T) {
	v := fixture("nb")
	v.Nonce, v.StyleNonce = "c2NyaXB0LW5vbmNl", "c3R5bGUtbm9uY2U="
	s := &catalog.Service{ID: "youtube", Name: "YouTube", Category: policy.Marketing}
	for name, out := range map[string][]byte{"banner": Render(v), "settings page": SettingsPage(v), "placeholder": Placeholder(v, s, s.Category)} {
		nodes := parseDoc(t, out)
		if name == "banner" {
			nodes = parse(t, out)
		}
		scripts := find(nodes, func(n node) bool { return n.tag == "script" })
		links := find(nodes, func(n node) bool { return n.tag == "link" })
		if len(links) == 0 || (name == "banner" && len(scripts) == 0) {
			t.Fatalf("%s: %d scripts, %d stylesheet links", name, len(scripts), len(links))
		}
		for _, n := range scripts {
			if n.attrs["nonce"] != v.Nonce {
				t.Errorf("%s: script nonce %q", name, n.attrs["nonce"])
			}
		}
		for _, n := range links {
			if n.attrs["nonce"] != v.StyleNonce {
				t.Errorf("%s: stylesheet nonce %q", name, n.attrs["nonce"])
			}
		}
	}
	v.Nonce, v.StyleNonce = "", ""
	if bytes.Contains(Render(v), []byte("nonce")) || bytes.Contains(Placeholder(v, s, s.Category), []byte("nonce")) {
		t.Error("a nonce attribute without a nonce")
	}
}

func TestSettingsPageConsentRecord(t *testing.T) {
	v := fixture("nb")
	v.Decided, v.ConsentID, v.DecidedAt = true, "0123456789abcdef0123456789abcdef", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	out := string(SettingsPage(v))
	if !strings.Contains(out, `<code>0123456789abcdef0123456789abcdef</code>`) || !strings.Contains(out, `<time datetime="2026-03-01T12:00:00Z">2026-03-01</time>`) {
		t.Errorf("settings page lacks the consent ID and date:\n%s", out)
	}
	v.ConsentID = `"><script>alert(1)</script>`
	if out := string(SettingsPage(v)); strings.Contains(out, "consent-record") || strings.Contains(out, "<script>alert") {
		t.Errorf("a consent ID that is not hex was written")
	}
}

// TestRenderProviderLanguage: a provider the catalog marks "(set by this
// site)" is said in the visitor's language in the settings layer and on a
// placeholder, as the declaration says it.
func TestRenderProviderLanguage(t *testing.T) {
	for _, lang := range []string{"nb", "sv", "en"} {
		v := fixture(lang)
		v.Found[1].Provider = "Polylang (set by this site)"
		want := "Polylang (" + Text(lang, "set_by_site", nil) + ")"
		if lang == "en" {
			want = "Polylang (set by this site)"
		}
		for what, raw := range map[string][]byte{"banner": Render(v), "placeholder": Placeholder(v, v.Found[1], policy.Preferences)} {
			out := []byte(html.UnescapeString(string(raw)))
			if !bytes.Contains(out, []byte(want)) {
				t.Errorf("%s %s: no %q", lang, what, want)
			}
			if lang != "en" && bytes.Contains(out, []byte("set by this site")) {
				t.Errorf("%s %s: English provider suffix left", lang, what)
			}
		}
	}
}

// TestPlaceholderReloads: under csp enforce (View.Reloads) neither
// placeholder offers "show just this once", which the policy would refuse,
// so the banner script leaves their forms to post the plain way.
func TestPlaceholderReloads(t *testing.T) {
	for _, reloads := range []bool{false, true} {
		v := fixture("nb")
		v.Reloads = reloads
		for what, out := range map[string][]byte{
			"service":      Placeholder(v, v.Found[4], policy.Marketing),
			"unclassified": PlaceholderUnclassified(v),
		} {
			if got := bytes.Contains(out, []byte(`data-consent-embed="once"`)); got == reloads {
				t.Errorf("%s placeholder, Reloads %v: once button present %v", what, reloads, got)
			}
			if !bytes.Contains(out, []byte(`method="post" target="_top"`)) {
				t.Errorf("%s placeholder, Reloads %v: no plain form to the top window", what, reloads)
			}
		}
	}
}
