package consent

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// TestDeclarationForAudit serves the declaration of a site that set the seed
// policies' cookies, through a real Caddy, in Norwegian and Swedish HTML and
// in JSON: the consent cookie is listed as necessary with the configured
// lifetime, the date the record last grew is stated, a link leads to the
// settings page in the same language, lifetimes agree with the banner's, and
// no English catalog purpose appears on a Norwegian or Swedish page. The
// settings page reached from a Norwegian page by a browser that prefers
// English is Norwegian and lists the services found on the site.
func TestDeclarationForAudit(t *testing.T) {
	up := newCookieSite(t)
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %[2]s
		max_age 30d
		cookie_name samtykke
		cookie pll_language preferences "Husker språket du valgte" {
			provider "Nordlys Kaffe AS"
			service Språkvelgeren
		}
	}
	reverse_proxy %[1]s
}
`, strings.TrimPrefix(up.URL, "http://"), secret))
	base := srv.URL(1)
	before := time.Now().UTC().Truncate(24 * time.Hour)
	// A visitor who prefers English sees the Norwegian page (and its banner).
	_, body := page(t, base, "", map[string]string{"Accept-Language": "en"})
	if !strings.Contains(body, "data-consent-banner") {
		t.Fatal("no banner on the page")
	}
	today := time.Now().UTC().Format(time.DateOnly)
	if before.Format(time.DateOnly) != today {
		t.Skip("the date changed during the test") // midnight UTC: the date assertion below would be ambiguous
	}

	englishPurposes := []string{}
	for _, name := range []string{"_ga", "_fbp", "PHPSESSID", "pll_language", "wordpress_logged_in_*"} {
		if ck := catalog.Default().MatchCookie(name); ck != nil && ck.Purpose != "" {
			englishPurposes = append(englishPurposes, ck.Purpose)
		}
	}
	if len(englishPurposes) != 5 {
		t.Fatalf("catalog purposes: %q", englishPurposes)
	}

	for _, lang := range []string{"nb", "sv"} {
		t.Run(lang, func(t *testing.T) {
			_, raw := get(t, "GET", base+"/_consent/cookies?lang="+lang, nil)
			s := string(raw)
			text := html.UnescapeString(s)
			for _, want := range []string{
				`<code>samtykke</code>`,
				banner.Text(lang, "consent_cookie_purpose", nil),
				banner.FormatLifetime(lang, "30d"),
				strings.ReplaceAll(banner.Text(lang, "declaration_updated", nil), "{date}", `<time datetime="`+today+`">`+today+`</time>`),
				`href="/_consent/settings?lang=` + lang + `"`,
				banner.Text(lang, "change_consent", nil),
				catalog.CookiePurpose(lang, "_ga", ""), // the catalog's purposes, translated
				catalog.CookiePurpose(lang, "_fbp", ""),
				catalog.CookiePurpose(lang, "PHPSESSID", ""),
				"Husker språket du valgte",                                                                // the operator's purpose, as written
				banner.FormatLifetime(lang, "13mo"),                                                       // _ga: what a browser keeps, as the banner says
				"<code>pll_language</code><br><small>Språkvelgeren</small></td><td>Nordlys Kaffe AS</td>", // the rule's service and provider
				"WordPress (" + banner.Text(lang, "set_by_site", nil) + ")",                               // not "(set by this site)"
			} {
				if !strings.Contains(text, want) {
					t.Errorf("the %s declaration lacks %q", lang, want)
				}
			}
			for _, en := range englishPurposes {
				if strings.Contains(text, en) {
					t.Errorf("the %s declaration has the English purpose %q", lang, en)
				}
			}
			if strings.Contains(text, banner.FormatLifetime(lang, "2y")) {
				t.Errorf("the %s declaration states a lifetime over 400 days", lang)
			}
			// The consent cookie is in the necessary section.
			nec := text[strings.Index(text, `id="consent-decl-necessary"`):strings.Index(text, `id="consent-decl-preferences"`)]
			if !strings.Contains(nec, "<code>samtykke</code>") {
				t.Errorf("the consent cookie is not listed as necessary")
			}
		})
	}

	t.Run("json", func(t *testing.T) {
		_, raw := get(t, "GET", base+"/_consent/cookies?format=json", nil)
		var d struct {
			Updated     time.Time `json:"updated"`
			SettingsURL string    `json:"settings_url"`
			Categories  []struct {
				Category string `json:"category"`
				Cookies  []struct {
					Name, Provider, Purpose, Lifetime string
				} `json:"cookies"`
			} `json:"categories"`
		}
		if err := json.Unmarshal(raw, &d); err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		if d.Updated.Format(time.DateOnly) != today || d.SettingsURL != "/_consent/settings" {
			t.Errorf("updated %v, settings_url %q", d.Updated, d.SettingsURL)
		}
		found := false
		for _, c := range d.Categories {
			for _, ck := range c.Cookies {
				if ck.Name == "samtykke" {
					found = c.Category == "necessary" && ck.Lifetime == "30d" && ck.Provider == "127.0.0.1" &&
						ck.Purpose == banner.Text("en", "consent_cookie_purpose", nil)
					if !found {
						t.Errorf("consent cookie row %+v in %s", ck, c.Category)
					}
				}
				if ck.Name == "_ga" && ck.Lifetime != "13mo" {
					t.Errorf("_ga lifetime %q, want 13mo", ck.Lifetime)
				}
			}
		}
		if !found {
			t.Errorf("no consent cookie in the JSON declaration: %s", raw)
		}
	})

	t.Run("consent ID", func(t *testing.T) {
		// Before a choice: nothing to quote, and a shared cache may keep it.
		resp, raw := get(t, "GET", base+"/_consent/cookies?lang=nb", nil)
		if strings.Contains(string(raw), "consent-record") || resp.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("undecided: Cache-Control %q, record shown: %v", resp.Header.Get("Cache-Control"), strings.Contains(string(raw), "consent-record"))
		}
		resp, _ = hostRequest(t, "POST", base, "/_consent", "127.0.0.1", "", url.Values{"action": {"reject-all"}})
		ck := ""
		for _, c := range resp.Cookies() {
			if c.Name == "samtykke" {
				ck = c.Name + "=" + c.Value
			}
		}
		if ck == "" {
			t.Fatalf("no samtykke cookie in %v", resp.Header.Values("Set-Cookie"))
		}
		id := ""
		// The ID is in the cookie's record; read it back from the settings
		// page and check the declaration and JSON agree.
		_, raw = get(t, "GET", base+"/_consent/settings?lang=nb", map[string]string{"Cookie": ck})
		m := regexp.MustCompile(`<code>([0-9a-f]{32})</code>`).FindStringSubmatch(string(raw))
		if m == nil {
			t.Fatalf("settings page shows no consent ID: %.2000s", raw)
		}
		id = m[1]
		rec := strings.ReplaceAll(banner.Text("nb", "consent_record", nil), "{id}", "<code>"+id+"</code>")
		rec = rec[:strings.Index(rec, "{date}")]
		if !strings.Contains(html.UnescapeString(string(raw)), rec) || !strings.Contains(string(raw), `>`+today+`</time>`) {
			t.Errorf("settings page lacks %q and the date %s", rec, today)
		}
		resp, raw = get(t, "GET", base+"/_consent/cookies?lang=sv", map[string]string{"Cookie": ck})
		if !strings.Contains(string(raw), "<code>"+id+"</code>") || !strings.Contains(string(raw), `>`+today+`</time>`) {
			t.Errorf("the declaration does not state the visitor's consent ID and date")
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "private, no-store" || !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Cookie") {
			t.Errorf("a declaration with a consent ID is Cache-Control %q, Vary %q", cc, resp.Header.Values("Vary"))
		}
		_, raw = get(t, "GET", base+"/_consent/cookies?format=json", map[string]string{"Cookie": ck})
		var d struct {
			Consent struct {
				ID      string    `json:"id"`
				Decided time.Time `json:"decided"`
			} `json:"consent"`
		}
		if err := json.Unmarshal(raw, &d); err != nil || d.Consent.ID != id || d.Consent.Decided.Format(time.DateOnly) != today {
			t.Errorf("JSON consent %+v (%v), want %s on %s", d.Consent, err, id, today)
		}
	})

	t.Run("settings page from a Norwegian page", func(t *testing.T) {
		_, raw := get(t, "GET", base+"/_consent/settings?lang=nb&return=/", map[string]string{"Accept-Language": "en"})
		s := html.UnescapeString(string(raw))
		if !strings.Contains(s, `<html lang="nb"`) || !strings.Contains(s, banner.Text("nb", "settings_title", nil)) {
			t.Fatalf("settings page is not Norwegian: %.300s", s)
		}
		for _, svc := range []string{"Google Analytics", "Meta Pixel"} {
			if !strings.Contains(s, svc) {
				t.Errorf("settings page does not list %s", svc)
			}
		}
		// With their purposes in Norwegian.
		for _, id := range []string{"google-analytics", "meta-pixel"} {
			if p := catalog.ServicePurpose("nb", id); p == "" || !strings.Contains(s, p) {
				t.Errorf("settings page lacks the Norwegian purpose of %s %q", id, p)
			}
			if en := catalog.Default().Service(id).Purpose; strings.Contains(s, en) {
				t.Errorf("Norwegian settings page has the English purpose of %s", id)
			}
		}
		// Without lang it follows Accept-Language, as before.
		_, raw = get(t, "GET", base+"/_consent/settings", map[string]string{"Accept-Language": "sv"})
		if !strings.Contains(string(raw), `<html lang="sv"`) {
			t.Errorf("settings page without lang ignores Accept-Language")
		}
	})
}
