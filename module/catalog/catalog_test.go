package catalog

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestDefaultParses(t *testing.T) {
	c, err := parse(catalogJSON)
	if err != nil {
		t.Fatalf("embedded catalog.json: %v", err)
	}
	if got := len(c.Services()); got < 300 {
		t.Errorf("%d services, want at least 300", got)
	}
	if got := len(c.Cookies()); got < 400 {
		t.Errorf("%d cookie patterns, want at least 400", got)
	}
	if Default() != Default() {
		t.Error("Default() builds a new catalog per call")
	}
}

func TestBrokenCatalogIsRejected(t *testing.T) {
	valid := func() map[string]any {
		var m map[string]any
		if err := json.Unmarshal(catalogJSON, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	firstService := func(m map[string]any) map[string]any { return m["services"].([]any)[0].(map[string]any) }
	firstCookie := func(m map[string]any) map[string]any { return m["cookies"].([]any)[0].(map[string]any) }
	tests := []struct {
		name    string
		corrupt func(m map[string]any)
		want    string
	}{
		{"unknown category", func(m map[string]any) { firstService(m)["category"] = "statistics" }, "unknown category"},
		{"duplicate id", func(m map[string]any) {
			s := m["services"].([]any)
			s[1].(map[string]any)["id"] = s[0].(map[string]any)["id"]
		}, "used twice"},
		{"bad lifetime", func(m map[string]any) { firstCookie(m)["lifetime"] = "forever" }, "lifetime"},
		{"no purpose", func(m map[string]any) { firstService(m)["purpose"] = "" }, "no purpose"},
		{"unknown field", func(m map[string]any) { firstService(m)["colour"] = "red" }, "unknown field"},
		{"bad host", func(m map[string]any) { firstService(m)["hosts"] = []any{"*.example.com"} }, "plain lower-case host"},
		{"upper-case host", func(m map[string]any) { firstService(m)["hosts"] = []any{"Example.com"} }, "plain lower-case host"},
		{"bad url glob", func(m map[string]any) { firstService(m)["urls"] = []any{"exa*mple.com/x"} }, "whole first label"},
		{"dangling cookie service", func(m map[string]any) { firstCookie(m)["service"] = "no-such-service" }, "unknown service"},
		{"cookie not listed by its service", func(m map[string]any) {
			for _, s := range m["services"].([]any) {
				if s.(map[string]any)["id"] == "google-analytics" {
					s.(map[string]any)["cookies"] = []any{"_ga"}
				}
			}
		}, "does not list it"},
		{"shared host", func(m map[string]any) {
			s := m["services"].([]any)
			s[1].(map[string]any)["hosts"] = s[0].(map[string]any)["hosts"]
		}, "already claimed"},
		{"duplicate cookie", func(m map[string]any) {
			c := m["cookies"].([]any)
			m["cookies"] = append(c, c[0])
		}, "listed twice"},
		{"http privacy url", func(m map[string]any) { firstService(m)["privacy_url"] = "http://example.com/" }, "https URL"},
		{"cookie path", func(m map[string]any) { firstCookie(m)["paths"] = []any{"wp-admin"} }, "cookie path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := valid()
			tt.corrupt(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			_, err = parse(data)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("parse() error = %v, want one containing %q", err, tt.want)
			}
			defer func() {
				if recover() == nil {
					t.Error("mustParse did not panic on a broken catalog")
				}
			}()
			mustParse(data)
		})
	}
	if _, err := parse([]byte(`{"services":[]} {}`)); err == nil {
		t.Error("trailing data accepted")
	}
}

// TestEveryRowReachable proves each host, URL glob, inline marker and cookie
// pattern of the data file leads back to its own row.
func TestEveryRowReachable(t *testing.T) {
	c := Default()
	for _, s := range c.Services() {
		t.Run(s.ID, func(t *testing.T) {
			if !s.Category.Valid() || s.Category.String() != s.CategoryName {
				t.Errorf("category %q → %v", s.CategoryName, s.Category)
			}
			if c.Service(s.ID) != s {
				t.Errorf("Service(%q) does not return the row", s.ID)
			}
			for _, h := range s.Hosts {
				for _, u := range []string{"https://" + h + "/zz-sample.js", "//zz-sub." + h + "/", "http://" + strings.ToUpper(h)} {
					if got := c.MatchURL([]byte(u)); got != s {
						t.Errorf("host %q: MatchURL(%q) = %v", h, u, id(got))
					}
				}
			}
			for _, g := range s.URLs {
				u := sampleURL(g)
				if got := c.MatchURL([]byte(u)); got != s {
					t.Errorf("url %q: MatchURL(%q) = %v", g, u, id(got))
				}
			}
			for _, m := range s.Inline {
				script := "(function(){ /* x */ " + m + " })();"
				if got := c.MatchInline([]byte(script)); got != s {
					t.Errorf("inline %q: MatchInline = %v", m, id(got))
				}
				if got := c.InlineCategories([]byte(script)); !got.Has(s.Category) {
					t.Errorf("inline %q: InlineCategories = %v, want it to hold %v", m, got, s.Category)
				}
			}
			for _, p := range s.Cookies {
				if ck := c.MatchCookie(sampleCookie(p)); ck == nil || ck.Service != s.ID {
					t.Errorf("cookie %q does not lead back to %s", p, s.ID)
				}
			}
		})
	}
	for _, ck := range c.Cookies() {
		name := sampleCookie(ck.Pattern)
		if got := c.MatchCookie(name); got != ck {
			t.Errorf("cookie %q: MatchCookie(%q) = %v", ck.Pattern, name, got)
		}
		if !ck.Category.Valid() || ck.Category.String() != ck.CategoryName {
			t.Errorf("cookie %q: category %q → %v", ck.Pattern, ck.CategoryName, ck.Category)
		}
		if _, ok := ParseLifetime(ck.Lifetime); !ok {
			t.Errorf("cookie %q: lifetime %q does not parse", ck.Pattern, ck.Lifetime)
		}
	}
}

func id(s *Service) string {
	if s == nil {
		return "nil"
	}
	return s.ID
}

// sampleURL makes a URL that a glob matches, "*" standing for "x".
func sampleURL(g string) string {
	if strings.HasPrefix(g, "/") {
		return strings.ReplaceAll(g, "*", "x")
	}
	if strings.HasPrefix(g, "*.") {
		g = "zz-sub" + g[1:]
	}
	return "https://" + strings.ReplaceAll(g, "*", "x")
}

// sampleCookie makes a cookie name that a pattern matches.
func sampleCookie(p string) string { return strings.ReplaceAll(p, "*", "1a2b3c") }

// TestSeedCookies checks that every cookie the seed policies name, and the
// cookies this product's brief lists, are classified as the policies describe
// them.
func TestSeedCookies(t *testing.T) {
	c := Default()
	tests := []struct {
		name     string
		category policy.Category
		service  string
	}{
		// Servebolt (seeds/002): Drupal, WordPress, Polylang, WP Comment, Crisp, Tapfiliate, mod_pagespeed, Cloudflare, GA.
		{"has_js", policy.Necessary, ""},
		{"SSESS0123456789abcdef0123456789abcdef", policy.Necessary, ""},
		{"SESS0123456789abcdef0123456789abcdef", policy.Necessary, ""},
		{"wordpress_logged_in_0123456789abcdef0123456789abcdef", policy.Necessary, ""},
		{"wordpress_sec_0123456789abcdef0123456789abcdef", policy.Necessary, ""},
		{"wordpress_0123456789abcdef0123456789abcdef", policy.Necessary, ""},
		{"wordpress_test_cookie", policy.Necessary, ""},
		{"wp-settings-1", policy.Preferences, ""},
		{"wp-settings-time-1", policy.Preferences, ""},
		{"pll_language", policy.Preferences, ""},
		{"wpcmt-star-12345", policy.Preferences, ""},
		{"crisp-client/session/00000000-0000-0000-0000-000000000000", policy.Preferences, "crisp"},
		{"crisp-client/socket/00000000-0000-0000-0000-000000000000", policy.Preferences, "crisp"},
		{"tap_vid", policy.Marketing, "tapfiliate"},
		{"_GPSLSC", policy.Necessary, "mod-pagespeed"},
		{"__cfduid", policy.Necessary, "cloudflare"},
		{"_ga", policy.Analytics, "google-analytics"},
		{"_gid", policy.Analytics, "universal-analytics"},
		// Hjemmebest (seeds/003): Google Analytics, Facebook, DoubleClick.
		{"_ga_ABC123XYZ", policy.Analytics, "google-analytics"},
		{"_gat", policy.Analytics, "universal-analytics"},
		{"_gat_UA-1234567-1", policy.Analytics, "universal-analytics"},
		{"_gat_gtag_UA_1234567_1", policy.Analytics, "universal-analytics"},
		{"_fbp", policy.Marketing, "meta-pixel"},
		{"_fbc", policy.Marketing, "meta-pixel"},
		{"fr", policy.Marketing, "meta-pixel"},
		{"IDE", policy.Marketing, "doubleclick"},
		{"test_cookie", policy.Marketing, "doubleclick"},
		{"_gcl_au", policy.Marketing, "google-ads"},
		{"_gcl_xy", policy.Marketing, "google-ads"},
		// Brief: the rest of WordPress, Drupal and infrastructure.
		{"comment_author_0123456789abcdef", policy.Preferences, ""},
		{"comment_author_email_0123456789abcdef", policy.Preferences, ""},
		{"comment_author_url_0123456789abcdef", policy.Preferences, ""},
		{"wp_woocommerce_session_0123456789abcdef", policy.Necessary, ""},
		{"woocommerce_cart_hash", policy.Necessary, ""},
		{"woocommerce_anything", policy.Necessary, ""},
		{"wp_lang", policy.Necessary, ""},
		{"Drupal.visitor.name", policy.Preferences, ""},
		{"PHPSESSID", policy.Necessary, ""},
		{"__cf_bm", policy.Necessary, "cloudflare"},
		{"cf_clearance", policy.Necessary, "cloudflare"},
		{"consent", policy.Necessary, ""},
		{"_hjSessionUser_1234567", policy.Analytics, "hotjar"},
		{"_clck", policy.Analytics, "microsoft-clarity"},
		{"__hstc", policy.Marketing, "hubspot"},
		{"hubspotutk", policy.Marketing, "hubspot"},
		{"li_sugr", policy.Marketing, "linkedin-insight"},
		{"_ttp", policy.Marketing, "tiktok-pixel"},
		{"_pk_id.1.1fff", policy.Analytics, "matomo"},
		{"_uetvid", policy.Marketing, "bing-uet"},
		{"_pin_unauth", policy.Marketing, "pinterest"},
		{"VISITOR_INFO1_LIVE", policy.Marketing, "youtube"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ck := c.MatchCookie(tt.name)
			if ck == nil {
				t.Fatalf("MatchCookie(%q) = nil", tt.name)
			}
			if ck.Category != tt.category || ck.Service != tt.service {
				t.Errorf("MatchCookie(%q) = %q %v/%q, want %v/%q", tt.name, ck.Pattern, ck.Category, ck.Service, tt.category, tt.service)
			}
		})
	}
	// The services the seed policies name must exist as rows.
	for _, id := range []string{"google-analytics", "meta-pixel", "facebook-social", "doubleclick", "google-ads", "hubspot", "tapfiliate", "crisp", "cloudflare", "mod-pagespeed", "stripe"} {
		if c.Service(id) == nil {
			t.Errorf("service %q missing", id)
		}
	}
}

func TestParseLifetime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"session", 0, true},
		{"1m", time.Minute, true},
		{"24h", 24 * time.Hour, true},
		{"90d", 90 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true},
		{"12mo", 365 * 24 * time.Hour, true},
		{"13mo", 13 * 730 * time.Hour, true},
		{"2y", 2 * 365 * 24 * time.Hour, true},
		{"", 0, false},
		{"0d", 0, false},
		{"07d", 0, false},
		{"d", 0, false},
		{"1", 0, false},
		{"1 d", 0, false},
		{"-1d", 0, false},
		{"1.5y", 0, false},
		{"1s", 0, false},
		{"Session", 0, false},
		{"99999999999999999999y", 0, false},
		{"2147483647y", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseLifetime(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseLifetime(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// TestNestedHostsAreDeliberate keeps host suffixes from overlapping by accident.
// Two rows never share a host (parse rejects that); but a row may claim a
// subdomain of another row's host, and then the longer suffix wins for that
// subdomain. Each such pair is listed here with the reason, so that a new row
// cannot quietly take traffic from an existing one.
func TestNestedHostsAreDeliberate(t *testing.T) {
	deliberate := map[string]string{
		// Google's tracking subdomains of doubleclick.net belong to the product that uses them.
		"stats.g.doubleclick.net":        "google-analytics",
		"googleads.g.doubleclick.net":    "google-ads",
		"securepubads.g.doubleclick.net": "google-ad-manager",
		"pubads.g.doubleclick.net":       "google-ad-manager",
		// Advertising pixels beside the same company's embeds and widgets.
		"snap.licdn.com":          "linkedin-insight",
		"px.ads.linkedin.com":     "linkedin-insight",
		"ads.linkedin.com":        "linkedin-insight",
		"analytics.tiktok.com":    "tiktok-pixel",
		"analytics.us.tiktok.com": "tiktok-pixel",
		"analytics.twitter.com":   "twitter-pixel",
		"ads-api.twitter.com":     "twitter-pixel",
		"alb.reddit.com":          "reddit-pixel",
		"events.redditmedia.com":  "reddit-pixel",
		// Adobe Target's edge is a subdomain of Adobe Analytics' collection domain.
		"tt.omtrdc.net": "adobe-target",
		// Form and booking files (preferences) beside the same company's marketing tracker.
		"cdn-images.mailchimp.com": "mailchimp-forms",
		"meetings.hubspot.com":     "hubspot-meetings",
		"meetings-eu1.hubspot.com": "hubspot-meetings",
	}
	c := Default()
	owner := map[string]*Service{}
	for _, s := range c.Services() {
		for _, h := range s.Hosts {
			owner[h] = s
		}
	}
	seen := map[string]bool{}
	for h, s := range owner {
		for i := strings.IndexByte(h, '.'); i >= 0 && i < len(h)-1; {
			suffix := h[i+1:]
			if o := owner[suffix]; o != nil && o != s {
				seen[h] = true
				if deliberate[h] != s.ID {
					t.Errorf("%s (%s) lies under %s (%s): list it in deliberate with the reason, or drop one", h, s.ID, suffix, o.ID)
				}
				if got := c.MatchURL([]byte("https://" + h + "/x.js")); got != s {
					t.Errorf("%s: MatchURL = %s, want the longer suffix's row %s", h, id(got), s.ID)
				}
			}
			j := strings.IndexByte(suffix, '.')
			if j < 0 {
				break
			}
			i += 1 + j
		}
	}
	for h := range deliberate {
		if !seen[h] {
			t.Errorf("deliberate overlap %s no longer exists: remove it from the list", h)
		}
	}
}
