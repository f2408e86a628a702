package browser

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// pollEvery is how often WaitTrue and WaitUntil look again.
const pollEvery = 20 * time.Millisecond

// evalLimit bounds one evaluation of a WaitTrue poll: while one document
// replaces another, an evaluation can hang until the new one is there.
const evalLimit = 2 * time.Second

// Value evaluates js in the page, as Eval does, and returns its value as T.
func Value[T any](b *Browser, js string) T {
	b.t.Helper()
	var v T
	b.Eval(js, &v)
	return v
}

// WaitTrue waits until the boolean expression js holds in the page. While
// one document replaces another evaluating fails, which counts as "not yet",
// so it waits across the navigation a click or a script starts. It fails the
// test after the timeout.
func (b *Browser) WaitTrue(js string) {
	b.t.Helper()
	var last error
	ok := b.poll(func() bool {
		ctx, cancel := context.WithTimeout(b.ctx, min(evalLimit, b.cfg.timeout))
		defer cancel()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		last = err
		return err == nil && v
	})
	if !ok {
		b.t.Fatalf("browser: waiting for %s: not true after %v (last error: %v)", js, b.cfg.timeout, last)
	}
}

// WaitUntil waits until cond holds: a condition on what Go sees (Requests,
// Cookies, a server's state). It fails the test, naming what, after the
// timeout.
func (b *Browser) WaitUntil(what string, cond func() bool) {
	b.t.Helper()
	if !b.poll(cond) {
		b.t.Fatalf("browser: no %s within %v", what, b.cfg.timeout)
	}
}

// poll calls cond until it holds or the timeout passes.
func (b *Browser) poll(cond func() bool) bool {
	deadline := time.Now().Add(b.cfg.timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(pollEvery)
	}
	return true
}

// ClickToNewPage clicks the first element matching selector and waits until
// another document has loaded: a form post, a link. The old document is
// marked first, so it cannot be mistaken for the new one.
func (b *Browser) ClickToNewPage(selector string) {
	b.t.Helper()
	b.Eval(`document.documentElement.setAttribute("data-browser-left", "")`, nil)
	b.Click(selector)
	b.WaitTrue(`document.readyState === "complete" && !document.documentElement.hasAttribute("data-browser-left")`)
}

// Present reports whether an element matches selector.
func (b *Browser) Present(selector string) bool {
	b.t.Helper()
	return Value[bool](b, fmt.Sprintf(`!!document.querySelector(%s)`, JSString(selector)))
}

// Visible reports whether the first element matching selector is rendered
// and can be seen: a box of its own, not hidden by display, visibility or
// opacity (its own or an ancestor's).
func (b *Browser) Visible(selector string) bool {
	b.t.Helper()
	return Value[bool](b, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return false;
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && e.checkVisibility({opacityProperty: true, visibilityProperty: true});
	})()`, JSString(selector)))
}

// SetValue fills the form field matching selector as typing would (its value
// and an input event). It fails the test when there is none.
func (b *Browser) SetValue(selector, value string) {
	b.t.Helper()
	ok := Value[bool](b, fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return false;
		e.value = %s;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`, JSString(selector), JSString(value)))
	if !ok {
		b.t.Fatalf("browser: no %s to fill", selector)
	}
}

// CookieNames returns the names of Cookies, in their order.
func (b *Browser) CookieNames() []string {
	b.t.Helper()
	var names []string
	for _, c := range b.Cookies() {
		names = append(names, c.Name)
	}
	return names
}

// JSString quotes s as a JavaScript string literal, to build an expression
// from a selector or a text.
func JSString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSpace(buf.String())
}
