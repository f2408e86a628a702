package consent

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/banner"
)

// heldFramePage embeds a widget from a host no catalog row, block_list or
// allow rule names; the widget tells the page when it has loaded.
const heldFramePage = `<!DOCTYPE html><html lang="nb"><head><title>Finn oss</title></head><body><h1>Finn oss</h1>
<script>addEventListener('message',function(e){if(e.data==='widget-up')document.body.setAttribute('data-widget','up')})</script>
<iframe title="Kart" src="http://maps.unknown-widget.test:{PORT2}/widget.html" width="520" height="300"></iframe>
<p>Velkommen.</p>
</body></html>`

const heldFrameHost = "maps.unknown-widget.test"

// videoFramePage embeds a catalog service (YouTube, marketing), served on
// loopback under its own name.
const videoFramePage = `<!DOCTYPE html><html lang="nb"><head><title>Video</title></head><body><h1>Video</h1>
<script>addEventListener('message',function(e){if(e.data==='widget-up')document.body.setAttribute('data-widget','up')})</script>
<iframe title="Video" src="http://www.youtube.com:{PORT2}/embed/v.html" width="520" height="300"></iframe>
</body></html>`

// heldFrameSite serves heldFramePage through the edge (port 1) from a file
// server (port 2) that also serves the widget under its own name, and logs
// consent records to a file. extra goes into the consent block.
func heldFrameSite(t *testing.T, extra string) (srv *testcaddy.Server, home, records string) {
	t.Helper()
	dir := t.TempDir()
	records = filepath.Join(t.TempDir(), "records.log")
	if err := os.WriteFile(filepath.Join(dir, "widget.html"), []byte(`<!DOCTYPE html><title>Kart</title><p>Kartet<script>parent.postMessage('widget-up','*')</script>`), 0o644); err != nil {
		t.Fatal(err)
	}
	srv = testcaddy.Start(t, fmt.Sprintf(`
{
	log records {
		include http.handlers.consent.records
		output file %[3]s
		format json
	}
}
http://:{PORT} {
	consent {
		secret %[2]s
		%[4]s
	}
	reverse_proxy 127.0.0.1:{PORT2}
}
http://:{PORT2} {
	root * %[1]s
	file_server
}
`, dir, secret, records, extra))
	page := strings.ReplaceAll(heldFramePage, "{PORT2}", fmt.Sprint(srv.Port(2)))
	video := strings.ReplaceAll(videoFramePage, "{PORT2}", fmt.Sprint(srv.Port(2)))
	if err := os.MkdirAll(filepath.Join(dir, "embed"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"index.html":   page,
		"video.html":   video,
		"embed/v.html": `<!DOCTYPE html><title>Video</title><p>Video<script>parent.postMessage('widget-up','*')</script>`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return srv, fmt.Sprintf("http://www.example.com:%d/", srv.Port(1)), records
}

// placeholderJS evaluates to the held iframe's placeholder document.
const placeholderJS = `document.querySelector('iframe').contentDocument`

// clickInPlaceholder clicks the element of the placeholder matching sel with
// a real mouse event at its centre, as a visitor does.
func clickInPlaceholder(t *testing.T, b *browser.Browser, sel string) {
	t.Helper()
	var xy []float64
	b.Eval(`(f => { var r = f.getBoundingClientRect(), e = f.contentDocument.querySelector(`+browser.JSString(sel)+`).getBoundingClientRect();
		return [r.left + f.clientLeft + e.left + e.width / 2, r.top + f.clientTop + e.top + e.height / 2] })(document.querySelector('iframe'))`, &xy)
	if len(xy) != 2 {
		t.Fatalf("no position for %s: %v", sel, xy)
	}
	// A click at that point must reach the iframe, not the banner's bar.
	var hit bool
	b.Eval(fmt.Sprintf(`document.elementFromPoint(%v, %v) === document.querySelector('iframe')`, xy[0], xy[1]), &hit)
	if !hit {
		t.Fatalf("%s is covered at %v", sel, xy)
	}
	if _, err := chromedp.Run(b.Context(), chromedp.MouseClickXY(xy[0], xy[1])); err != nil {
		t.Fatalf("clicking %s: %v", sel, err)
	}
}

// beforeConsent checks what a visitor sees before a choice: the held iframe
// shows the unclassified placeholder in the page's language, and Chromium
// has made no request to the widget's host.
func beforeConsent(t *testing.T, b *browser.Browser) {
	t.Helper()
	settle(b)
	if got := b.RequestsTo(heldFrameHost); len(got) > 0 {
		t.Fatalf("requested before consent: %q", got)
	}
	var ph struct {
		Category, Src, Text, Button string
		Srcdoc                      bool
	}
	b.Eval(`(f => ({Category: f.getAttribute('data-consent-category') || '', Src: f.getAttribute('src') || '', Srcdoc: f.hasAttribute('srcdoc'),
		Text: f.contentDocument.body.innerText, Button: f.contentDocument.querySelector('button[value="accept-all"]').textContent}))(document.querySelector('iframe'))`, &ph)
	if ph.Category != "unclassified" || ph.Src != "" || !ph.Srcdoc {
		t.Fatalf("held iframe: category %q, src %q, srcdoc %v", ph.Category, ph.Src, ph.Srcdoc)
	}
	for _, key := range []string{"embed_unclassified_title", "embed_unclassified", "embed_accept_all"} {
		if want := banner.Text("nb", key, nil); !strings.Contains(ph.Text, want) {
			t.Errorf("the placeholder does not show %s %q:\n%s", key, want, ph.Text)
		}
	}
	if want := banner.Text("nb", "embed_accept_all", nil); ph.Button != want {
		t.Errorf("accept button says %q, want %q", ph.Button, want)
	}
}

// TestBrowserHeldFramePlaceholder: through a real Caddy, an iframe of a host
// nothing classifies shows the unclassified placeholder before consent and
// contacts nobody. Its Accept all button saves accept-all (the consent
// record says so) and the page comes back with the widget loaded, with the
// banner script and without JavaScript; "show just this once" loads it in
// place and saves nothing. axe finds nothing in the placeholder document.
func TestBrowserHeldFramePlaceholder(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	_, home, records := heldFrameSite(t, "")
	// Tall enough that the banner's bar, fixed at the bottom, leaves the
	// iframe free to click.
	hosts, tall := browser.Loopback("www.example.com", heldFrameHost), browser.WindowSize(1280, 1400)
	accepts := func() int {
		raw, _ := os.ReadFile(records)
		return strings.Count(string(raw), `"action":"accept-all"`)
	}
	if accepts() != 0 {
		t.Fatal("a consent record before any choice")
	}

	t.Run("accept all", func(t *testing.T) {
		b := browser.New(t, hosts, tall)
		b.Navigate(home)
		beforeConsent(t, b)
		// The banner script shows the once button, and leaves Accept all
		// to post the plain way: the page is loaded anew.
		b.WaitTrue(`(d => !!d && !!d.querySelector('[data-consent-embed=once]') && !d.querySelector('[data-consent-embed=once]').hidden)(` + placeholderJS + `)`)
		b.Eval(`window.beforeChoice = 1`, nil)
		clickInPlaceholder(t, b, `button[value="accept-all"]`)
		b.WaitUntil("a request to the widget's host", func() bool { return len(b.RequestsTo(heldFrameHost)) > 0 })
		b.WaitTrue(`document.body.getAttribute('data-widget') === 'up'`)
		var after struct {
			Fresh, Restored bool
			Path            string
			Boxes           []bool
		}
		b.Eval(`({Fresh: !window.beforeChoice, Path: location.pathname,
			Restored: (f => f.getAttribute('src').indexOf('/widget.html') > 0 && !f.hasAttribute('srcdoc') && !f.hasAttribute('data-consent-category'))(document.querySelector('iframe')),
			Boxes: [...document.querySelectorAll('[data-consent-banner] input[name=category]')].filter(b => !b.disabled).map(b => b.checked)})`, &after)
		if !after.Fresh || after.Path != "/" {
			t.Errorf("after Accept all: a new page %v, at %q; want the page at / loaded anew", after.Fresh, after.Path)
		}
		if !after.Restored {
			t.Error("the iframe is still neutralised on the page that came back")
		}
		if len(after.Boxes) == 0 || strings.Contains(fmt.Sprint(after.Boxes), "false") {
			t.Errorf("banner switches after Accept all: %v, want all on", after.Boxes)
		}
		if n := accepts(); n != 1 {
			t.Errorf("%d accept-all records, want 1", n)
		}
		if e := b.Exceptions(); len(e) > 0 {
			t.Errorf("uncaught exceptions: %q", e)
		}
	})

	t.Run("just this once", func(t *testing.T) {
		b := browser.New(t, hosts, tall)
		b.Navigate(home)
		beforeConsent(t, b)
		b.WaitTrue(`(d => !!d && !!d.querySelector('[data-consent-embed=once]') && !d.querySelector('[data-consent-embed=once]').hidden)(` + placeholderJS + `)`)
		clickInPlaceholder(t, b, `[data-consent-embed=once]`)
		b.WaitTrue(`document.body.getAttribute('data-widget') === 'up'`)
		if b.Cookie("consent") != nil {
			t.Error("show just this once saved a choice")
		}
		if n := accepts(); n != 1 {
			t.Errorf("%d accept-all records, want still 1", n)
		}
	})

	t.Run("without javascript", func(t *testing.T) {
		b := browser.New(t, hosts, tall, browser.JavaScriptDisabled())
		b.Navigate(home)
		beforeConsent(t, b)
		var onceHidden bool
		b.Eval(placeholderJS+`.querySelector('[data-consent-embed=once]').hidden`, &onceHidden)
		if !onceHidden {
			t.Error("the once button shows without the script that works it")
		}
		clickInPlaceholder(t, b, `button[value="accept-all"]`)
		b.WaitUntil("the consent cookie without JS", func() bool { return b.Cookie("consent") != nil })
		b.WaitUntil("a request to the widget's host", func() bool { return len(b.RequestsTo(heldFrameHost)) > 0 })
		var restored bool
		b.Eval(`(f => f.getAttribute('src').indexOf('/widget.html') > 0 && !f.hasAttribute('srcdoc'))(document.querySelector('iframe'))`, &restored)
		if !restored {
			t.Error("the iframe is still neutralised on the page that came back")
		}
		if n := accepts(); n != 2 {
			t.Errorf("%d accept-all records, want 2", n)
		}
	})

	t.Run("axe", func(t *testing.T) {
		if _, err := browser.AxeSource(); err != nil {
			t.Fatalf("axe-core missing (make test installs it): %v", err)
		}
		b := browser.New(t, hosts, tall)
		b.Navigate(home)
		settle(b)
		// The placeholder document as the whole page, same origin, so its
		// stylesheet applies as it does in the iframe.
		b.Eval(`(h => { document.open(); document.write(h); document.close(); return document.title })(document.querySelector('iframe').getAttribute('srcdoc'))`, nil)
		b.WaitTrue(`document.styleSheets.length > 0 && !!document.querySelector('button[value="accept-all"]')`)
		v, err := b.Axe("")
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range v {
			t.Errorf("placeholder: %s", x)
		}
	})
}

// TestBrowserHeldFrameEnforce: under csp enforce the page's policy would
// refuse the widget in place, so the placeholder offers no "show just this
// once", the banner script leaves its form alone, and Accept all brings the
// page back with the widget loaded and no policy (accept-all gets none).
func TestBrowserHeldFrameEnforce(t *testing.T) {
	_, home, records := heldFrameSite(t, "csp enforce")
	b := browser.New(t, browser.Loopback("www.example.com", heldFrameHost), browser.WindowSize(1280, 1400))
	b.Navigate(home)
	beforeConsent(t, b)
	var once bool
	b.Eval(placeholderJS+`.querySelector('[data-consent-embed=once]') !== null`, &once)
	if once {
		t.Error("a once button under csp enforce, which the page's policy would refuse")
	}
	b.Eval(`window.beforeChoice = 1`, nil)
	clickInPlaceholder(t, b, `button[value="accept-all"]`)
	b.WaitTrue(`document.body.getAttribute('data-widget') === 'up'`)
	var fresh bool
	b.Eval(`!window.beforeChoice`, &fresh)
	if !fresh {
		t.Error("the widget loaded without the page being served anew")
	}
	if raw, _ := os.ReadFile(records); strings.Count(string(raw), `"action":"accept-all"`) != 1 {
		t.Errorf("want one accept-all record:\n%s", raw)
	}
	if e := b.Exceptions(); len(e) > 0 {
		t.Errorf("uncaught exceptions: %q", e)
	}
}

// TestBrowserServiceFrameEnforce: under csp enforce a catalog service's
// placeholder (YouTube) offers no "show just this once" and its allow button
// posts the plain way: the page comes back under a policy that admits the
// granted category, and the video loads. Without that, the banner script
// would start the frame in place and the page's policy would refuse it.
func TestBrowserServiceFrameEnforce(t *testing.T) {
	srv, _, _ := heldFrameSite(t, "csp enforce")
	b := browser.New(t, browser.Loopback("www.example.com", "www.youtube.com"), browser.WindowSize(1280, 1400))
	b.Navigate(fmt.Sprintf("http://www.example.com:%d/video.html", srv.Port(1)))
	settle(b)
	if got := b.RequestsTo("www.youtube.com"); len(got) > 0 {
		t.Fatalf("requested before consent: %q", got)
	}
	var ph struct {
		Category string
		Once     bool
	}
	b.Eval(`(f => ({Category: f.getAttribute('data-consent-category') || '', Once: !!f.contentDocument.querySelector('[data-consent-embed=once]')}))(document.querySelector('iframe'))`, &ph)
	if ph.Category != "marketing" {
		t.Fatalf("the video iframe is not held as marketing: %q", ph.Category)
	}
	if ph.Once {
		t.Error("a once button under csp enforce, which the page's policy would refuse")
	}
	b.Eval(`window.beforeChoice = 1`, nil)
	clickInPlaceholder(t, b, `button[value="save"]`)
	// The video itself stays refused here for a reason of the test alone: it
	// is served on a loopback port, and a CSP host source admits only the
	// default port. What the module owes is a page served anew, its iframe
	// restored, under a policy that admits the granted video's hosts.
	b.WaitTrue(`!window.beforeChoice && (f => !!f && !f.hasAttribute('srcdoc') && !f.hasAttribute('data-consent-category') && f.getAttribute('src').indexOf('/embed/v.html') > 0)(document.querySelector('iframe'))`)
	if b.Cookie("consent") == nil {
		t.Fatal("no consent cookie after allowing the video")
	}
	var policy string
	b.Eval(`(async () => (await fetch(location.href)).headers.get('Content-Security-Policy') || '')()`, &policy)
	if !strings.Contains(policy, " youtube.com ") {
		t.Errorf("the page after allowing the video has no policy admitting youtube.com: %q", policy)
	}
}
