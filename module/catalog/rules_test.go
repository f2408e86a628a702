package catalog

import (
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestWith(t *testing.T) {
	base := Default()
	gaBefore := base.Service("google-analytics").Category
	r, err := base.With(Rules{
		Block: []URLRule{
			{Glob: "cdn.tracker.example", Category: policy.Analytics},
			{Glob: "cdn.tracker.example/pixel/*", Category: policy.Marketing},
			{Glob: "https://stats.example.no/js/*", Category: policy.Analytics},
			{Glob: "/wp-content/plugins/pixelyoursite/*", Category: policy.Marketing},
			{Glob: "*.ads.example", Category: policy.Marketing},
			{Glob: "google-analytics.com", Category: policy.Necessary},   // known host: re-categorises the service
			{Glob: "www.google.com/maps*", Category: policy.Preferences}, // known URL glob
		},
		BlockInline: []InlineRule{
			{Substring: "myTracker.init(", Category: policy.Analytics},
			{Substring: "_hjSettings", Category: policy.Marketing}, // known marker
		},
		Allow: []string{"www.youtube-nocookie.com", "www.facebook.com/plugins/*"},
		Cookies: []CookieRule{
			{Glob: "_ga", Category: policy.Marketing, Purpose: "Operator says so."},
			{Glob: "shop_session", Category: policy.Necessary},
			{Glob: "_hjid", Category: policy.Analytics}, // keeps Hotjar's own category against the service's new one
		},
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("default untouched", func(t *testing.T) {
		if base.Service("google-analytics").Category != gaBefore || base.Service("google-analytics").Custom {
			t.Error("With changed Default()'s service")
		}
		if ck := base.MatchCookie("_ga"); ck.Category != policy.Analytics || ck.Custom {
			t.Error("With changed Default()'s cookie")
		}
		if base.MatchURL([]byte("https://cdn.tracker.example/x.js")) != nil {
			t.Error("With added a rule to Default()")
		}
		if base.MatchURL([]byte("https://www.youtube-nocookie.com/embed/x")) == nil {
			t.Error("With's allow leaked into Default()")
		}
	})

	t.Run("urls", func(t *testing.T) {
		tests := []struct {
			url      string
			name     string
			category policy.Category
		}{
			{"https://cdn.tracker.example/lib.js", "cdn.tracker.example", policy.Analytics},
			{"https://eu.cdn.tracker.example/lib.js", "cdn.tracker.example", policy.Analytics},
			{"https://cdn.tracker.example/pixel/1.gif", "cdn.tracker.example", policy.Marketing},
			{"https://stats.example.no/js/t.js", "stats.example.no", policy.Analytics},
			{"/wp-content/plugins/pixelyoursite/dist/scripts/public.js", "/wp-content/plugins/pixelyoursite/*", policy.Marketing},
			{"https://www.example.no/wp-content/plugins/pixelyoursite/x.js", "/wp-content/plugins/pixelyoursite/*", policy.Marketing},
			{"https://x.ads.example/a.js", "ads.example", policy.Marketing},
			{"https://www.google-analytics.com/g/collect", "Google Analytics", policy.Necessary},
			{"https://www.google.com/maps/embed?pb=1", "Google Maps", policy.Preferences},
			{"https://maps.googleapis.com/maps/api/js", "Google Maps", policy.Preferences},
		}
		for _, tt := range tests {
			s := r.MatchURL([]byte(tt.url))
			if s == nil || s.Name != tt.name || s.Category != tt.category || !s.Custom {
				t.Errorf("MatchURL(%q) = %+v, want %q %v custom", tt.url, s, tt.name, tt.category)
			}
			if s != nil && r.Service(s.ID) != s {
				t.Errorf("Service(%q) does not find the synthesised row", s.ID)
			}
		}
		if s := r.MatchURL([]byte("https://ads.example/a.js")); s != nil {
			t.Errorf("*.ads.example matched its apex: %s", s.ID)
		}
		if s := r.MatchURL([]byte("https://stats.example.no/other.js")); s != nil {
			t.Errorf("a host/path glob matched another path: %s", s.ID)
		}
	})

	t.Run("allow wins", func(t *testing.T) {
		for _, u := range []string{"https://www.youtube-nocookie.com/embed/x", "https://www.facebook.com/plugins/page.php?x"} {
			if s := r.MatchURL([]byte(u)); s != nil {
				t.Errorf("allowed %q matched %s", u, s.ID)
			}
		}
		for u, want := range map[string]string{
			"https://www.youtube.com/embed/x":  "youtube",
			"https://www.facebook.com/tr?id=1": "meta-pixel",
		} {
			if got := id(r.MatchURL([]byte(u))); got != want {
				t.Errorf("MatchURL(%q) = %s, want %s", u, got, want)
			}
		}
	})

	t.Run("inline", func(t *testing.T) {
		if s := r.MatchInline([]byte("window.myTracker.init({id:1})")); s == nil || s.Name != "myTracker.init(" || s.Category != policy.Analytics {
			t.Errorf("custom marker: %+v", s)
		}
		if s := r.MatchInline([]byte("h._hjSettings={hjid:1}")); s == nil || s.ID != "hotjar" || s.Category != policy.Marketing {
			t.Errorf("re-categorised marker: %+v", s)
		}
		if s := r.MatchURL([]byte("https://static.hotjar.com/c/hotjar-1.js")); s == nil || s.Category != policy.Marketing {
			t.Errorf("re-categorising a marker re-categorises the whole service: %+v", s)
		}
	})

	t.Run("cookies", func(t *testing.T) {
		tests := []struct {
			name     string
			category policy.Category
			purpose  string
		}{
			{"_ga", policy.Marketing, "Operator says so."},
			{"_ga_X", policy.Necessary, ""}, // follows google-analytics, re-categorised by its host
			{"shop_session", policy.Necessary, customPurpose},
			{"_hjid", policy.Analytics, ""},
			{"_hjSession_1", policy.Marketing, ""}, // follows Hotjar
			{"mtm_consent", policy.Necessary, ""},  // untouched
		}
		for _, tt := range tests {
			ck := r.MatchCookie(tt.name)
			if ck == nil || ck.Category != tt.category || (tt.purpose != "" && ck.Purpose != tt.purpose) {
				t.Errorf("MatchCookie(%q) = %+v, want %v %q", tt.name, ck, tt.category, tt.purpose)
			}
		}
		// A vendor's necessary opt-out cookie does not follow its service.
		r2, err := base.With(Rules{Block: []URLRule{{Glob: "hs-scripts.com", Category: policy.Analytics}}})
		if err != nil {
			t.Fatal(err)
		}
		if ck := r2.MatchCookie("__hs_opt_out"); ck.Category != policy.Necessary {
			t.Errorf("__hs_opt_out became %v", ck.Category)
		}
		if ck := r2.MatchCookie("__hstc"); ck.Category != policy.Analytics {
			t.Errorf("__hstc stayed %v", ck.Category)
		}
	})

	t.Run("ids unique", func(t *testing.T) {
		seen := map[string]bool{}
		for _, s := range r.Services() {
			if seen[s.ID] {
				t.Errorf("id %q twice", s.ID)
			}
			seen[s.ID] = true
		}
	})
}

func TestWithSynthesisedIDs(t *testing.T) {
	r, err := Default().With(Rules{Block: []URLRule{
		{Glob: "cdn.example.com", Category: policy.Analytics},
		{Glob: "cdn.example.com/ads/*", Category: policy.Marketing},
		{Glob: "cdn.example.com/more/*", Category: policy.Marketing},
	}})
	if err != nil {
		t.Fatal(err)
	}
	a := r.MatchURL([]byte("https://cdn.example.com/x"))
	m := r.MatchURL([]byte("https://cdn.example.com/ads/x"))
	m2 := r.MatchURL([]byte("https://cdn.example.com/more/x"))
	if a == nil || m == nil || a == m || m != m2 {
		t.Fatalf("want one service per host and category: %v %v %v", a, m, m2)
	}
	if a.ID != "custom-cdn.example.com" || m.ID != "custom-cdn.example.com-2" || a.Name != "cdn.example.com" || m.Name != "cdn.example.com" {
		t.Errorf("ids %q %q, names %q %q", a.ID, m.ID, a.Name, m.Name)
	}
}

func TestWithErrors(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		want  string
	}{
		{"bad block glob", Rules{Block: []URLRule{{Glob: "exa*mple.com", Category: policy.Analytics}}}, "whole first label"},
		{"no category", Rules{Block: []URLRule{{Glob: "example.com"}}}, "invalid category"},
		{"two categories", Rules{Block: []URLRule{{Glob: "example.com", Category: policy.Analytics}, {Glob: "EXAMPLE.com", Category: policy.Marketing}}}, "two categories"},
		{"known service twice", Rules{Block: []URLRule{{Glob: "google-analytics.com", Category: policy.Necessary}, {Glob: "analytics.google.com", Category: policy.Marketing}}}, "different categories"},
		{"blocked and allowed", Rules{Block: []URLRule{{Glob: "example.com", Category: policy.Analytics}}, Allow: []string{"https://example.com"}}, "both blocked"},
		{"bad allow", Rules{Allow: []string{"ftp://example.com"}}, "not http"},
		{"short inline", Rules{BlockInline: []InlineRule{{Substring: "ga", Category: policy.Analytics}}}, "shorter than 3"},
		{"inline category", Rules{BlockInline: []InlineRule{{Substring: "tracker(", Category: policy.Category(3)}}}, "invalid category"},
		{"bad cookie", Rules{Cookies: []CookieRule{{Glob: "a b", Category: policy.Analytics}}}, "cannot be part of a cookie name"},
		{"cookie star", Rules{Cookies: []CookieRule{{Glob: "*", Category: policy.Analytics}}}, "unknown_cookies"},
		{"cookie two categories", Rules{Cookies: []CookieRule{{Glob: "x", Category: policy.Analytics}, {Glob: "x", Category: policy.Marketing}}}, "two categories"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Default().With(tt.rules)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("With() error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	// Repeating a rule identically is harmless.
	if _, err := Default().With(Rules{
		Block:   []URLRule{{Glob: "a.example", Category: policy.Analytics}, {Glob: "a.example", Category: policy.Analytics}},
		Allow:   []string{"b.example", "b.example"},
		Cookies: []CookieRule{{Glob: "x", Category: policy.Analytics}, {Glob: "x", Category: policy.Analytics}},
	}); err != nil {
		t.Errorf("identical repeated rules: %v", err)
	}
}

func TestValidURLGlob(t *testing.T) {
	good := []string{
		"cdn.example.com",
		"CDN.Example.com",
		"*.example.com",
		"example.com/js/*",
		"https://example.com/js/*",
		"http://example.com",
		"//example.com/x",
		"www.facebook.com/tr?*",
		"www.google.com/maps*",
		"*.google-analytics.com/analytics.js*",
		"/matomo.js",
		"/*/matomo.php*",
		"localhost",
		"203.0.113.5",
		"example.com.",
		"my_host.example.com",
		"example.com/",
		"example.com/a*b*c",
	}
	for _, g := range good {
		if err := ValidURLGlob(g); err != nil {
			t.Errorf("ValidURLGlob(%q) = %v, want nil", g, err)
		}
	}
	bad := []string{
		"",
		" example.com",
		"example .com",
		"example.com/a b",
		"ftp://example.com",
		"javascript:alert(1)",
		"data:text/html,x",
		"example.com/**",
		"**.example.com",
		"goo*gle.com",
		"*google.com",
		"a.*.com",
		"example.*",
		"*",
		"*.",
		"*.com",
		"user@example.com",
		"example.com:8080",
		"example.com#frag",
		"example.com?x=1",
		"example..com",
		".example.com",
		"exa$mple.com",
		"exämple.com",
		"//",
		"https://",
		"//example.com//x",
		"/path\\x",
		"example.com/a#b",
		"example.com/\"x",
		strings.Repeat("a", 2049),
		strings.Repeat("a.", 130) + "com",
	}
	for _, g := range bad {
		if err := ValidURLGlob(g); err == nil {
			t.Errorf("ValidURLGlob(%q) = nil, want an error", g)
		}
	}
}

func TestValidCookieGlob(t *testing.T) {
	good := []string{"_ga", "_ga_*", "wp-settings-time-*", "mp_*_mixpanel", "*_session", "crisp-client/*", "Drupal.visitor.*", "__Host-id", "a"}
	for _, g := range good {
		if err := ValidCookieGlob(g); err != nil {
			t.Errorf("ValidCookieGlob(%q) = %v, want nil", g, err)
		}
	}
	bad := []string{"", "*", "**", "a**b", "a b", "a;b", "a=b", "a,b", `a"b`, `a\b`, "a\tb", "a\x00", "æøå", strings.Repeat("a", 257)}
	for _, g := range bad {
		if err := ValidCookieGlob(g); err == nil {
			t.Errorf("ValidCookieGlob(%q) = nil, want an error", g)
		}
	}
}

func TestCookieRuleProviderService(t *testing.T) {
	c, err := Default().With(Rules{Cookies: []CookieRule{
		{Glob: "shop_cart", Category: policy.Necessary, Provider: "Nordlys Kaffe AS", Service: "Nettbutikken"},
		{Glob: "_ga", Category: policy.Analytics, Provider: "Google LLC", Service: "google-tag-manager"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if ck := c.MatchCookie("shop_cart"); ck == nil || ck.Provider != "Nordlys Kaffe AS" || ck.Service != "" || ck.ServiceName != "Nettbutikken" {
		t.Errorf("shop_cart row %+v", ck)
	}
	if ck := c.MatchCookie("_ga"); ck == nil || ck.Provider != "Google LLC" || ck.Service != "google-tag-manager" || ck.ServiceName != "" {
		t.Errorf("_ga row %+v", ck)
	}
	if ck := Default().MatchCookie("_ga"); ck.Provider == "Google LLC" {
		t.Error("With changed the default catalog")
	}
}
