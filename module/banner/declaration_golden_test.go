package banner_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/inventory"
	"github.com/samtykke/caddy-consent/module/policy"
)

var update = flag.Bool("update", false, "rewrite the golden declarations in testdata/declaration")

// declOpts are the inputs of one rendering of the declaration, in this
// test's own terms, so that moving the renderer between packages changes
// only renderHTML and renderJSON below, never the cases or the golden files.
type declOpts struct {
	lang, policyURL, settingsURL string
	embed                        bool
	consentCookie                string
	consentMaxAge                time.Duration
	consentID                    string
	decided                      time.Time
}

func renderHTML(site inventory.Site, cat *catalog.Catalog, o declOpts) []byte {
	return banner.DeclarationPage(inventory.Declare(site, cat, inventory.DeclareOptions{
		SettingsURL: o.settingsURL, ConsentCookie: o.consentCookie, ConsentMaxAge: o.consentMaxAge,
		ConsentID: o.consentID, Decided: o.decided,
	}), banner.DeclarationOptions{Lang: o.lang, Embed: o.embed, PolicyURL: o.policyURL})
}

func renderJSON(site inventory.Site, cat *catalog.Catalog, o declOpts) ([]byte, error) {
	return json.Marshal(inventory.Declare(site, cat, inventory.DeclareOptions{
		SettingsURL: o.settingsURL, ConsentCookie: o.consentCookie, ConsentMaxAge: o.consentMaxAge,
		ConsentPurpose: banner.Text("en", "consent_cookie_purpose", nil), ConsentID: o.consentID, Decided: o.decided,
	}))
}

// goldenSite is a site with every kind of row the declaration has: cookies
// seen with and without a catalog row, an operator's rules (own purpose in
// the site's language, a service that is not a catalog one, a provider),
// services found in pages with and without cookies of their own, a held
// third-party host, run-time hosts from CSP reports (one a catalog service,
// one unknown with a hostile page path), and names no markup may carry.
func goldenSite(t *testing.T) (inventory.Site, *catalog.Catalog) {
	t.Helper()
	cat, err := catalog.Default().With(catalog.Rules{Cookies: []catalog.CookieRule{
		{Glob: "shop_cart_*", Category: policy.Preferences, Purpose: "Husker handlekurven din til neste bes\u00f8k.", Service: "Nettbutikk"},
		{Glob: "lang_pref", Category: policy.Preferences, Provider: "Example AS", Service: "youtube"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(50 * time.Hour)
	inv := inventory.New(cat, inventory.Options{})
	const host = "www.example.com"
	inv.ObserveSetCookie(host, []string{
		"wordpress_logged_in_0123456789abcdef0123456789abcdef=v; path=/; secure; HttpOnly",
		"wordpress_test_cookie=WP%20Cookie%20check; path=/; secure",
		"_ga=GA1.1.1.1; Max-Age=63072000; Path=/; SameSite=Lax",
		`</td></tr></table><script>alert(1)</script>"'&lt&=v`,
		"kj\u00f8pskurv_\u00f8nske=1; Max-Age=1209600",
	}, t0)
	inv.ObserveSetCookie(host, []string{
		"shop_cart_42=1; Max-Age=3600; SameSite=Strict; Secure",
		"lang_pref=nb; Max-Age=31536000",
	}, t1)
	inv.ObservePage(host, []*catalog.Service{
		cat.Service("google-analytics"), cat.Service("youtube"), cat.Service("google-tag-manager"), cat.Service("meta-pixel"),
	}, []string{"cdn.unknown.example", "widgets.other.example"}, t0)
	inv.ObserveRunTime(host, inventory.RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "script-src-elem", Page: "/shop"}, t0)
	inv.ObserveRunTime(host, inventory.RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "connect-src", Page: "/checkout"}, t1)
	inv.ObserveRunTime(host, inventory.RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: "/a<b>\"c"}, t0)
	return inv.Snapshot(host), cat
}

// TestDeclarationGolden pins the declaration's bytes: the page and the
// embed fragment in English, Norwegian and Swedish, and the JSON, for a
// site with every kind of row. Regenerate with -update only for a change
// meant to alter what visitors or machines read.
func TestDeclarationGolden(t *testing.T) {
	site, cat := goldenSite(t)
	decided := time.Date(2025, 3, 4, 9, 30, 0, 0, time.UTC)
	own := declOpts{consentCookie: "consent", consentMaxAge: 180 * 24 * time.Hour}
	cases := map[string]func() ([]byte, error){}
	for _, lang := range []string{"en", "nb", "sv"} {
		page := own
		page.lang, page.policyURL, page.settingsURL = lang, "/personvern", "/_consent/settings?lang="+lang
		page.consentID, page.decided = "0123456789abcdef0123456789abcdef", decided
		cases["page."+lang+".html"] = func() ([]byte, error) { return renderHTML(site, cat, page), nil }
		embed := own
		embed.lang, embed.embed, embed.policyURL, embed.settingsURL = lang, true, "/personvern", "/_consent/settings?lang="+lang
		cases["embed."+lang+".html"] = func() ([]byte, error) { return renderHTML(site, cat, embed), nil }
	}
	cases["plain.en.html"] = func() ([]byte, error) { return renderHTML(site, cat, declOpts{lang: "en"}), nil }
	js := own
	js.settingsURL, js.consentID, js.decided = "/_consent/settings", "0123456789abcdef0123456789abcdef", decided
	cases["declaration.json"] = func() ([]byte, error) { return renderJSON(site, cat, js) }
	cases["plain.json"] = func() ([]byte, error) { return renderJSON(site, cat, declOpts{}) }
	cases["empty.json"] = func() ([]byte, error) {
		return renderJSON(inventory.Site{Host: "example.com"}, catalog.Default(), declOpts{})
	}
	for name, render := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := render()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "declaration", name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("golden file missing (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Errorf("%s differs from the golden file at byte %d:\n got %q\nwant %q", name, i,
					got[max(0, i-80):min(len(got), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
		})
	}
}
