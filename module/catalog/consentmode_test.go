package catalog

import (
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/policy"
)

// consentModeTags are the services that read Google Consent Mode, from
// Google's own list of tags that do (the Google tag, Tag Manager, Google
// Ads, Floodlight, AdSense, Ad Manager; developers.google.com/tag-platform/
// security/concepts/consent-mode). Universal Analytics reads it too.
var consentModeTags = []string{
	"google-analytics", "universal-analytics", "google-tag-manager",
	"google-ads", "doubleclick", "google-adsense", "google-ad-manager",
}

// The consent_mode column marks exactly Google's tags: every id above is a
// catalog row flagged consent_mode, and no other row is.
func TestConsentModeColumn(t *testing.T) {
	c := Default()
	want := map[string]bool{}
	for _, id := range consentModeTags {
		want[id] = true
		s := c.Service(id)
		if s == nil {
			t.Errorf("%s: no such catalog row", id)
			continue
		}
		if !s.ConsentMode {
			t.Errorf("%s reads Google Consent Mode but has no consent_mode", id)
		}
	}
	for _, s := range c.Services() {
		if s.ConsentMode && !want[s.ID] {
			t.Errorf("%s is marked consent_mode but is not one of Google's tags", s.ID)
		}
		if s.ConsentMode && !strings.HasPrefix(s.Provider, "Google") {
			t.Errorf("%s is marked consent_mode, provider %q", s.ID, s.Provider)
		}
	}
}

// The tags as pages load them classify to flagged rows, Google's embeds to
// unflagged ones, and an operator's re-categorised copy keeps the flag.
func TestConsentModeByURL(t *testing.T) {
	c := Default()
	for u, flagged := range map[string]bool{
		"https://www.googletagmanager.com/gtag/js?id=G-ABC123":           true,
		"https://www.googletagmanager.com/gtag/js?id=AW-123":             true,
		"https://www.googletagmanager.com/gtag/js?id=DC-123":             true,
		"https://www.googletagmanager.com/gtm.js?id=GTM-ABC":             true,
		"https://www.google-analytics.com/analytics.js":                  true,
		"https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js": true,
		"https://securepubads.g.doubleclick.net/tag/js/gpt.js":           true,
		"https://www.youtube.com/embed/abc":                              false,
		"https://www.google.com/maps/embed?pb=1":                         false,
		"https://www.google.com/recaptcha/api.js":                        false,
	} {
		s := c.MatchURL([]byte(u))
		if s == nil {
			t.Errorf("%s: no service", u)
			continue
		}
		if s.ConsentMode != flagged {
			t.Errorf("%s → %s, consent_mode %v, want %v", u, s.ID, s.ConsentMode, flagged)
		}
	}
	re, err := c.With(Rules{Block: []URLRule{{Glob: "www.googletagmanager.com/gtag/js*", Category: policy.Marketing}}})
	if err != nil {
		t.Fatal(err)
	}
	s := re.MatchURL([]byte("https://www.googletagmanager.com/gtag/js?id=G-ABC123"))
	if s == nil || s.Category != policy.Marketing || !s.ConsentMode {
		t.Errorf("re-categorised Google tag = %+v, want marketing with consent_mode", s)
	}
}
