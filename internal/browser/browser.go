// Package browser drives a headless Debian Chromium from Go tests through the
// DevTools protocol (chromedp), to check what a visitor's browser really
// does with a page: which requests it attempts, which cookies it stores,
// where keyboard focus goes and what axe-core reports.
//
// The browser resolves no host name except 127.0.0.1 (--host-resolver-rules),
// so a request to a third party fails on DNS and nothing leaves the machine,
// yet the attempt is still in the request log. Every call is bounded by a
// timeout (30 s by default), so a hung browser fails the test rather than CI.
// Helpers report failures with t.Fatalf and must be called from the test's
// goroutine.
//
// Request-log limits: <link rel=preconnect|dns-prefetch> open no request and
// never appear in it; requests made inside a cross-site iframe's own process
// are not seen (the iframe's document request is). Assert on the DOM for those.
// A request the browser refuses itself (Network.loadingFailed with a
// blockedReason, such as a Content Security Policy's "csp") is an attempt in
// Requests but did not leave: Left and Refused tell the two apart.
package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// DefaultChromium is where Debian's chromium package puts the browser;
// $CHROMIUM overrides it.
const DefaultChromium = "/usr/bin/chromium"

// DefaultTimeout bounds each browser call unless Timeout says otherwise.
const DefaultTimeout = 30 * time.Second

// HostResolverRules makes every host but 127.0.0.1 unresolvable.
const HostResolverRules = "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"

// closeWait bounds how long cleanup waits for the browser to exit before it
// kills what is left.
const closeWait = 10 * time.Second

// Option configures New.
type Option func(*config)

type config struct {
	jsDisabled bool
	width      int
	height     int
	headers    map[string]string
	languages  []string // language tags, most preferred first
	gpc        bool
	timeout    time.Duration
	axeTags    []string
	loopback   []string // hosts resolved to 127.0.0.1
}

// JavaScriptDisabled turns off page scripts (Emulation.setScriptExecutionDisabled),
// as for a visitor without JavaScript. The helpers still work: they run
// through the DevTools protocol, not through page scripts.
func JavaScriptDisabled() Option { return func(c *config) { c.jsDisabled = true } }

// WindowSize sets the viewport size in CSS pixels at a device scale factor
// of 1. Default: Chromium's headless window.
func WindowSize(width, height int) Option {
	return func(c *config) { c.width, c.height = width, height }
}

// Header adds a request header to every request of the page, e.g.
// Header("Sec-GPC", "1").
func Header(name, value string) Option {
	return func(c *config) {
		if c.headers == nil {
			c.headers = map[string]string{}
		}
		c.headers[name] = value
	}
}

// GPC sends Sec-GPC: 1 and makes navigator.globalPrivacyControl true, as a
// browser with Global Privacy Control on does.
func GPC() Option {
	return func(c *config) {
		Header("Sec-GPC", "1")(c)
		c.gpc = true
	}
}

// Locale sets the visitor's languages, most preferred first, e.g.
// Locale("nb-NO", "nb", "en"): navigator.languages, Intl's locale (the first
// tag) and Accept-Language, to which Chromium adds the q-values itself
// ("nb-NO,nb;q=0.9,en;q=0.8").
func Locale(languages ...string) Option {
	return func(c *config) { c.languages = languages }
}

// Timeout bounds each browser call. Default: DefaultTimeout. Starting the
// browser may take up to the larger of it and DefaultTimeout.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// Loopback resolves the given host names to 127.0.0.1, so that a site can
// be served under its real name ("www.example.com" and a same-site
// "static.example.com"); every other host stays unresolvable.
func Loopback(hosts ...string) Option {
	return func(c *config) { c.loopback = append(c.loopback, hosts...) }
}

// resolverRules are HostResolverRules with the Loopback hosts mapped first.
func (c *config) resolverRules() string {
	var b strings.Builder
	for _, h := range c.loopback {
		b.WriteString("MAP " + h + " 127.0.0.1, ")
	}
	return b.String() + HostResolverRules
}

// Browser is one headless Chromium with one tab, closed by the test's
// cleanup.
type Browser struct {
	t      testing.TB
	cfg    config
	ctx    context.Context // the tab's chromedp context
	cancel func()          // stops the tab, the browser process and the allocator
	dir    string          // --user-data-dir
	output *capBuffer      // Chromium's stdout and stderr

	mu         sync.Mutex
	closed     bool
	requests   []loggedRequest
	exceptions []string // uncaught exceptions of the pages since the last Reset
	console    []string // console messages since the last Navigate or Reset
	navigating bool     // Navigate sent, its document not committed yet
	pending    map[network.RequestID]pendingRequest
	lastNet    time.Time
}

type loggedRequest struct {
	url     string
	loader  cdp.LoaderID
	id      network.RequestID
	refused string // the blockedReason when the browser refused it itself
}

// New starts a headless Chromium for t. It fails the test when Chromium is
// missing, unless CONSENT_SKIP_BROWSER=1 asks to skip browser tests.
func New(t testing.TB, opts ...Option) *Browser {
	t.Helper()
	if os.Getenv("CONSENT_SKIP_BROWSER") == "1" {
		t.Skip("browser tests skipped: CONSENT_SKIP_BROWSER=1")
	}
	exe := os.Getenv("CHROMIUM")
	if exe == "" {
		exe = DefaultChromium
	}
	if fi, err := os.Stat(exe); err != nil || fi.IsDir() {
		t.Fatalf("chromium not installed: run make test (it installs Debian chromium); looked for %s", exe)
	}

	cfg := config{timeout: DefaultTimeout, axeTags: defaultAxeTags}
	for _, o := range opts {
		o(&cfg)
	}

	dir, err := os.MkdirTemp("", "consent-chromium-")
	if err != nil {
		t.Fatalf("browser: creating user data dir: %v", err)
	}
	b := &Browser{
		t:       t,
		cfg:     cfg,
		dir:     dir,
		output:  &capBuffer{max: 64 << 10},
		pending: map[network.RequestID]pendingRequest{},
	}

	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", cfg.resolverRules()),
		chromedp.UserDataDir(dir),
		chromedp.CombinedOutput(b.output),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx,
		chromedp.WithListener(b.onEvent),
		chromedp.WithLogf(b.logf),
		chromedp.WithErrorf(b.logf),
	)
	b.ctx = tabCtx
	b.cancel = func() {
		cancelTab()
		cancelAlloc()
	}
	t.Cleanup(b.close)

	// The first call starts the browser and binds its life to tabCtx, so it
	// cannot carry a deadline itself; wait for it with a timer instead. A
	// short Timeout is for calls: a loaded CI machine needs seconds to start
	// Chromium.
	startWait := max(cfg.timeout, DefaultTimeout)
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tabCtx) }()
	select {
	case err = <-started:
	case <-time.After(startWait):
		err = fmt.Errorf("no answer after %v", startWait)
	}
	if err != nil {
		t.Fatalf("browser: starting %s: %v\nchromium output:\n%s", exe, err, b.output.Relevant())
	}
	if err := b.setup(startWait); err != nil {
		t.Fatalf("browser: %v", err)
	}
	return b
}

// setup applies the options that live in the tab rather than on the command
// line. They persist across navigations.
func (b *Browser) setup(limit time.Duration) error {
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if b.cfg.jsDisabled {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			return fmt.Errorf("disabling scripts: %w", err)
		}
	}
	if len(b.cfg.headers) > 0 {
		h := network.Headers{}
		for k, v := range b.cfg.headers {
			h[k] = v
		}
		if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: h}); err != nil {
			return fmt.Errorf("setting extra headers: %w", err)
		}
	}
	if b.cfg.width > 0 && b.cfg.height > 0 {
		// The --window-size flag sizes the window, not the viewport, and
		// headless Chromium clamps small windows; emulate the viewport.
		if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(int64(b.cfg.width), int64(b.cfg.height))); err != nil {
			return fmt.Errorf("setting viewport: %w", err)
		}
	}
	if len(b.cfg.languages) > 0 {
		v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
		if err != nil {
			return fmt.Errorf("reading user agent: %w", err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent:      v.UserAgent,
			AcceptLanguage: strings.Join(b.cfg.languages, ","),
		}); err != nil {
			return fmt.Errorf("setting languages: %w", err)
		}
		// ICU spells locales with an underscore.
		tag := b.cfg.languages[0]
		if _, err := chromedp.Call(ctx, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: strings.ReplaceAll(tag, "-", "_")}); err != nil {
			return fmt.Errorf("setting locale %s: %w", tag, err)
		}
	}
	if b.cfg.gpc {
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true, configurable: true});`,
		}); err != nil {
			return fmt.Errorf("setting navigator.globalPrivacyControl: %w", err)
		}
	}
	return nil
}

// onEvent runs on chromedp's reader goroutine: record and return.
func (b *Browser) onEvent(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		// A redirect reuses the request ID and arrives here again with the
		// new URL; both hops are attempts.
		b.requests = append(b.requests, loggedRequest{url: ev.Request.URL, loader: ev.LoaderID, id: ev.RequestID})
		// blob: and data: loads never leave the page, and Chromium does not
		// always report their end; only network requests keep it busy.
		// So do the browser's own CSP violation reports, which Chromium
		// sends in the background whenever it gets to them (under load,
		// long after the page went quiet): they are not the page loading.
		// (report-uri posts come without a type, so the module's endpoint
		// is recognised by its path too.)
		if (strings.HasPrefix(ev.Request.URL, "http:") || strings.HasPrefix(ev.Request.URL, "https:")) &&
			ev.Type != network.ResourceTypeCSPViolationReport && !strings.Contains(ev.Request.URL, "/csp-report") {
			b.pending[ev.RequestID] = pendingRequest{url: ev.Request.URL, loader: ev.LoaderID}
		}
		b.lastNet = time.Now()
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + strings.SplitN(d.Exception.Description, "\n", 2)[0]
		}
		b.exceptions = append(b.exceptions, msg)
	case *network.EventLoadingFinished:
		delete(b.pending, ev.RequestID)
		b.lastNet = time.Now()
	case *network.EventLoadingFailed:
		delete(b.pending, ev.RequestID)
		b.lastNet = time.Now()
		// Refused by the browser itself (a policy, mixed content): it never
		// left. Only the last hop of a redirect is refused; earlier hops went.
		if ev.BlockedReason != "" {
			for i := len(b.requests) - 1; i >= 0; i-- {
				if b.requests[i].id == ev.RequestID {
					b.requests[i].refused = ev.BlockedReason.String()
					break
				}
			}
		}
	case *log.EventEntryAdded:
		// Chromium's own messages: policy violations, failed loads.
		b.console = append(b.console, ev.Entry.Text)
	case *runtime.EventConsoleAPICalled:
		b.console = append(b.console, consoleText(ev.Args))
	case *page.EventFrameNavigated:
		if ev.Frame.ParentID != "" {
			return
		}
		// A new top-level document ends the old one's requests, and Chromium
		// does not always report the end of each (its favicon fetch, say).
		for id, p := range b.pending {
			if p.loader != ev.Frame.LoaderID {
				delete(b.pending, id)
			}
		}
		// Requests the old page made while Navigate was under way are not
		// this page's: drop them from the fresh log.
		if b.navigating {
			b.navigating = false
			b.requests = slices.DeleteFunc(b.requests, func(r loggedRequest) bool { return r.loader != ev.Frame.LoaderID })
		}
	}
}

type pendingRequest struct {
	url    string
	loader cdp.LoaderID
}

func (b *Browser) logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed { // t.Logf after the test ends panics
		b.t.Logf("chromedp: "+format, args...)
	}
}

// close is the test cleanup: stop the browser, kill what survived it and
// remove the profile directory.
func (b *Browser) close() {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()

	// Only the browser process carries --user-data-dir; note its children
	// now, since they are reparented once it dies.
	tree := chromiumTree(b.dir)

	done := make(chan struct{})
	go func() {
		b.cancel() // SIGKILLs the process through exec.CommandContext
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(closeWait):
		b.t.Errorf("browser: chromium did not exit within %v", closeWait)
	}
	if n := killProcessesUsing(b.dir) + killSurvivors(tree); n > 0 {
		b.t.Logf("browser: killed %d leftover chromium processes", n)
	}
	if err := removeAllRetry(b.dir, 5*time.Second); err != nil {
		b.t.Errorf("browser: removing user data dir: %v", err)
	}
	if out := b.output.Relevant(); b.t.Failed() && out != "" {
		b.t.Logf("chromium output:\n%s", out)
	}
}

// UserDataDir returns the browser's profile directory, removed at cleanup.
func (b *Browser) UserDataDir() string { return b.dir }

// Context returns the tab's chromedp context, for actions the helpers lack.
// Derive a context with a timeout from it; cancelling it ends the browser.
func (b *Browser) Context() context.Context { return b.ctx }

// run runs a on the tab with the per-call timeout and fails the test on error.
func run[T any](b *Browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.cfg.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("browser: %s: %v", what, err)
	}
	return v
}

// Navigate loads url and waits for its load event. It starts a fresh request
// log holding this page's requests only, and returns the document's
// response.
func (b *Browser) Navigate(url string) *network.Response {
	b.t.Helper()
	b.mu.Lock()
	b.requests = nil
	b.console = nil
	b.navigating = true
	b.mu.Unlock()
	return run(b, "navigating to "+url, chromedp.NavigateResponse(url))
}

// Click clicks the first element matching the CSS selector with a real
// mouse event, once it is visible.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	run(b, "clicking "+selector, chromedp.Click(chromedp.CSS(selector)))
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (b *Browser) WaitVisible(selector string) {
	b.t.Helper()
	run(b, "waiting for "+selector+" to be visible", chromedp.WaitVisible(chromedp.CSS(selector)))
}

// Eval evaluates js in the page, awaiting a returned promise, and decodes its
// JSON value into out (which may be nil).
func (b *Browser) Eval(js string, out any) {
	b.t.Helper()
	raw := run(b, "evaluating script", chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if out == nil || len(raw) == 0 {
		return
	}
	if err := json.Unmarshal(raw, out); err != nil {
		b.t.Fatalf("browser: decoding script result %s: %v", raw, err)
	}
}

// Cookies returns every cookie in the browser's store, HttpOnly ones
// included (Storage.getCookies), sorted by domain, path and name.
func (b *Browser) Cookies() []*network.Cookie {
	b.t.Helper()
	res := run(b, "reading cookies", func(ctx context.Context, _ *chromedp.Target) (storage.GetCookiesResult, error) {
		return chromedp.CallBrowser(ctx, storage.GetCookies, storage.GetCookiesParams{})
	})
	cookies := res.Cookies
	slices.SortFunc(cookies, func(x, y *network.Cookie) int {
		return cmpStrings([]string{x.Domain, x.Path, x.Name}, []string{y.Domain, y.Path, y.Name})
	})
	return cookies
}

// Cookie returns the first stored cookie with the name, or nil.
func (b *Browser) Cookie(name string) *network.Cookie {
	b.t.Helper()
	for _, c := range b.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Screenshot writes a PNG of the viewport to path, creating its directory.
func (b *Browser) Screenshot(path string) {
	b.t.Helper()
	b.writePNG(path, run(b, "taking screenshot", func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
		return r.Data, err
	}))
}

// FullScreenshot writes a PNG of the whole page, beyond the viewport, to path.
func (b *Browser) FullScreenshot(path string) {
	b.t.Helper()
	b.writePNG(path, run(b, "taking full-page screenshot", chromedp.FullScreenshot(100)))
}

func (b *Browser) writePNG(path string, data []byte) {
	b.t.Helper()
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		b.t.Fatalf("browser: screenshot is not a PNG (%d bytes)", len(data))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.t.Fatalf("browser: writing screenshot: %v", err)
	}
}

// Press dispatches a key press through the DevTools input domain, so the
// page sees trusted keydown/keyup events and the browser performs the default
// action (focus moves on Tab, buttons activate on Enter and Space). key is a
// DOM key name ("Tab", "Enter", "Escape", "ArrowDown", "Space") or one
// character, optionally prefixed with modifiers: "Shift+Tab", "Control+a".
func (b *Browser) Press(key string) {
	b.t.Helper()
	r, mods, err := parseKey(key)
	if err != nil {
		b.t.Fatalf("browser: %v", err)
	}
	run(b, "pressing "+key, chromedp.KeyEvent(string(r), chromedp.KeyModifiers(mods...)))
}

// Tab presses the Tab key.
func (b *Browser) Tab() {
	b.t.Helper()
	b.Press("Tab")
}

// Focused describes document.activeElement, looking into open shadow roots
// and same-origin iframes: tag, #id, .classes, identifying attributes and up
// to 40 characters of text, e.g. `button#accept.cc-btn[type="button"] "Godta alle"`.
// It is "body" when nothing has focus.
func (b *Browser) Focused() string {
	b.t.Helper()
	return run(b, "reading focused element", chromedp.Evaluate[string](focusedJS))
}

const focusedJS = `(() => {
	let el = document.activeElement;
	for (;;) {
		if (el && el.shadowRoot && el.shadowRoot.activeElement) { el = el.shadowRoot.activeElement; continue; }
		if (el && el.tagName === "IFRAME") {
			let inner = null;
			try { inner = el.contentDocument && el.contentDocument.activeElement; } catch (e) {}
			if (inner) { el = inner; continue; }
		}
		break;
	}
	if (!el) return "";
	let s = el.tagName.toLowerCase();
	if (el.id) s += "#" + el.id;
	for (const c of el.classList) s += "." + c;
	for (const a of ["name", "type", "role", "href", "aria-label"]) {
		if (el.hasAttribute(a)) s += "[" + a + "=" + JSON.stringify(el.getAttribute(a)) + "]";
	}
	if (s === "body" || s === "html") return s;
	const text = ((el.innerText || el.value || "") + "").trim().replace(/\s+/g, " ").slice(0, 40);
	if (text) s += " " + JSON.stringify(text);
	return s;
})()`

// Requests returns the URL of every request the page attempted since the
// last Navigate or Reset, in order, including ones that failed on DNS. A
// page that navigates itself (a link, a reload) keeps adding to the log.
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	urls := make([]string, len(b.requests))
	for i, r := range b.requests {
		urls[i] = r.url
	}
	return urls
}

// RequestsTo returns the attempted requests whose host is one of hosts or a
// subdomain of one: "google-analytics.com" matches www.google-analytics.com,
// not notgoogle-analytics.com.
func (b *Browser) RequestsTo(hosts ...string) []string {
	var out []string
	for _, r := range b.Requests() {
		u, err := url.Parse(r)
		if err != nil {
			continue
		}
		h := strings.ToLower(u.Hostname())
		for _, want := range hosts {
			want = strings.ToLower(strings.TrimPrefix(want, "."))
			if h == want || strings.HasSuffix(h, "."+want) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// Left returns, in order, the requests since the last Navigate or Reset whose
// URL contains substr and that left the browser: http(s) requests it did not
// refuse itself. One that failed on DNS left: the page tried, and nothing in
// the browser stopped it.
func (b *Browser) Left(substr string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		if r.refused == "" && strings.Contains(r.url, substr) && (strings.HasPrefix(r.url, "http:") || strings.HasPrefix(r.url, "https:")) {
			out = append(out, r.url)
		}
	}
	return out
}

// Refused returns, in order, the requests since the last Navigate or Reset
// whose URL contains substr and that the browser refused itself, each as
// "reason URL" (reason is CDP's blockedReason: "csp", "mixed-content", …).
// Some loads a policy stops never become a request (fetch, sendBeacon and
// frames, in Chromium); only Console shows those.
func (b *Browser) Refused(substr string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		if r.refused != "" && strings.Contains(r.url, substr) {
			out = append(out, r.refused+" "+r.url)
		}
	}
	return out
}

// Console returns the console messages since the last Navigate or Reset, in
// order: Chromium's own (a policy's refusals, failed loads, deprecations)
// and the page's console.log/warn/error calls, their arguments joined by
// spaces.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.console)
}

// consoleText is a console call's arguments as the console prints them:
// strings bare, numbers and booleans as JSON, objects by their description
// ("Object", "Array(2)").
func consoleText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		var s string
		switch {
		case a.Type == runtime.RemoteObjectTypeString && json.Unmarshal(a.Value, &s) == nil:
		case len(a.Value) > 0:
			s = string(a.Value)
		case a.UnserializableValue != "":
			s = string(a.UnserializableValue)
		default:
			s = a.Description
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// Exceptions returns the uncaught exceptions of the page's scripts (in any
// frame) since the last Reset, in order.
func (b *Browser) Exceptions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.exceptions)
}

// Reset empties the request log, the console messages and the exceptions,
// e.g. before a click whose requests matter.
func (b *Browser) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests = nil
	b.console = nil
	b.exceptions = nil
	b.lastNet = time.Now()
}

// WaitNetworkIdle waits until no request has been in flight for quiet, so a
// test can assert that something was not requested. It fails the test,
// naming the pending requests, when that does not happen within the timeout.
func (b *Browser) WaitNetworkIdle(quiet time.Duration) {
	b.t.Helper()
	deadline := time.Now().Add(b.cfg.timeout)
	for {
		b.mu.Lock()
		idle := len(b.pending) == 0 && time.Since(b.lastNet) >= quiet
		var pending []string
		for _, p := range b.pending {
			pending = append(pending, p.url)
		}
		b.mu.Unlock()
		if idle {
			return
		}
		if time.Now().After(deadline) {
			slices.Sort(pending)
			b.t.Fatalf("browser: network not idle after %v; pending: %q", b.cfg.timeout, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// parseKey turns "Shift+Tab" into the kb rune for Tab and its modifiers.
func parseKey(key string) (rune, []chromedp.Modifier, error) {
	parts := strings.Split(key, "+")
	if strings.HasSuffix(key, "++") || key == "+" { // the "+" key itself
		parts = append(parts[:len(parts)-2], "+")
	}
	var mods []chromedp.Modifier
	for _, m := range parts[:len(parts)-1] {
		switch strings.ToLower(m) {
		case "shift":
			mods = append(mods, chromedp.ModifierShift)
		case "control", "ctrl":
			mods = append(mods, chromedp.ModifierCtrl)
		case "alt":
			mods = append(mods, chromedp.ModifierAlt)
		case "meta", "cmd":
			mods = append(mods, chromedp.ModifierMeta)
		default:
			return 0, nil, fmt.Errorf("unknown modifier %q in key %q", m, key)
		}
	}
	name := parts[len(parts)-1]
	if name == "Space" {
		name = " "
	}
	if rs := []rune(name); len(rs) == 1 {
		return rs[0], mods, nil
	}
	if r, ok := namedKeys[name]; ok {
		return r, mods, nil
	}
	return 0, nil, fmt.Errorf("unknown key %q", name)
}

// namedKeys maps DOM key names ("Tab", "ArrowDown") to the runes chromedp's
// kb package encodes them as.
var namedKeys = func() map[string]rune {
	m := map[string]rune{}
	for r, k := range kb.Keys {
		if len([]rune(k.Key)) <= 1 {
			continue // printable characters are typed as themselves
		}
		if old, ok := m[k.Key]; !ok || r < old { // deterministic on duplicates
			m[k.Key] = r
		}
	}
	return m
}()

func cmpStrings(a, b []string) int {
	for i := range a {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return 0
}

// capBuffer keeps the first max bytes written to it, safely across
// goroutines.
type capBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if room := c.max - c.buf.Len(); room > 0 {
		c.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Relevant returns the output without the lines a container always
// produces: D-Bus is absent, and Debian's launcher script trips on its own
// test of the memory size.
func (c *capBuffer) Relevant() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var keep []string
	for line := range strings.Lines(c.buf.String()) {
		if strings.Contains(line, "dbus/") || strings.Contains(line, "unexpected operator") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.TrimSpace(strings.Join(keep, ""))
}

// removeAllRetry removes dir, retrying while a dying Chromium child still
// writes into it.
func removeAllRetry(dir string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		err := os.RemoveAll(dir)
		if err == nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// killProcessesUsing SIGKILLs every process whose command line has
// --user-data-dir=dir and returns how many it killed. It repeats until a pass
// finds none, because the browser can be restarting a child as it dies.
func killProcessesUsing(dir string) int {
	total := 0
	for range 20 {
		n := 0
		for _, pid := range processesUsing(dir) {
			if p, err := os.FindProcess(pid); err == nil && p.Kill() == nil {
				n++
			}
		}
		total += n
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return total
}

// processesUsing lists the processes started with --user-data-dir=dir. It
// reads /proc, so elsewhere it finds none.
func processesUsing(dir string) []int {
	want := []byte("--user-data-dir=" + dir)
	var pids []int
	for pid, cmdline := range processes() {
		if slices.ContainsFunc(bytes.Split([]byte(cmdline), []byte{0}), func(arg []byte) bool { return bytes.Equal(arg, want) }) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// chromiumTree returns the browser processes of dir and all their
// descendants, with their command lines.
func chromiumTree(dir string) map[int]string {
	all := processes()
	children := map[int][]int{}
	for pid := range all {
		if ppid := parentOf(pid); ppid > 0 {
			children[ppid] = append(children[ppid], pid)
		}
	}
	tree := map[int]string{}
	queue := processesUsing(dir)
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		if _, seen := tree[pid]; seen {
			continue
		}
		tree[pid] = all[pid]
		queue = append(queue, children[pid]...)
	}
	return tree
}

// killSurvivors SIGKILLs the processes of tree that still run the same
// command line (so a reused PID is left alone) and returns how many.
func killSurvivors(tree map[int]string) int {
	n := 0
	for pid, cmdline := range tree {
		now, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err != nil || string(now) != cmdline || cmdline == "" {
			continue
		}
		if p, err := os.FindProcess(pid); err == nil && p.Kill() == nil {
			n++
		}
	}
	return n
}

// processes maps every visible PID but ours to its raw command line.
func processes() map[int]string {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	m := map[int]string{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil {
			continue
		}
		m[pid] = string(cmdline)
	}
	return m
}

// parentOf reads the parent PID from /proc/pid/stat, whose second field (the
// command name in parentheses) may itself contain spaces and parentheses.
func parentOf(pid int) int {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0
	}
	fields := strings.Fields(string(stat[i+1:])) // state, ppid, …
	if len(fields) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(fields[1])
	return ppid
}

var errNoAxe = errors.New("axe-core not found: run `npm install --no-save axe-core@4` in the repo root (make test does)")
