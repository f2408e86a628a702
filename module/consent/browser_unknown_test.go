package consent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// unknownHostsPage names third parties no catalog knows in every way a page
// loads them (external script, inline loader building its URL across a
// concatenation, iframe, 1×1 pixel, preload, preconnect, dns-prefetch), two
// catalog trackers by their vendors' own loaders (Meta's fbq snippet and
// analytics.js), the site's own same-site CDN and a first_party CDN, an
// ordinary image from an unknown host, and the site's own later calls into
// the trackers' globals, one script each, so each failure counts once.
const unknownHostsPage = `<!DOCTYPE html><html lang="en"><head><title>Unknown hosts</title>
<script>window.__errs=[];addEventListener('error',function(e){__errs.push(String(e.message))})</script>
<link rel="preconnect" href="https://hint.unknown-ads.test">
<link rel="dns-prefetch" href="//prefetch.unknown-ads.test">
<link rel="preload" as="script" href="https://preload.unknown-ads.test/p.js">
<script src="http://static.example.com:{PORT}/site.js"></script>
<script src="http://cdn.firstparty-cdn.test:{PORT}/fp.js"></script>
<script src="https://tag.unknown-ads.test/tag.js"></script>
<script>dataLayer=[{pageType:'test'}]</script>
<script>(function(){var s=document.createElement('script');s.src=(location.protocol=='https:'?'https://secure':'http://edge')+'.unknown-measure.test/m.js';document.head.appendChild(s)})()</script>
<script>!function(f,b,e,v,n,t,s){if(f.fbq)return;n=f.fbq=function(){n.callMethod?n.callMethod.apply(n,arguments):n.queue.push(arguments)};if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';n.queue=[];t=b.createElement(e);t.async=!0;t.src=v;s=b.getElementsByTagName(e)[0];s.parentNode.insertBefore(t,s)}(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');fbq('init','123456');</script>
<script>(function(i,s,o,g,r,a,m){i['GoogleAnalyticsObject']=r;i[r]=i[r]||function(){(i[r].q=i[r].q||[]).push(arguments)},i[r].l=1*new Date();a=s.createElement(o),m=s.getElementsByTagName(o)[0];a.async=1;a.src=g;m.parentNode.insertBefore(a,m)})(window,document,'script','https://www.google-analytics.com/analytics.js','ga');ga('create','UA-1-1','auto');</script>
</head><body><h1>Unknown hosts</h1>
<iframe title="widget" src="https://widget.unknown-ads.test/frame"></iframe>
<img src="https://pixel.unknown-ads.test/p.gif" width="1" height="1" alt="">
<img src="https://photos.unknown-cdn.test/big.jpg" width="30" height="20" alt="a photo">
<script>fbq('track','Lead')</script>
<script>ga('send','pageview')</script>
<script>window._gaq=window._gaq||[];_gaq.push(['_trackPageview'])</script>
<script>_paq.push(['trackPageView'])</script>
<script>twq('track','PageView')</script>
<script>ttq.track('ViewContent');ttq.page()</script>
<script>lintrk('track',{conversion_id:1})</script>
<script>uetq.push('event','x',{})</script>
<script>hj('event','x')</script>
<script>clarity('set','k','v')</script>
<script>_hsq.push(['trackPageView'])</script>
<script>__gaTracker('send','pageview')</script>
<script>snaptr('track','PAGE_VIEW');pintrk('track','pagevisit')</script>
<script>document.body.setAttribute('data-site-ok','1')</script>
</body></html>`

// The hosts the page holds until every category is granted.
var heldHosts = []string{"tag.unknown-ads.test", "edge.unknown-measure.test", "preload.unknown-ads.test",
	"widget.unknown-ads.test", "pixel.unknown-ads.test", "connect.facebook.net", "www.google-analytics.com"}

// TestBrowserUnknownHosts: through the edge, before consent, Chromium makes
// no request to a third party no catalog knows, nor to the catalog's
// trackers; the same-site CDN and the first_party domain load; an ordinary
// image from an unknown host loads; the page's own calls into the blocked
// trackers' globals throw nothing (the control, straight, throws where the
// globals are missing). With every category but marketing granted, analytics
// comes back and the unknown hosts stay held; after Accept all every held
// host is requested, and the vendors' loaders initialise (the stubs are gone
// before they run).
func TestBrowserUnknownHosts(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"index.html": unknownHostsPage,
		"site.js":    "window.siteJs=1",
		"fp.js":      "window.fpJs=1",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://:{PORT} {
	consent {
		secret %[2]s
		first_party firstparty-cdn.test
	}
	reverse_proxy 127.0.0.1:{PORT2}
}
http://:{PORT2} {
	root * %[1]s
	file_server
}
http://:{PORT3} {
	reverse_proxy 127.0.0.1:{PORT2}
}
`, dir, secret))
	// The page names the edge's port for its same-site and first_party hosts.
	page := strings.ReplaceAll(unknownHostsPage, "{PORT}", fmt.Sprint(srv.Port(1)))
	if err := os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	hosts := browser.Loopback("www.example.com", "static.example.com", "cdn.firstparty-cdn.test")
	site := func(port int) string { return fmt.Sprintf("http://www.example.com:%d/", port) }
	errs := func(b *browser.Browser) []string {
		var e []string
		b.Eval(`window.__errs`, &e)
		return e
	}

	control := browser.New(t, hosts)
	control.Navigate(site(srv.Port(3)))
	settle(control)
	for _, h := range append(heldHosts, "photos.unknown-cdn.test") {
		if len(control.RequestsTo(h)) == 0 {
			t.Fatalf("control: Chromium did not request %s, so this test proves nothing for it; requests %q", h, control.Requests())
		}
	}
	controlErrs := errs(control)
	t.Logf("straight: %d uncaught exceptions", len(controlErrs))
	if len(controlErrs) == 0 {
		t.Fatal("control: the page's calls threw nothing without the trackers, so the stubs prove nothing")
	}

	b := browser.New(t, hosts)
	b.Navigate(site(srv.Port(1)))
	settle(b)
	for _, h := range heldHosts {
		if got := b.RequestsTo(h); len(got) > 0 {
			t.Errorf("requested before consent: %q", got)
		}
	}
	var ok struct {
		Site, FP, Done bool
		Hint, Prefetch string
	}
	b.Eval(`({Site: window.siteJs===1, FP: window.fpJs===1, Done: document.body.getAttribute('data-site-ok')==='1',
		Hint: document.querySelector('link[rel=preconnect]').getAttribute('href') || '',
		Prefetch: document.querySelector('link[rel=dns-prefetch]').getAttribute('href') || ''})`, &ok)
	if !ok.Site || !ok.FP {
		t.Errorf("same-site CDN ran: %v, first_party ran: %v", ok.Site, ok.FP)
	}
	if !ok.Done {
		t.Error("the page's last script did not run")
	}
	if ok.Hint != "" || ok.Prefetch != "" {
		t.Errorf("hints left live: %q %q", ok.Hint, ok.Prefetch)
	}
	if len(b.RequestsTo("photos.unknown-cdn.test")) == 0 {
		t.Error("an ordinary image from an unknown host was held")
	}
	if e := errs(b); len(e) > len(controlErrs) || len(e) > 0 {
		t.Errorf("uncaught exceptions through the edge %q (straight: %d)", e, len(controlErrs))
	}
	var listed bool
	b.Eval(`document.querySelector('[data-consent-banner]').textContent.indexOf('tag.unknown-ads.test') >= 0`, &listed)
	if !listed {
		t.Error("the banner does not list the held host")
	}

	// Every category but marketing: analytics comes back in place (and
	// its stubs go), the unknown third parties stay held.
	b.Click(`[data-consent-banner] [data-consent-action="settings"]`)
	b.WaitVisible(`[data-consent-banner] input[name="category"][value="analytics"]`)
	b.Click(`[data-consent-banner] input[name="category"][value="analytics"]`)
	b.Click(`[data-consent-banner] input[name="category"][value="preferences"]`)
	b.Click(`[data-consent-banner] [data-consent-action="save"]`)
	b.WaitUntil("analytics in place", func() bool { return len(b.RequestsTo("www.google-analytics.com")) > 0 })
	settle(b)
	for _, h := range heldHosts[:5] {
		if got := b.RequestsTo(h); len(got) > 0 {
			t.Errorf("requested with marketing still off: %q", got)
		}
	}
	var gaUp bool
	b.Eval(`typeof ga==='function' && Array.isArray(ga.q) && ga.q.length > 0`, &gaUp)
	if !gaUp {
		t.Error("analytics.js's loader did not initialise once analytics was granted")
	}

	b.Click(`[data-consent-banner] .cb-re`) // the reopen control
	b.WaitVisible(`[data-consent-banner] [data-consent-action="accept-all"]`)
	b.Click(`[data-consent-banner] [data-consent-action="accept-all"]`)
	b.WaitUntil("marketing in place", func() bool { return len(b.RequestsTo("connect.facebook.net")) > 0 })
	settle(b)
	for _, h := range heldHosts {
		if len(b.RequestsTo(h)) == 0 {
			t.Errorf("after accept-all, %s was not requested", h)
		}
	}
	var after struct {
		Fbq, Ga bool
		Hint    string
		Errs    []string
	}
	b.Eval(`({Fbq: typeof fbq==='function' && fbq.version==='2.0' && Array.isArray(fbq.queue),
		Ga: typeof ga==='function' && Array.isArray(ga.q) && ga.q.length > 0,
		Hint: document.querySelector('link[rel=preconnect]').getAttribute('href') || '', Errs: window.__errs})`, &after)
	if !after.Fbq || !after.Ga {
		t.Errorf("vendors' loaders did not initialise after accept-all: fbq %v, ga %v", after.Fbq, after.Ga)
	}
	if after.Hint != "https://hint.unknown-ads.test" {
		t.Errorf("preconnect not restored: %q", after.Hint)
	}
	// Restored calls whose tracker this page never loads (_paq without
	// Matomo) throw as they do straight, and no more.
	if len(after.Errs) > len(controlErrs) {
		t.Errorf("uncaught exceptions after accept-all %q, straight %q", after.Errs, controlErrs)
	}
}

// TestBrowserNoNewExceptions: on the demo site and every fixture page,
// uncaught exceptions through the edge, before consent (unknown_hosts hold,
// the default), are no more than straight (Browser.Exceptions, from the
// DevTools protocol).
func TestBrowserNoNewExceptions(t *testing.T) {
	srv := demoSite(t)
	b := browser.New(t)
	for _, p := range []string{"/", "/blogg/slik-brygger-du-kaffe-med-presskanne/", "/kontakt/", "/sv/", "/personvernerklaering/",
		"/pages/wordpress-median.html", "/pages/wordpress-trackers.html", "/pages/drupal7-median.html"} {
		t.Run(p, func(t *testing.T) {
			b.Reset()
			b.Navigate(srv.URL(3) + p)
			settle(b)
			straight := b.Exceptions()
			b.Reset()
			b.Navigate(srv.URL(1) + p)
			settle(b)
			edge := b.Exceptions()
			t.Logf("uncaught exceptions: straight %d, through the edge %d", len(straight), len(edge))
			if len(edge) > len(straight) {
				t.Errorf("more uncaught exceptions through the edge:\n%q\nstraight:\n%q", edge, straight)
			}
		})
	}
}
