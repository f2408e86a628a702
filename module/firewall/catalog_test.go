package firewall

import (
	"net/http"
	"slices"
	"testing"

	"github.com/samtykke/caddy-consent/internal/setcookie"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// The cookies of the seed policies (shared/seeds), as a WordPress or Drupal
// origin sends them, through the real catalog.
var seedSetCookies = []struct {
	line string
	cat  policy.Category
}{
	{"wordpress_logged_in_5c016e8f0f95f039102cbe8366c5c7f3=admin%7C1700000000%7Cabc; path=/; HttpOnly", policy.Necessary},
	{"wordpress_test_cookie=WP%20Cookie%20check; path=/; secure", policy.Necessary},
	{"SSESS3a1f5b0c9d8e7f6a5b4c3d2e1f0a9b8c=abc; path=/; domain=.example.no; secure; HttpOnly", policy.Necessary},
	{"has_js=1; path=/", policy.Necessary},
	{"PHPSESSID=8f2b1c; path=/", policy.Necessary},
	{"pll_language=nb; expires=Wed, 21 Oct 2026 07:28:00 GMT; Max-Age=31536000; path=/", policy.Preferences},
	{"_ga=GA1.1.1234567890.1700000000; Domain=.example.no; Path=/; Max-Age=63072000", policy.Analytics},
	{"_gid=GA1.1.987654321.1700000000; Path=/; Max-Age=86400", policy.Analytics},
	{"tap_vid=abc123; Path=/; Max-Age=3888000", policy.Marketing},
	{"_fbp=fb.1.1700000000.123456789; Path=/; Max-Age=7776000", policy.Marketing},
	{"IDE=AHWqTUm; Domain=.doubleclick.net; Path=/; Secure; SameSite=None", policy.Marketing},
}

func TestCatalogClassifiesSeedCookies(t *testing.T) {
	cat := catalog.Default()
	for _, s := range seedSetCookies {
		name := setcookie.Name(s.line)
		row := cat.MatchCookie(name)
		if row == nil || row.Category != s.cat {
			t.Errorf("%s: catalog row %+v, want category %v", name, row, s.cat)
		}
	}
}

func TestFilterSetCookieWithCatalog(t *testing.T) {
	var lines []string
	for _, s := range seedSetCookies {
		lines = append(lines, s.line)
	}
	for _, granted := range []policy.Set{
		policy.SetOf(policy.Necessary),
		policy.SetOf(policy.Preferences),
		policy.SetOf(policy.Analytics),
		policy.SetOf(policy.Analytics, policy.Marketing),
		policy.All,
	} {
		t.Run(granted.String(), func(t *testing.T) {
			h := http.Header{"Set-Cookie": slices.Clone(lines)}
			dropped := FilterSetCookie(h, granted, catalog.Default(), false)
			var wantKept []string
			var wantDropped []Dropped
			for _, s := range seedSetCookies {
				if granted.Has(s.cat) {
					wantKept = append(wantKept, s.line)
				} else {
					wantDropped = append(wantDropped, Dropped{Name: setcookie.Name(s.line), Category: s.cat})
				}
			}
			if !slices.Equal(h["Set-Cookie"], wantKept) || !slices.Equal(dropped, wantDropped) {
				t.Fatalf("kept %q dropped %+v\nwant %q and %+v", h["Set-Cookie"], dropped, wantKept, wantDropped)
			}
		})
	}
}

func TestExpireAndStripWithCatalog(t *testing.T) {
	// A visitor withdrew analytics and marketing; the browser still sends them.
	h := http.Header{"Cookie": {"wordpress_logged_in_5c01=admin; _ga=GA1.1.1; pll_language=nb; _fbp=fb.1; consent=xyz; tap_vid=9"}}
	granted := policy.SetOf(policy.Necessary, policy.Preferences)
	lines, overflow := Expire(h, "www.example.no", granted, catalog.Default())
	want := []string{}
	for _, n := range []string{"_ga", "_fbp", "tap_vid"} {
		want = append(want,
			n+"=; Path=/"+expireAttrs,
			n+"=; Path=/; Domain=example.no"+expireAttrs,
			n+"=; Path=/; Domain=www.example.no"+expireAttrs)
	}
	if !slices.Equal(lines, want) || overflow != 0 {
		t.Fatalf("Expire = %q, %d\nwant %q", lines, overflow, want)
	}
	if n := StripRequestCookies(h, granted, catalog.Default(), false); n != 3 {
		t.Fatalf("stripped %d, want 3", n)
	}
	if got := h.Get("Cookie"); got != "wordpress_logged_in_5c01=admin; pll_language=nb; consent=xyz" {
		t.Fatalf("upstream sees %q", got)
	}
}

func BenchmarkFilterSetCookieCatalog(b *testing.B) {
	var lines []string
	for _, s := range seedSetCookies[:10] {
		lines = append(lines, s.line)
	}
	var c Classifier = catalog.Default()
	work := make([]string, len(lines))
	h := http.Header{}
	for name, granted := range map[string]policy.Set{"all-granted": policy.All, "necessary-only": policy.SetOf(policy.Necessary)} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				copy(work, lines)
				h["Set-Cookie"] = work
				FilterSetCookie(h, granted, c, false)
			}
		})
	}
}
