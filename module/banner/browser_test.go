package banner

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/module/policy"
)

// site is a test site whose pages carry the banner and elements neutralised
// the way the rewriter leaves them, and whose consent endpoint records posts.
type site struct {
	mu      sync.Mutex
	posts   []url.Values
	granted policy.Set
	decided bool
}

func (s *site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	css, js := AssetNames()
	switch {
	case strings.HasPrefix(r.URL.Path, "/_consent/assets/"):
		for _, a := range Assets() {
			if r.URL.Path == "/_consent/assets/"+a.Name {
				w.Header().Set("Content-Type", a.ContentType)
				w.Write(a.Body)
				return
			}
		}
		http.NotFound(w, r)
	case r.URL.Path == "/_consent" && r.Method == http.MethodPost:
		r.ParseForm()
		s.mu.Lock()
		s.posts = append(s.posts, r.PostForm)
		s.decided = true
		switch r.PostForm.Get("action") {
		case "accept-all":
			s.granted = policy.All
		case "reject-all":
			s.granted = 0
		default:
			s.granted = 0
			for _, c := range r.PostForm["category"] {
				cat, _ := policy.ParseCategory(c)
				s.granted = s.granted.With(cat)
			}
		}
		s.mu.Unlock()
		if strings.Contains(r.Header.Get("Accept"), "application/json") {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		http.Redirect(w, r, r.PostForm.Get("return"), http.StatusSeeOther)
	case r.URL.Path == "/late.js":
		time.Sleep(150 * time.Millisecond) // the inline script after it must wait
		w.Header().Set("Content-Type", "text/javascript")
		w.Write([]byte(`window.order = (window.order || []).concat('external')`))
	case r.URL.Path == "/embed":
		w.Write([]byte(`<!DOCTYPE html><title>embed</title><p>video`))
	case r.URL.Path == "/page":
		s.mu.Lock()
		v := fixture("nb")
		v.Return, v.AssetCSS, v.AssetJS = "/page", "/_consent/assets/"+css, "/_consent/assets/"+js
		v.Decided, v.Granted = s.decided, s.granted
		s.mu.Unlock()
		ph := strings.NewReplacer("&", "&amp;", `"`, "&quot;").Replace(string(Placeholder(v, v.Found[4], policy.Marketing)))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!DOCTYPE html><html lang="nb"><head><title>Side</title>
<style>body{display:flex;flex-direction:column;gap:40px}</style>
<script>window.dataLayer = []; window.loads = (window.loads || 0) + 1</script></head><body>
<main><h1>Konserter</h1><p><a id="own" href="/_consent/settings" data-consent-action="settings">Informasjonskapsler</a></p>
<script type="text/plain" data-consent-category="analytics" data-consent-src="/late.js"></script>
<script type="text/plain" data-consent-category="analytics">window.order = (window.order || []).concat('inline')</script>
<script type="text/plain" data-consent-category="marketing" data-consent-type="rocketlazyloadscript">window.marketing = 1</script>
<img alt="" data-consent-category="analytics" data-consent-src="/pixel.gif">
<iframe title="Video" width="560" height="315" data-consent-category="marketing" data-consent-src="/embed" srcdoc="` + ph + `"></iframe>
</main>` + string(Render(v)) + `</body></html>`))
	default:
		http.NotFound(w, r)
	}
}

func (s *site) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.posts)
}

func (s *site) lastPost(t *testing.T) url.Values {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.posts) == 0 {
		t.Fatal("nothing was posted")
	}
	return s.posts[len(s.posts)-1]
}

// openPage starts Chromium on a fresh site's /page.
func openPage(t *testing.T) (*browser.Browser, *site) {
	t.Helper()
	b := browser.New(t)
	s := &site{}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	b.Navigate(srv.URL + "/page")
	return b, s
}

// TestBrowserScript drives the banner script in Chromium: settings in place,
// saving without a page load, activation in document order, an embed shown
// once, and a withdrawal that reloads.
func TestBrowserScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	b, s := openPage(t)
	b.WaitTrue(`document.readyState == 'complete' && !!document.querySelector('.cb-bar')`)

	t.Run("first layer", func(t *testing.T) {
		if !browser.Value[bool](b, `document.body.firstElementChild.hasAttribute('data-consent-banner')`) {
			t.Error("before a choice the banner is not moved to the start of the body")
		}
		if browser.Value[bool](b, `document.querySelector('.cb-bar').hidden || !document.querySelector('.cb-l2').hidden`) {
			t.Error("first layer not showing")
		}
		if h := browser.Value[float64](b, `getComputedStyle(document.querySelector('.cb-bar')).position == 'fixed' ? 1 : 0`); h != 1 {
			t.Error("the stylesheet did not make the banner a fixed bar")
		}
		// Layout Instability API: moving the banner to the top of a flex body
		// must not move the page.
		shift := browser.Value[float64](b, `new Promise(done => {
			new PerformanceObserver(l => done(l.getEntries().reduce((s, e) => s + e.value, 0))).observe({type: 'layout-shift', buffered: true});
			setTimeout(() => done(0), 300);
		})`)
		if shift != 0 {
			t.Errorf("layout shift %v", shift)
		}
		a := browser.Value[string](b, `(b => b.offsetWidth + 'x' + b.offsetHeight + getComputedStyle(b).backgroundColor + getComputedStyle(b).fontWeight)(document.querySelector('[data-consent-action=accept-all]'))`)
		r := browser.Value[string](b, `(b => b.offsetWidth + 'x' + b.offsetHeight + getComputedStyle(b).backgroundColor + getComputedStyle(b).fontWeight)(document.querySelector('[data-consent-action=reject-all]'))`)
		if a != r {
			t.Errorf("accept renders %s, reject %s", a, r)
		}
	})

	t.Run("settings open in place from the site's own link", func(t *testing.T) {
		browser.Value[bool](b, `document.getElementById('own').click(), true`)
		b.WaitTrue(`!document.querySelector('.cb-l2').hidden`)
		if browser.Value[string](b, `location.pathname`) != "/page" {
			t.Error("settings navigated away")
		}
		if browser.Value[string](b, `document.activeElement.id`) != "consent-settings" {
			t.Error("focus did not move to the settings heading")
		}
		if browser.Value[bool](b, `document.querySelector('[data-consent-action=save]').hidden`) {
			t.Error("save hidden in the settings layer")
		}
		browser.Value[bool](b, `document.querySelector('.cb-bar').dispatchEvent(new KeyboardEvent('keydown', {key: 'Escape', bubbles: true}))`)
		b.WaitTrue(`document.querySelector('.cb-l2').hidden && !document.querySelector('.cb-l1').hidden`)
		if browser.Value[string](b, `document.activeElement.getAttribute('data-consent-action')`) != "settings" {
			t.Error("closing the settings layer lost the focus")
		}
		// The close button does the same; nothing is saved either way.
		browser.Value[bool](b, `document.getElementById('own').click(), document.querySelector('.cb-x').click(), true`)
		b.WaitTrue(`document.querySelector('.cb-l2').hidden && !document.querySelector('.cb-bar').hidden`)
		if s.count() != 0 {
			t.Error("closing the settings posted a choice")
		}
	})

	t.Run("save analytics without a page load", func(t *testing.T) {
		browser.Value[bool](b, `document.querySelector('.cb-row [data-consent-action=settings]').click(), true`)
		browser.Value[bool](b, `document.getElementById('consent-c-analytics').click(), true`)
		browser.Value[bool](b, `document.querySelector('[data-consent-action=save]').click(), true`)
		b.WaitTrue(`document.querySelector('.cb-bar').hidden`)
		p := s.lastPost(t)
		if p.Get("action") != "save" || strings.Join(p["category"], ",") != "analytics" || p.Get("return") != "/page" {
			t.Errorf("posted %v", p)
		}
		b.WaitTrue(`(window.order || []).length == 2`)
		if got := browser.Value[string](b, `window.order.join(',')`); got != "external,inline" {
			t.Errorf("scripts ran in the order %s", got)
		}
		if browser.Value[bool](b, `'marketing' in window`) {
			t.Error("a marketing script ran")
		}
		if got := browser.Value[string](b, `document.querySelector('img').getAttribute('src')`); got != "/pixel.gif" {
			t.Errorf("pixel src = %q", got)
		}
		if got := browser.Value[string](b, `JSON.stringify(dataLayer.map(a => [].slice.call(a)))`); !strings.Contains(got, `"analytics_storage":"granted"`) || !strings.Contains(got, `"ad_storage":"denied"`) {
			t.Errorf("consent mode update = %s", got)
		}
		if browser.Value[float64](b, `window.loads`) != 1 {
			t.Error("the page reloaded")
		}
		if browser.Value[bool](b, `document.querySelector('.cb-re').hidden`) {
			t.Error("no reopen control after the choice")
		}
		if got := browser.Value[string](b, `document.querySelector('[role=status]').textContent`); got != Text("nb", "saved", nil) {
			t.Errorf("status = %q", got)
		}
	})

	t.Run("embed shown just this once", func(t *testing.T) {
		b.WaitTrue(`(d => d && !d.querySelector('[data-consent-embed=once]').hidden)(document.querySelector('iframe').contentDocument)`)
		// The placeholder fits a video embed's usual 560×315 without a scroll bar.
		if browser.Value[bool](b, `(e => e.scrollHeight > e.clientHeight)(document.querySelector('iframe').contentDocument.documentElement)`) {
			t.Error("the placeholder scrolls inside a 560×315 embed")
		}
		browser.Value[bool](b, `document.querySelector('iframe').contentDocument.querySelector('[data-consent-embed=once]').click(), true`)
		b.WaitTrue(`!document.querySelector('iframe').hasAttribute('srcdoc')`)
		if got := browser.Value[string](b, `document.querySelector('iframe').getAttribute('src')`); got != "/embed" {
			t.Errorf("iframe src = %q", got)
		}
		if n := s.count(); n != 1 {
			t.Errorf("showing once posted consent (%d posts)", n)
		}
	})

	t.Run("withdrawal reloads", func(t *testing.T) {
		browser.Value[bool](b, `document.querySelector('.cb-re').click(), true`)
		b.WaitTrue(`!document.querySelector('.cb-bar').hidden && !document.querySelector('.cb-l2').hidden`)
		if !browser.Value[bool](b, `document.getElementById('consent-c-analytics').checked`) {
			t.Error("reopened settings do not show the earlier choice")
		}
		browser.Value[bool](b, `window.stale = true, document.querySelector('[data-consent-action=reject-all]').click(), true`)
		b.WaitTrue(`!window.stale && document.readyState == 'complete'`)
		if p := s.lastPost(t); p.Get("action") != "reject-all" {
			t.Errorf("posted %v", p)
		}
		b.WaitTrue(`!!document.querySelector('.cb-re') && !document.querySelector('.cb-re').hidden`)
		if browser.Value[bool](b, `!!window.order`) {
			t.Error("analytics ran after the withdrawal")
		}
	})

	t.Run("allow from the placeholder", func(t *testing.T) {
		b.WaitTrue(`(d => d && !d.querySelector('[data-consent-embed=once]').hidden)(document.querySelector('iframe').contentDocument)`)
		browser.Value[bool](b, `window.stale = true, document.querySelector('iframe').contentDocument.querySelector('[data-consent-action=save]').click(), true`)
		b.WaitTrue(`!document.querySelector('iframe').hasAttribute('srcdoc')`)
		p := s.lastPost(t)
		if p.Get("action") != "save" || strings.Join(p["category"], ",") != "marketing" || p.Get("return") != "/page" {
			t.Errorf("posted %v", p)
		}
		// The optimiser's type stands for plain JavaScript: the script ran.
		b.WaitTrue(`window.marketing === 1`)
		if !browser.Value[bool](b, `window.stale === true && document.getElementById('consent-c-marketing').checked && !window.order`) {
			t.Error("the page reloaded, or the banner does not show marketing as granted, or analytics ran")
		}
	})
}

// TestBrowserNoScript posts the banner form with JavaScript off: the plain
// form post and its redirect are all a choice needs.
func TestBrowserNoScript(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a browser")
	}
	b, s := openPage(t)
	// Remove the script's listeners before it runs its course: the form
	// alone must work.
	b.Eval(`(f => { f.replaceWith(f.cloneNode(true)) })(document.querySelector('[data-consent-banner] form'))`, nil)
	b.ClickToNewPage(`[data-consent-action=accept-all]`)
	if p := s.lastPost(t); p.Get("action") != "accept-all" {
		t.Errorf("posted %v", p)
	}
	if got := browser.Value[string](b, `location.pathname`); got != "/page" {
		t.Errorf("after the post the browser is at %s, want the page", got)
	}
	b.WaitTrue(`document.readyState == 'complete' && (window.order || []).length == 0 && !!document.querySelector('.cb-re')`)
	if browser.Value[bool](b, `document.querySelector('.cb-re').hidden`) {
		t.Error("no reopen control after the choice")
	}
}
