package catalog_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/banner"
	"github.com/samtykke/caddy-consent/module/catalog"
)

// seedServices and seedCookies are what the seed policies (Norwegian and
// Swedish WordPress and Drupal sites) name, and the most common services:
// every language must translate them.
var (
	seedServices = []string{
		"google-analytics", "universal-analytics", "google-tag-manager", "google-ads", "doubleclick",
		"youtube", "google-maps", "google-fonts", "meta-pixel", "facebook-social", "instagram",
		"linkedin-insight", "microsoft-clarity", "hotjar", "matomo", "tapfiliate", "cloudflare",
		"mod-pagespeed", "jetpack-stats", "gravatar",
	}
	seedCookies = []string{
		"_ga", "_gid", "_fbp", "PHPSESSID", "pll_language", "tap_vid", "has_js", "SESS*", "SSESS*",
		"wordpress_logged_in_*", "wordpress_sec_*", "wordpress_test_cookie", "__cfduid",
	}
)

func TestPurposeTranslations(t *testing.T) {
	cat := catalog.Default()
	english := map[string]string{}
	for _, ck := range cat.Cookies() {
		english[ck.Pattern] = ck.Purpose
	}
	langs := catalog.PurposeLanguages()
	if len(langs) == 0 {
		t.Fatal("no purpose translations embedded")
	}
	refSvc, refCk := catalog.PurposeKeys(langs[0])
	if len(refSvc) < 50 {
		t.Errorf("%s translates %d services, want at least the 50 most common", langs[0], len(refSvc))
	}
	for _, id := range seedServices {
		if !slices.Contains(refSvc, id) {
			t.Errorf("service %q of the seed policies has no translated purpose", id)
		}
	}
	for _, p := range seedCookies {
		if !slices.Contains(refCk, p) {
			t.Errorf("cookie %q of the seed policies has no translated purpose", p)
		}
	}
	banners := banner.Languages()
	// Every built-in banner language but English (the catalog's own) has
	// its file: a page in any of them is never half English.
	want := slices.DeleteFunc(slices.Clone(banners), func(l string) bool { return l == "en" })
	if !slices.Equal(langs, want) {
		t.Errorf("purpose translations for %q, want every non-English banner language %q", langs, want)
	}
	for _, lang := range langs {
		if lang == "en" || !slices.Contains(banners, lang) {
			t.Errorf("purposes/%s.json: not a built-in non-English banner language", lang)
		}
		svc, ck := catalog.PurposeKeys(lang)
		if !slices.Equal(svc, refSvc) || !slices.Equal(ck, refCk) {
			t.Errorf("purposes/%s.json has other keys than purposes/%s.json:\nservices %q\nwant     %q\ncookies %q\nwant    %q",
				lang, langs[0], svc, refSvc, ck, refCk)
		}
		for _, id := range svc {
			s := cat.Service(id)
			if s == nil {
				t.Errorf("purposes/%s.json: service %q is not in the catalog", lang, id)
				continue
			}
			checkText(t, lang, id, catalog.ServicePurpose(lang, id), s.Purpose)
		}
		for _, p := range ck {
			en, ok := english[p]
			if !ok {
				t.Errorf("purposes/%s.json: cookie pattern %q is not in the catalog", lang, p)
				continue
			}
			checkText(t, lang, p, catalog.CookiePurpose(lang, p, ""), en)
		}
	}
	if catalog.ServicePurpose("en", "google-analytics") != "" || catalog.CookiePurpose("en", "_ga", "google-analytics") != "" {
		t.Error("English has translated purposes; it must use the catalog's own")
	}
}

func checkText(t *testing.T, lang, key, s, en string) {
	t.Helper()
	switch {
	case strings.TrimSpace(s) == "":
		t.Errorf("purposes/%s.json: %q is empty", lang, key)
	case s == en:
		t.Errorf("purposes/%s.json: %q is the English purpose", lang, key)
	case s != strings.TrimSpace(s) || strings.Contains(s, "  "):
		t.Errorf("purposes/%s.json: %q has stray spaces: %q", lang, key, s)
	case !strings.HasSuffix(s, "."):
		t.Errorf("purposes/%s.json: %q does not end a sentence: %q", lang, key, s)
	}
}

// A cookie row without a translation of its own says what its service is for.
func TestCookiePurposeFallsBackToService(t *testing.T) {
	for _, lang := range catalog.PurposeLanguages() {
		got := catalog.CookiePurpose(lang, "_gat*", "universal-analytics")
		if want := catalog.ServicePurpose(lang, "universal-analytics"); got != want || got == "" {
			t.Errorf("%s: _gat* purpose %q, want Universal Analytics' %q", lang, got, want)
		}
		if got := catalog.CookiePurpose(lang, "mp_*_mixpanel", "mixpanel"); got != "" {
			t.Errorf("%s: Mixpanel's cookie has purpose %q; it is not translated, the category's purpose stands in", lang, got)
		}
	}
}
