package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestMatchURL(t *testing.T) {
	c := Default()
	tests := []struct {
		url  string
		want string // service ID, "" for nil
	}{
		// Plain, scheme-less and odd-case forms of the same tracker.
		{"https://www.google-analytics.com/analytics.js", "universal-analytics"},
		{"http://www.google-analytics.com/analytics.js", "universal-analytics"},
		{"//www.google-analytics.com/analytics.js", "universal-analytics"},
		{"HTTPS://WWW.GOOGLE-ANALYTICS.COM/analytics.js", "universal-analytics"},
		{"hTTpS://Www.Google-Analytics.Com/analytics.js", "universal-analytics"},
		{"https://www.google-analytics.com:443/analytics.js", "universal-analytics"},
		{"https://user:secret@www.google-analytics.com/analytics.js", "universal-analytics"},
		{"https://a@b@www.google-analytics.com/analytics.js", "universal-analytics"},
		{"https://www.google-analytics.com./analytics.js", "universal-analytics"},
		{"  https://www.google-analytics.com/analytics.js\n", "universal-analytics"},
		{"https:\\\\www.google-analytics.com\\analytics.js", "universal-analytics"},
		{"https://www.google-\nanalytics.com/analy\ttics.js", "universal-analytics"},
		{"https:///www.google-analytics.com/analytics.js", "universal-analytics"},
		{"https://%77ww.google-analytics.com/analytics.js", "universal-analytics"},
		{"https://www.google-analytics.com/analytics.js#frag", "universal-analytics"},
		{"https://www.google-analytics.com/g/collect?v=2&tid=G-1", "google-analytics"},
		{"https://region1.google-analytics.com/g/collect", "google-analytics"},
		{"https://google-analytics.com", "google-analytics"},
		{"https://www.google-analytics.com?x=1", "google-analytics"},
		// gtag.js serves three services, told apart by the query.
		{"https://www.googletagmanager.com/gtag/js?id=G-ABC123", "google-analytics"},
		{"https://www.googletagmanager.com/gtag/js?id=AW-123456789", "google-ads"},
		{"https://www.googletagmanager.com/gtag/js?id=DC-1234567", "doubleclick"},
		{"https://www.googletagmanager.com/gtm.js?id=GTM-XXXX", "google-tag-manager"},
		{"https://www.googletagmanager.com/ns.html?id=GTM-XXXX", "google-tag-manager"},
		// A more specific host beats its parent.
		{"https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/", "google-ads"},
		{"https://stats.g.doubleclick.net/j/collect", "google-analytics"},
		{"https://securepubads.g.doubleclick.net/tag/js/gpt.js", "google-ad-manager"},
		{"https://ad.doubleclick.net/ddm/activity/src=1", "doubleclick"},
		{"https://analytics.twitter.com/i/adsct?p_id=1", "twitter-pixel"},
		{"https://platform.twitter.com/widgets.js", "twitter-embed"},
		{"https://snap.licdn.com/li.lms-analytics/insight.min.js", "linkedin-insight"},
		{"https://www.linkedin.com/embed/feed/update/urn:li:share:1", "linkedin-plugins"},
		// Host/path globs on shared hosts.
		{"https://www.facebook.com/tr?id=1&ev=PageView&noscript=1", "meta-pixel"},
		{"https://www.facebook.com/tr/", "meta-pixel"},
		{"https://www.facebook.com/tr", "meta-pixel"},
		{"https://www.facebook.com/trending", "facebook-social"},
		{"https://www.facebook.com/plugins/page.php?href=x", "facebook-social"},
		{"https://connect.facebook.net/en_US/fbevents.js", "meta-pixel"},
		{"https://connect.facebook.net/nb_NO/sdk.js#xfbml=1", "facebook-social"},
		{"https://www.google.com/maps/embed?pb=!1m18", "google-maps"},
		{"https://google.com/maps?q=oslo", "google-maps"},
		{"https://www.google.com/recaptcha/api.js", "google-recaptcha"},
		{"https://www.gstatic.com/recaptcha/releases/x/recaptcha__en.js", "google-recaptcha"},
		{"https://www.google.com/pagead/1p-conversion/1/", "google-ads"},
		{"https://www.google.com/search?q=maps", ""},
		{"https://www.gstatic.com/images/branding/logo.png", ""},
		{"https://www.youtube-nocookie.com/embed/abc", "youtube"},
		{"https://i.ytimg.com/vi/abc/hqdefault.jpg", "youtube"},
		{"https://player.vimeo.com/video/1", "vimeo"},
		{"https://example.disqus.com/embed.js", "disqus"},
		{"https://cdn.matomo.cloud/example.matomo.cloud/matomo.js", "matomo"},
		// Path rules: self-hosted Matomo, relative or on any host.
		{"/matomo.js", "matomo"},
		{"/stats/piwik.js", "matomo"},
		{"//stats.example.no/matomo.php?idsite=1&rec=1", "matomo"},
		{"https://www.example.no/analytics/matomo.js", "matomo"},
		{"/wp-content/plugins/foo/matomo.jsx", ""},
		{"/js/notmatomo.js", ""},
		// Look-alikes must not match.
		{"https://google-analytics.com.evil.example/analytics.js", ""},
		{"https://notgoogle-analytics.com/analytics.js", ""},
		{"https://www.google-analytics.co/analytics.js", ""},
		{"https://evil.example/www.google-analytics.com/analytics.js", ""},
		{"https://evil.example/?u=https://www.google-analytics.com/analytics.js", ""},
		{"https://www.google-analytics.com@evil.example/analytics.js", ""},
		{"https://evil.example#@www.google-analytics.com/", ""},
		{"https://evil.example\\@www.google-analytics.com/", ""},
		{"https://youtube.com.example.no/embed/x", ""},
		// Library CDNs next to trackers of the same company have rows of
		// their own (necessary), not the tracker's.
		{"https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js", "cdnjs"},
		{"https://s0.wp.com/wp-content/js/devicepx-jetpack.js", "wordpress-com-cdn"},
		{"https://stats.wp.com/e-202450.js", "jetpack-stats"},
		{"https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js", "google-hosted-libraries"},
		{"https://maps.googleapis.com/maps/api/js?key=x", "google-maps"},
		{"https://fonts.googleapis.com/css2?family=Roboto", "google-fonts"},
		{"https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.min.js", "jsdelivr"},
		{"https://cdn.jsdelivr.net/npm/prebid.js@9/dist/not-for-prod/prebid.js", "prebid"},
		{"https://www.gstatic.com/firebasejs/10.12.0/firebase-app.js", ""},
		{"https://www.gstatic.com/firebasejs/10.12.0/firebase-analytics.js", "firebase-analytics"},
		// www.google.com paths beyond Maps, reCAPTCHA and ads.
		{"https://www.google.com/jsapi", "google-loader"},
		{"https://www.google.com/uds/api/search/1.0/x/default+en.I.js", "google-custom-search"},
		{"https://www.google.com/cse/cse.js?cx=1", "google-custom-search"},
		{"https://www.google.com/js/gweb/analytics/autotrack.js", "universal-analytics"},
		{"https://tt.omtrdc.net/m2/x/mbox/json", "adobe-target"},
		{"https://example.sc.omtrdc.net/b/ss/x/1/H.27.5--NS/0", "adobe-analytics"},
		// Cloudflare's own paths: the challenge is necessary, Zaraz runs tags.
		{"/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1", "cloudflare"},
		{"/cdn-cgi/zaraz/s.js?z=x", "cloudflare-zaraz"},
		{"https://www.example.no/cdn-cgi/zaraz/t", "cloudflare-zaraz"},
		{"/_Incapsula_Resource?SWJIYLWA=x", "imperva-incapsula"},
		// Nothing to say about these.
		{"/wp-content/themes/twentytwentyfour/style.css", ""},
		{"js/app.js", ""},
		{"../img/logo.png", ""},
		{"?page=2", ""},
		{"#top", ""},
		{"", ""},
		{"   ", ""},
		{"javascript:void(0)", ""},
		{"data:image/gif;base64,R0lGODlhAQABAAAAACw=", ""},
		{"blob:https://www.google-analytics.com/1234", ""},
		{"ftp://www.google-analytics.com/analytics.js", ""},
		{"mailto:post@example.no", ""},
		{"https://", ""},
		{"//", ""},
		{"https://[2001:db8::1]/analytics.js", ""},
		{"https://203.0.113.9/x.js", ""},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			if got := id(c.MatchURL([]byte(tt.url))); got != orNil(tt.want) {
				t.Errorf("MatchURL(%q) = %s, want %s", tt.url, got, orNil(tt.want))
			}
		})
	}
}

func orNil(s string) string {
	if s == "" {
		return "nil"
	}
	return s
}

func TestMatchURLLongHosts(t *testing.T) {
	c := Default()
	long := strings.Repeat("a.", 5000)
	tests := []struct {
		url  string
		want string
	}{
		{"https://" + long + "google-analytics.com/x", "google-analytics"},
		{"https://" + strings.ToUpper(long) + "GOOGLE-ANALYTICS.COM/x", "google-analytics"},
		{"https://" + strings.Repeat("A", 300) + ".google-analytics.com/x", "google-analytics"},
		{"https://" + strings.Repeat("%41", 300) + ".google-analytics.com/x", "google-analytics"},
		{"https://" + long + "example.com/x", ""},
		{"https://" + strings.Repeat("a", 10000) + "google-analytics.com/x", ""},
		{"https://" + strings.Repeat("A", 10000) + "google-analytics.com/x", ""},
		{"https://www.google-analytics.com/" + strings.Repeat("x", 100000) + "/analytics.js", "google-analytics"},
		{"/" + strings.Repeat("a/", 50000) + "matomo.js", "matomo"},
	}
	for i, tt := range tests {
		if got := id(c.MatchURL([]byte(tt.url))); got != orNil(tt.want) {
			t.Errorf("case %d: MatchURL(%.60q…) = %s, want %s", i, tt.url, got, orNil(tt.want))
		}
	}
}

func TestMatchCookiePrecedence(t *testing.T) {
	c := Default()
	tests := []struct {
		name, pattern string
	}{
		{"_ga", "_ga"},              // exact beats the "_ga_*" prefix
		{"_ga_XYZ", "_ga_*"},        // prefix
		{"_gat", "_gat*"},           // the prefix covers its own stem
		{"AMP_TOKEN", "AMP_TOKEN"},  // exact beats "AMP_*"
		{"AMP_0123456789", "AMP_*"}, // prefix
		{"AMP_MKTG_0123456789", "AMP_MKTG_*"},
		{"wordpress_logged_in_abc", "wordpress_logged_in_*"}, // longest prefix wins…
		{"wordpress_sec_abc", "wordpress_sec_*"},
		{"wordpress_abc", "wordpress_*"},
		{"wordpress_test_cookie", "wordpress_test_cookie"}, // …and exact beats all
		{"wp-settings-time-1", "wp-settings-time-*"},
		{"wp-settings-1", "wp-settings-*"},
		{"comment_author_email_abc", "comment_author_email_*"},
		{"comment_author_abc", "comment_author_*"},
		{"woocommerce_recently_viewed", "woocommerce_recently_viewed"},
		{"woocommerce_other", "woocommerce_*"},
		{"_hjSession_123", "_hjSession_*"},
		{"_hjWhatever", "_hj*"},
		{"_vwo_uuid_v2", "_vwo_uuid_v2"},
		{"_vwo_other", "_vwo_*"},
		{"mp_0123abcd_mixpanel", "mp_*_mixpanel"}, // glob
		{"SSESSabc", "SSESS*"},
		{"SESSabc", "SESS*"},
	}
	for _, tt := range tests {
		ck := c.MatchCookie(tt.name)
		if ck == nil || ck.Pattern != tt.pattern {
			t.Errorf("MatchCookie(%q) = %v, want the %q row", tt.name, ck, tt.pattern)
		}
	}
	for _, name := range []string{"", "sessionid", "_GA", "ga", "mp_x_mixpanelx", "csrftoken", "wordpress"} {
		if ck := c.MatchCookie(name); ck != nil {
			t.Errorf("MatchCookie(%q) = %q, want nil", name, ck.Pattern)
		}
	}

	// Exact beats prefix beats glob, also among an operator's rows.
	r, err := c.With(Rules{Cookies: []CookieRule{
		{Glob: "shop_*_cart", Category: policy.Preferences},
		{Glob: "shop_*", Category: policy.Analytics},
		{Glob: "shop_main_cart", Category: policy.Necessary},
		{Glob: "*_cart", Category: policy.Marketing},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]string{
		"shop_main_cart": "shop_main_cart",
		"shop_x_cart":    "shop_*",
		"other_cart":     "*_cart",
		"x_shop_y_cart":  "*_cart",
	} {
		if ck := r.MatchCookie(name); ck == nil || ck.Pattern != want {
			t.Errorf("With: MatchCookie(%q) = %v, want %q", name, ck, want)
		}
	}
	// Among globs the most literal one wins.
	if ck := r.MatchCookie("shop_"); ck == nil || ck.Pattern != "shop_*" {
		t.Errorf("MatchCookie(shop_) = %v", ck)
	}
}

func TestGlobPattern(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"abc*", "abc", true},
		{"abc*", "abcdef", true},
		{"*abc", "xxabc", true},
		{"*abc", "abcx", false},
		{"a*c", "ac", true},
		{"a*c", "abbbc", true},
		{"a*c", "abbbcd", false},
		{"ab*b", "ab", false},
		{"ab*b", "abb", true},
		{"*ab*ab", "ab", false},
		{"*ab*ab", "abab", true},
		{"a*b*c", "abcbc", true},
		{"a*b*c", "acb", false},
		{"*", "", true},
		{"*", "anything", true},
		{"*x*", "abxcd", true},
		{"*x*", "abcd", false},
		{"/*/sdk.js*", "/nb_NO/sdk.js", true},
		{"/*/sdk.js*", "/sdk.js", false},
	}
	for _, tt := range tests {
		p := compilePattern(tt.pat)
		if got := p.match(tt.s); got != tt.want {
			t.Errorf("%q.match(%q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
	// matchPath: an empty path or bare query stands for "/".
	pathTests := []struct {
		pat, s string
		want   bool
	}{
		{"/", "", true},
		{"/*", "", true},
		{"/*", "?q", true},
		{"/?*", "?id=1", true},
		{"/tr?*", "?x", false},
		{"/x", "", false},
		{"/", "/", true},
		{"*/x", "a/x", true},
	}
	for _, tt := range pathTests {
		p := compilePattern(tt.pat)
		if got := p.matchPath(tt.s); got != tt.want {
			t.Errorf("%q.matchPath(%q) = %v, want %v", tt.pat, tt.s, got, tt.want)
		}
	}
}

func TestMatchInline(t *testing.T) {
	c := Default()
	tests := []struct {
		name, script string
		want         string
		cats         policy.Set
	}{
		{"ga4", "window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());", "google-analytics", policy.SetOf(policy.Analytics)},
		{"ga4 and ads: the stricter wins, both required", "function gtag(){} gtag('config', 'G-1'); gtag('config', 'AW-1');", "google-ads", policy.SetOf(policy.Analytics, policy.Marketing)},
		{"recaptcha and pixel", "grecaptcha.ready(function(){}); fbq('track','Lead');", "meta-pixel", policy.SetOf(policy.Necessary, policy.Marketing)},
		{"earliest wins among equals", "_hjSettings={hjid:1}; window.clarity; (window, document, \"clarity\", \"script\", \"x\")", "hotjar", policy.SetOf(policy.Analytics)},
		{"marker at the very end", strings.Repeat(" ", 1000) + "_paq.push", "matomo", policy.SetOf(policy.Analytics)},
		{"marker at the very start", "fbq('init','1')", "meta-pixel", policy.SetOf(policy.Marketing)},
		{"overlapping prefix", "gtagtag(ggtag(", "google-analytics", policy.SetOf(policy.Analytics)},
		{"case matters", "FBQ('init'); GTAG('js'); _PAQ.PUSH", "", 0},
		{"empty", "", "", 0},
		{"partial marker", "_paq.pus", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := id(c.MatchInline([]byte(tt.script))); got != orNil(tt.want) {
				t.Errorf("MatchInline = %s, want %s", got, orNil(tt.want))
			}
			if got := c.InlineCategories([]byte(tt.script)); got != tt.cats {
				t.Errorf("InlineCategories = %v, want %v", got, tt.cats)
			}
		})
	}
}

// TestInlineScannerSplit feeds every snippet fixture in two pieces at every
// split point: a marker straddling two writes must still be found.
func TestInlineScannerSplit(t *testing.T) {
	c := Default()
	script := []byte("var x = 1;\n_linkedin_partner_id = \"1\"; function gtag(){}")
	want := c.MatchInline(script)
	wantCats := c.InlineCategories(script)
	if want == nil {
		t.Fatal("test script matches nothing")
	}
	for i := 0; i <= len(script); i++ {
		sc := c.InlineScanner()
		sc.Write(script[:i])
		sc.WriteString(string(script[i:]))
		if sc.Service() != want || sc.Categories() != wantCats {
			t.Fatalf("split at %d: %v %v, want %v %v", i, id(sc.Service()), sc.Categories(), want.ID, wantCats)
		}
	}
	sc := c.InlineScanner()
	sc.Write(script)
	sc.Reset()
	sc.Write([]byte("nothing here"))
	if sc.Service() != nil || sc.Categories() != 0 {
		t.Error("Reset kept an earlier match")
	}
	var zero InlineScanner
	zero.Write(script)
	if zero.Service() != nil {
		t.Error("zero InlineScanner matched")
	}
}

// TestNoFalsePositives runs ordinary WordPress and Drupal inline scripts (and
// their JSON-escaped settings blobs, which name tracker files) through the
// matcher: blocking any of them would break the site.
func TestNoFalsePositives(t *testing.T) {
	c := Default()
	files, err := filepath.Glob(filepath.Join("testdata", "negative", "*.js"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no negative fixtures: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if s := c.MatchInline(data); s != nil {
				t.Errorf("matched %s; markers found: %v", s.ID, markersIn(c, data))
			}
		})
	}
}

func markersIn(c *Catalog, script []byte) []string {
	var out []string
	for _, s := range c.Services() {
		for _, m := range s.Inline {
			if bytes.Contains(script, []byte(m)) {
				out = append(out, s.ID+":"+m)
			}
		}
	}
	return out
}

func TestMatchersDoNotAllocate(t *testing.T) {
	c := Default()
	script := bytes.Repeat([]byte("var a = b + c; "), 4000)
	script = append(script, "fbq('init')"...)
	urls := [][]byte{
		[]byte("https://www.googletagmanager.com/gtag/js?id=G-1"),
		[]byte("HTTPS://WWW.FACEBOOK.COM/tr?id=1"),
		[]byte("https://www.google-\nanalytics.com/analytics.js"),
		[]byte("/wp-content/themes/x/style.css"),
		[]byte("https://cdn.example.no/app.js"),
	}
	checks := map[string]func(){
		"MatchURL": func() {
			for _, u := range urls {
				c.MatchURL(u)
			}
		},
		"MatchInline": func() { c.MatchInline(script) },
		"InlineScanner": func() {
			sc := c.InlineScanner()
			sc.Write(script[:100])
			sc.Write(script[100:])
			_ = sc.Service()
		},
		"MatchCookie": func() {
			c.MatchCookie("_ga")
			c.MatchCookie("wordpress_logged_in_abc")
			c.MatchCookie("mp_abc_mixpanel")
			c.MatchCookie("unknown")
		},
	}
	for name, f := range checks {
		if n := testing.AllocsPerRun(50, f); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", name, n)
		}
	}
}

var benchURLs = [][]byte{
	[]byte("https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX"),
	[]byte("https://www.example.no/wp-content/themes/twentytwentyfour/assets/js/app.js?ver=6.6.2"),
	[]byte("//connect.facebook.net/en_US/fbevents.js"),
	[]byte("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1"),
	[]byte("https://fonts.googleapis.com/css2?family=Inter:wght@400;700&display=swap"),
	[]byte("https://www.youtube.com/embed/dQw4w9WgXcQ"),
	[]byte("https://cdn.example.no/uploads/2024/05/header-1920x1080.jpg"),
	[]byte("https://www.facebook.com/tr?id=1234567890&ev=PageView&noscript=1"),
}

func BenchmarkMatchURL(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.MatchURL(benchURLs[i%len(benchURLs)])
	}
}

func BenchmarkMatchURLNoMatch(b *testing.B) {
	c := Default()
	u := []byte("https://www.example.no/wp-content/plugins/contact-form-7/includes/js/index.js?ver=5.9.8")
	b.ReportAllocs()
	for b.Loop() {
		c.MatchURL(u)
	}
}

// benchScript is 64 KiB of ordinary minified-looking JavaScript.
func benchScript() []byte {
	unit := []byte(`!function(e){"use strict";var t=e.querySelectorAll(".menu-item a"),n=0;for(;n<t.length;n++)t[n].addEventListener("click",function(e){this.parentNode.classList.toggle("open")});window.addEventListener("scroll",function(){document.body.classList.toggle("scrolled",window.scrollY>50)})}(document);`)
	var buf bytes.Buffer
	for buf.Len() < 64<<10 {
		buf.Write(unit)
	}
	return buf.Bytes()[:64<<10]
}

func BenchmarkMatchInline64K(b *testing.B) {
	c := Default()
	script := benchScript()
	b.SetBytes(int64(len(script)))
	b.ReportAllocs()
	for b.Loop() {
		if c.MatchInline(script) != nil {
			b.Fatal("ordinary script matched")
		}
	}
}

func BenchmarkMatchInline64KMarkerAtEnd(b *testing.B) {
	c := Default()
	script := benchScript()
	copy(script[len(script)-20:], "gtag('js',new Date)")
	b.SetBytes(int64(len(script)))
	b.ReportAllocs()
	for b.Loop() {
		if c.MatchInline(script) == nil {
			b.Fatal("marker missed")
		}
	}
}

func BenchmarkMatchCookie(b *testing.B) {
	c := Default()
	names := []string{"_ga", "_ga_ABC123", "wordpress_logged_in_0123456789abcdef", "PHPSESSID", "mp_0123_mixpanel", "unknown_cookie_name", "SSESS0123456789abcdef0123456789abcdef", "_hjSessionUser_123"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c.MatchCookie(names[i%len(names)])
	}
}

// naiveInline is the specification MatchInline implements: the marker of the
// highest-ranked category wins; among those, the one that ends first; among
// those, the service listed first.
func naiveInline(c *Catalog, script []byte) (*Service, policy.Set) {
	var best *Service
	bestEnd, bestIdx := 0, 0
	var cats policy.Set
	for idx, s := range c.Services() {
		for _, m := range s.Inline {
			i := bytes.Index(script, []byte(m))
			if i < 0 {
				continue
			}
			cats |= policy.Set(s.Category)
			end := i + len(m)
			switch {
			case best == nil, rank(s.Category) > rank(best.Category),
				rank(s.Category) == rank(best.Category) && (end < bestEnd || end == bestEnd && idx < bestIdx):
				best, bestEnd, bestIdx = s, end, idx
			}
		}
	}
	return best, cats
}

// TestMatchInlineHalves places markers all over long scripts, around the
// middle where the scan splits in two especially, and compares with the
// naive specification.
func TestMatchInlineHalves(t *testing.T) {
	c := Default()
	filler := benchScript()[:4096]
	markers := []string{"_paq.push", "gtag(", "fbq(", "_hjSettings", "grecaptcha.", "static.hotjar.com/c/", "window.uetq", "_linkedin_partner_id"}
	for size := 256; size <= len(filler); size *= 2 {
		for _, m1 := range markers {
			for _, m2 := range markers {
				for _, pos := range []int{0, size/2 - len(m1), size/2 - len(m1)/2, size / 2, size/2 + 10, size - len(m2) - 1} {
					script := append([]byte(nil), filler[:size]...)
					copy(script[max(0, pos):], m1)
					copy(script[size-len(m2):], m2)
					want, wantCats := naiveInline(c, script)
					sc := c.InlineScanner()
					sc.Write(script)
					if sc.Service() != want || sc.Categories() != wantCats {
						t.Fatalf("size %d, %q at %d, %q at end: got %s %v, want %s %v",
							size, m1, pos, m2, id(sc.Service()), sc.Categories(), id(want), wantCats)
					}
				}
			}
		}
	}
}

func TestMatchURLPathRulesYieldToHosts(t *testing.T) {
	c := Default()
	// A known tracker host keeps its service even where a path-only rule
	// (Cloudflare's /cdn-cgi/, necessary) also matches.
	if got := id(c.MatchURL([]byte("https://www.googletagmanager.com/cdn-cgi/scripts/x.js"))); got != "google-tag-manager" {
		t.Errorf("got %s", got)
	}
	if got := id(c.MatchURL([]byte("https://www.example.no/cdn-cgi/scripts/5c5dd728/cloudflare-static/email-decode.min.js"))); got != "cloudflare" {
		t.Errorf("got %s", got)
	}
}

// TestURLMemoRemembers: the site's own prefix is remembered, a tracker's
// host and an unusual spelling are not.
func TestURLMemoRemembers(t *testing.T) {
	c := Default()
	var m URLMemo
	for _, u := range []string{"https://www.facebook.com/tr", "https://Site.example/a.png", "https://site.example:8443/a.png", "https://site.example/a.png"} {
		c.MatchURLMemo([]byte(u), &m)
	}
	if got := string(m.buf[0][:m.n[0]]); got != "https://site.example/" || m.n[1] != 0 {
		t.Errorf("memo holds %q and %q", got, m.buf[1][:m.n[1]])
	}
	if s := c.MatchURLMemo([]byte("https://site.example/matomo.js"), &m); s == nil || s.ID != "matomo" {
		t.Errorf("a path rule through the memo: %v", s)
	}
}
