package banner

import (
	"html"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// The standalone settings page names each service's purpose in its language
// where the catalog translates it; the in-page layer does not, to stay within
// its size budget, and says the category's purpose instead.
func TestSettingsPageTranslatedPurposes(t *testing.T) {
	for _, lang := range []string{"nb", "sv"} {
		v := fixture(lang)
		page := html.UnescapeString(string(SettingsPage(v)))
		inPage := html.UnescapeString(string(Render(v)))
		for _, id := range []string{"google-analytics", "youtube"} {
			p := catalog.ServicePurpose(lang, id)
			if p == "" {
				t.Fatalf("%s: no translated purpose for %s", lang, id)
			}
			if !strings.Contains(page, p) {
				t.Errorf("%s settings page lacks %s's purpose %q", lang, id, p)
			}
			if strings.Contains(inPage, p) {
				t.Errorf("%s in-page layer carries %s's purpose %q", lang, id, p)
			}
		}
		// Never the English one on a page in another language.
		if en := v.Found[2].Purpose; strings.Contains(page, en) || strings.Contains(inPage, en) {
			t.Errorf("%s: English purpose %q shown", lang, en)
		}
	}
}
