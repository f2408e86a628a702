package consent

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

var screenshots = flag.Bool("screenshots", false, "write the README's banner screenshots to docs/")

// trackerHosts are the hosts of every optional-category service in the catalog.
func trackerHosts(cats ...policy.Category) []string {
	var hosts []string
	for _, s := range catalog.Default().Services() {
		if s.Category == policy.Necessary {
			continue
		}
		if len(cats) > 0 && !policy.SetOf(cats...).Has(s.Category) {
			continue
		}
		hosts = append(hosts, s.Hosts...)
	}
	return hosts
}

// demoSite serves testdata/demo-site and the benchmark pages the way
// Caddyfile.example does: a legacy upstream behind encode gzip with real
// Set-Cookie headers, and the consent edge in front. Port 3 is the same
// upstream with no consent handler, the control that shows what a browser
// would otherwise request.
func demoSite(t *testing.T) *testcaddy.Server {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", "..", "testdata"))
	return testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	encode gzip
	consent {
		secret %[2]s
		policy_url /personvernerklaering/
	}
	reverse_proxy 127.0.0.1:{PORT2}
}
http://127.0.0.1:{PORT2} {
	encode gzip
	handle_path /pages/* {
		root * %[1]s/pages
		file_server
	}
	handle {
		root * %[1]s/demo-site
		header Set-Cookie "_ga=GA1.1.123.456; Max-Age=63072000; Path=/"
		header +Set-Cookie "PHPSESSID=k3n9a1q7; Path=/; HttpOnly"
		header +Set-Cookie "_fbp=fb.1.1700000000.123; Max-Age=7776000; Path=/; HttpOnly"
		file_server
	}
}
http://127.0.0.1:{PORT3} {
	reverse_proxy 127.0.0.1:{PORT2}
}
`, root, secret))
}

func settle(b *browser.Browser) { b.WaitNetworkIdle(500 * time.Millisecond) }

func TestBrowserNoTrackerRequest(t *testing.T) {
	srv := demoSite(t)
	b := browser.New(t)
	hosts := trackerHosts()
	for _, p := range []string{"/pages/wordpress-trackers.html", "/", "/blogg/slik-brygger-du-kaffe-med-presskanne/", "/kontakt/", "/sv/"} {
		t.Run(p, func(t *testing.T) {
			// Control: without the module the same page does contact trackers,
			// so a zero below means something.
			b.Navigate(srv.URL(3) + p)
			settle(b)
			if len(b.RequestsTo(hosts...)) == 0 {
				t.Fatalf("control: the page contacts no tracker even without consent handling")
			}
			b.Navigate(srv.URL(1) + p)
			settle(b)
			if got := b.RequestsTo(hosts...); len(got) > 0 {
				t.Fatalf("%d requests to trackers before consent: %q", len(got), got)
			}
			b.WaitVisible("[data-consent-banner]")
		})
	}
}

func TestBrowserConsentFlows(t *testing.T) {
	srv := demoSite(t)
	home := srv.URL(1) + "/"
	analytics := []string{"googletagmanager.com", "google-analytics.com", "hotjar.com"}
	marketing := []string{"facebook.net", "facebook.com"}

	t.Run("accept all loads trackers", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(home)
		settle(b)
		if got := b.RequestsTo(trackerHosts()...); len(got) > 0 {
			t.Fatalf("trackers before consent: %q", got)
		}
		b.Reset()
		b.Click(`[data-consent-banner] [data-consent-action="accept-all"]`)
		b.WaitUntil("tracker requests after accept-all", func() bool {
			return len(b.RequestsTo(analytics...)) > 0 && len(b.RequestsTo(marketing...)) > 0
		})
		// Attributes come back in place: the video's YouTube poster loads,
		// the link's Meta ping is there for the next click.
		b.WaitUntil("the video poster after accept-all", func() bool { return len(b.RequestsTo("ytimg.com")) > 0 })
		var restored bool
		b.Eval(`!!document.querySelector('a[ping^="https://www.facebook.com/tr"]') && !document.querySelector('[data-consent-ping], [data-consent-poster], [data-consent-category]')`, &restored)
		if !restored {
			t.Error("after accept-all, a ping or poster is still neutralised")
		}
		if b.Cookie("consent") == nil || !b.Cookie("consent").HTTPOnly {
			t.Fatal("no HttpOnly consent cookie in the browser")
		}
	})

	t.Run("reject all keeps them blocked after a reload", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(home)
		b.Click(`[data-consent-banner] [data-consent-action="reject-all"]`)
		b.WaitUntil("the consent cookie", func() bool { return b.Cookie("consent") != nil })
		b.WaitNetworkIdle(time.Second) // a reload by the script, if any
		b.Navigate(home)
		settle(b)
		if got := b.RequestsTo(trackerHosts()...); len(got) > 0 {
			t.Fatalf("trackers after reject-all: %q", got)
		}
		var firstLayer bool
		b.Eval(`(() => { const a = document.querySelector('[data-consent-banner] [data-consent-action="accept-all"]'); return !!a && a.offsetParent !== null })()`, &firstLayer)
		if firstLayer {
			t.Fatal("the first layer is shown again after a choice")
		}
		if b.Cookie("_ga") != nil {
			t.Fatal("_ga reached the browser store after reject-all")
		}
		if b.Cookie("PHPSESSID") == nil {
			t.Fatal("the necessary session cookie was dropped")
		}
	})

	t.Run("withdrawal empties the cookie store", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(home)
		b.Click(`[data-consent-banner] [data-consent-action="accept-all"]`)
		b.WaitUntil("the consent cookie", func() bool { return b.Cookie("consent") != nil })
		b.WaitNetworkIdle(time.Second)
		b.Navigate(home)
		settle(b)
		if b.Cookie("_ga") == nil || b.Cookie("_fbp") == nil || !b.Cookie("_fbp").HTTPOnly {
			t.Fatalf("after accept-all the upstream's _ga and HttpOnly _fbp should be in the store: %v", b.CookieNames())
		}
		// Withdraw through the persistent control, as a visitor would.
		b.Click(`[data-consent-action="settings"]`)
		b.WaitVisible(`[data-consent-banner] [data-consent-action="reject-all"]`)
		b.Click(`[data-consent-banner] [data-consent-action="reject-all"]`)
		b.WaitUntil("the withdrawal to expire _ga and _fbp", func() bool {
			return b.Cookie("_ga") == nil && b.Cookie("_fbp") == nil
		})
		// The script reloads the page after a withdrawal; let that finish
		// before navigating, or the navigation is aborted by it.
		b.WaitNetworkIdle(time.Second)
		b.Navigate(home)
		settle(b)
		for _, c := range b.Cookies() {
			if strings.HasPrefix(c.Name, "_ga") || strings.HasPrefix(c.Name, "_fbp") || strings.HasPrefix(c.Name, "_hj") {
				t.Errorf("after withdrawal the store still holds %s (HttpOnly %v)", c.Name, c.HTTPOnly)
			}
		}
		if b.Cookie("PHPSESSID") == nil || b.Cookie("consent") == nil {
			t.Errorf("necessary cookies went too: %v", b.CookieNames())
		}
	})

	t.Run("settings with analytics only", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(home)
		b.Click(`[data-consent-banner] [data-consent-action="settings"]`)
		b.WaitVisible(`[data-consent-banner] input[name="category"][value="analytics"]`)
		b.Click(`[data-consent-banner] input[name="category"][value="analytics"]`)
		b.Reset()
		b.Click(`[data-consent-banner] [data-consent-action="save"]`)
		b.WaitUntil("analytics requests", func() bool { return len(b.RequestsTo(analytics...)) > 0 })
		b.WaitNetworkIdle(time.Second)
		b.Navigate(home)
		settle(b)
		if len(b.RequestsTo(analytics...)) == 0 {
			t.Fatal("analytics not loaded after granting analytics")
		}
		if got := b.RequestsTo(marketing...); len(got) > 0 {
			t.Fatalf("marketing trackers loaded with analytics only: %q", got)
		}
	})

	t.Run("keyboard only", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(home)
		found := false
		for i := 0; i < 40 && !found; i++ {
			b.Tab()
			found = strings.Contains(b.Focused(), "accept-all") || strings.Contains(b.Focused(), `"Godta alle"`)
		}
		if !found {
			t.Fatal("Tab never reached Accept all")
		}
		b.Press("Enter")
		b.WaitUntil("the consent cookie after Enter", func() bool { return b.Cookie("consent") != nil })
	})

	t.Run("without javascript", func(t *testing.T) {
		b := browser.New(t, browser.JavaScriptDisabled())
		post := srv.URL(1) + "/blogg/slik-brygger-du-kaffe-med-presskanne/"
		b.Navigate(post)
		b.Click(`[data-consent-banner] [data-consent-action="reject-all"]`)
		b.WaitUntil("the consent cookie without JS", func() bool { return b.Cookie("consent") != nil })
		var loc string
		b.Eval(`location.pathname`, &loc)
		if loc != "/blogg/slik-brygger-du-kaffe-med-presskanne/" {
			t.Fatalf("after the form post the visitor is at %q, not back on the post", loc)
		}
		settle(b)
		if got := b.RequestsTo(trackerHosts()...); len(got) > 0 {
			t.Fatalf("trackers after reject-all without JS: %q", got)
		}
		// The settings page works without JavaScript too.
		b.Navigate(srv.URL(1) + "/_consent/settings?return=/kontakt/")
		b.Click(`input[name="category"][value="analytics"]`)
		b.Click(`[data-consent-action="save"]`)
		b.WaitUntil("back on the site, the page parsed", func() bool {
			var p string
			b.Eval(`document.readyState == "complete" ? location.pathname : ""`, &p)
			return p == "/kontakt/"
		})
		// Scripts do not run here, so read the page: gtag.js is live again,
		// the Meta Pixel is still neutralised.
		var live, pixelBlocked bool
		b.Eval(`!!document.querySelector('script[src^="https://www.googletagmanager.com/gtag/js"]')`, &live)
		b.Eval(`!!document.querySelector('[data-consent-service="meta-pixel"][data-consent-category="marketing"]')`, &pixelBlocked)
		if !live || !pixelBlocked {
			t.Fatalf("after saving analytics on the settings page: gtag.js live %v (want true), pixel blocked %v (want true)", live, pixelBlocked)
		}
	})

	t.Run("axe", func(t *testing.T) {
		if _, err := browser.AxeSource(); err != nil {
			t.Fatalf("axe-core missing (make test installs it): %v", err)
		}
		b := browser.New(t)
		b.Navigate(home)
		b.InjectAxe()
		check := func(what string) {
			v, err := b.Axe("[data-consent-banner]")
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range v {
				t.Errorf("%s: %s", what, x)
			}
		}
		check("first layer")
		b.Click(`[data-consent-banner] [data-consent-action="settings"]`)
		b.WaitVisible(`[data-consent-banner] [data-consent-action="save"]`)
		check("settings layer")
	})
}

// TestBannerScreenshots writes the README's screenshots when asked:
// go test ./module/consent -run TestBannerScreenshots -screenshots
func TestBannerScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("pass -screenshots to rewrite docs/banner-*.png")
	}
	srv := demoSite(t)
	if err := os.MkdirAll(filepath.Join("..", "..", "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, path string }{
		{"banner-nb.png", "/"},
		{"banner-sv.png", "/sv/"},
	} {
		b := browser.New(t, browser.WindowSize(1280, 800))
		b.Navigate(srv.URL(1) + c.path)
		settle(b)
		b.Screenshot(filepath.Join("..", "..", "docs", c.name))
		b.Click(`[data-consent-banner] [data-consent-action="settings"]`)
		b.WaitVisible(`[data-consent-banner] [data-consent-action="save"]`)
		b.Screenshot(filepath.Join("..", "..", "docs", strings.Replace(c.name, ".png", "-settings.png", 1)))
	}
}

// TestBrowserCSPNonce: on a site whose Content-Security-Policy allows scripts
// and styles only by nonce, what the module inserts carries the page's nonce,
// so Chromium runs the banner script and the Consent Mode default and applies
// the banner's stylesheet.
func TestBrowserCSPNonce(t *testing.T) {
	srv := demoWithHeader(t, "Content-Security-Policy", `script-src 'nonce-R4nd0mN0nce' 'strict-dynamic'; style-src 'nonce-R4nd0mN0nce'; object-src 'none'`)
	b := browser.New(t)
	b.Navigate(srv.URL(1) + "/")
	settle(b)
	bannerWorks(t, b, "a nonce policy")
	if n := len(b.RequestsTo(trackerHosts()...)); n > 0 {
		t.Errorf("%d tracker requests before consent", n)
	}
}

// bannerWorks checks, under a page's policy, that what the module inserted
// ran and applied: the banner script (it moves the banner to the start of the
// body), the stylesheet (a fixed bar) and the Consent Mode default.
func bannerWorks(t *testing.T, b *browser.Browser, under string) {
	t.Helper()
	var got struct {
		Script, Style, ConsentMode bool
	}
	b.Eval(`({
		Script: !!document.body.firstElementChild && document.body.firstElementChild.matches('[data-consent-banner]'),
		Style: getComputedStyle(document.querySelector('[data-consent-banner] .cb-bar')).position == 'fixed',
		ConsentMode: Array.isArray(window.dataLayer) && JSON.stringify(window.dataLayer).includes('"default"'),
	})`, &got)
	if !got.Script || !got.Style || !got.ConsentMode {
		t.Errorf("under %s: banner script ran %v, stylesheet applied %v, Consent Mode default set %v", under, got.Script, got.Style, got.ConsentMode)
	}
}

// TestBrowserLinkHeader: a Link response header that preloads or
// preconnects a tracker reaches Chromium only after consent; the control,
// the same upstream without the module, shows that Chromium acts on it.
func TestBrowserLinkHeader(t *testing.T) {
	srv := demoWithHeader(t, "Link", `<https://www.googletagmanager.com/gtag/js?id=G-LINKHDR>; rel=preload; as=script, <https://connect.facebook.net>; rel=preconnect, </wp-content/themes/nordlys/style.css>; rel=preload; as=style`)
	page := "/kontakt/"
	control := browser.New(t)
	control.Navigate(srv.URL(3) + page)
	settle(control)
	if len(requestsWith(control, "G-LINKHDR")) == 0 {
		t.Fatal("control: Chromium did not act on the Link preload header, so this test proves nothing")
	}
	b := browser.New(t)
	b.Navigate(srv.URL(1) + page)
	settle(b)
	if got := requestsWith(b, "G-LINKHDR"); len(got) > 0 {
		t.Fatalf("the Link header preloaded a tracker before consent: %q", got)
	}
	b.Click(`[data-consent-banner] [data-consent-action="accept-all"]`)
	b.WaitUntil("the consent cookie", func() bool { return b.Cookie("consent") != nil })
	b.Reset()
	b.Navigate(srv.URL(1) + page)
	settle(b)
	if len(requestsWith(b, "G-LINKHDR")) == 0 {
		t.Error("after accept-all the Link preload should reach Chromium")
	}
}

// requestsWith returns the requests whose URL contains s; data: URLs never
// leave the browser and do not count.
func requestsWith(b *browser.Browser, s string) []string {
	var out []string
	for _, r := range b.Requests() {
		if strings.Contains(r, s) && !strings.HasPrefix(r, "data:") {
			out = append(out, r)
		}
	}
	return out
}

// demoWithHeader serves testdata/demo-site from an upstream that adds one
// response header (withControl).
func demoWithHeader(t *testing.T, name, value string) *testcaddy.Server {
	t.Helper()
	root, _ := filepath.Abs(filepath.Join("..", "..", "testdata", "demo-site"))
	return withControl(t, root, fmt.Sprintf("header %s %q", name, value))
}

// withControl serves the folder root from an upstream (with the extra
// directives), the consent edge in front of it on port 1 and, on port 3,
// the same upstream without the module (the control).
func withControl(t *testing.T, root, extra string) *testcaddy.Server {
	t.Helper()
	return testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret %[2]s
	}
	reverse_proxy 127.0.0.1:{PORT2}
}
http://127.0.0.1:{PORT2} {
	root * %[1]s
	%[3]s
	file_server
}
http://127.0.0.1:{PORT3} {
	reverse_proxy 127.0.0.1:{PORT2}
}
`, root, secret, extra))
}

// TestBrowserMarkupLoaders: markup that loads without img, script or iframe
// — an svg image or feImage through href, an svg script through href,
// <image>, which HTML makes an <img>, a style attribute's background, a
// table's legacy background attribute and a <style> element's url() and
// @import. The control shows Chromium requesting each; through the module
// none is requested before consent, and after accept-all the images come
// back in place and everything loads on the next page.
func TestBrowserMarkupLoaders(t *testing.T) {
	dir := t.TempDir()
	page := `<!DOCTYPE html><html lang="en"><head><title>SVG</title></head><body><h1>Inline SVG</h1>
<svg width="20" height="20"><image href="https://www.facebook.com/tr?id=SVGIMAGE&amp;ev=PageView" width="10" height="10"/></svg>
<image src="https://www.facebook.com/tr?id=HTMLIMAGE&amp;ev=PageView" width="1" height="1">
<svg width="20" height="20"><filter id="f"><feImage href="https://www.facebook.com/tr?id=FEIMAGE"/></filter><rect filter="url(#f)" width="10" height="10"/></svg>
<div class="lyte" style="background-image:url(https://i.ytimg.com/vi/CSSBACKGROUND/hqdefault.jpg);width:20px;height:20px"></div>
<table background="https://www.facebook.com/tr?id=TABLEBACKGROUND"><tr><td>cell</td></tr></table>
<style>@import url("https://www.facebook.com/tr?id=STYLEIMPORT");
.thumb{background:#000 url(https://i.ytimg.com/vi/STYLEELEMENT/0.jpg) center/cover;width:20px;height:20px}</style>
<div class="thumb"></div>
<svg width="1" height="1"><script href="https://www.googletagmanager.com/gtag/js?id=G-SVGSCRIPT"></script></svg>
</body></html>`
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := withControl(t, dir, "")
	// The last three wait for the next page: a script runs once, and a
	// style sheet's URLs are not restored in place.
	markers := []string{"SVGIMAGE", "HTMLIMAGE", "FEIMAGE", "CSSBACKGROUND", "TABLEBACKGROUND", "G-SVGSCRIPT", "STYLEIMPORT", "STYLEELEMENT"}
	inPlace := markers[:5]
	control := browser.New(t)
	control.Navigate(srv.URL(3) + "/")
	settle(control)
	for _, m := range markers {
		if len(requestsWith(control, m)) == 0 {
			t.Fatalf("control: Chromium did not request %s, so this test proves nothing for it", m)
		}
	}
	b := browser.New(t)
	b.Navigate(srv.URL(1) + "/")
	settle(b)
	for _, m := range markers {
		if got := requestsWith(b, m); len(got) > 0 {
			t.Errorf("requested before consent: %q", got)
		}
	}
	b.Click(`[data-consent-banner] [data-consent-action="accept-all"]`)
	b.WaitUntil("the consent cookie", func() bool { return b.Cookie("consent") != nil })
	settle(b)
	// In place: the images get their href, src, style or background back.
	// Waited for, not sampled: on a loaded machine a restored image can be
	// requested after the network first looks idle.
	for _, m := range inPlace {
		b.WaitUntil("after accept-all, a request in place for "+m, func() bool { return len(requestsWith(b, m)) > 0 })
	}
	b.Reset()
	b.Navigate(srv.URL(1) + "/")
	for _, m := range markers {
		b.WaitUntil("after accept-all, the next page's request for "+m, func() bool { return len(requestsWith(b, m)) > 0 })
	}
}
