//go:build e2e

package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/samtykke/caddy-consent/internal/browser"
)

// The visitor's flows WordPress and Drupal share: a first visit, accept-all,
// reject-all and a choice without JavaScript. Each takes the site's own
// pages and services; the site's checks (Drupal's page cache and scripts,
// PHP's cookies) stay in its test.

// quiet is how long the network must rest before a test asserts that
// something was not requested: async tags start after the load event.
const quiet = 500 * time.Millisecond

// readStateFile reads a setup script's state file (KEY=value lines, #
// comments) and checks that every key of required has a value.
func readStateFile(path string, required ...string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading state: %v", err)
	}
	defer f.Close()
	kv := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			kv[k] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %v", path, err)
	}
	for _, k := range required {
		if kv[k] == "" {
			return nil, fmt.Errorf("%s: no %s", path, k)
		}
	}
	return kv, nil
}

// queryRows runs a database client (its query the last argument) and returns its
// output's lines: one a row, columns tab-separated.
func queryRows(t *testing.T, cmd *exec.Cmd) []string {
	t.Helper()
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		t.Fatalf("%s %q: %v", filepath.Base(cmd.Path), cmd.Args[len(cmd.Args)-1], err)
	}
	if len(out) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// bannerShown reports whether the banner's first layer is up: accept-all and
// reject-all both visible. (Its root has no box of its own: the bar is fixed.)
func bannerShown(b *browser.Browser) bool {
	return b.Visible("[data-consent-action=accept-all]") && b.Visible("[data-consent-action=reject-all]")
}

// neutralised lists the services the rewriter marked in the current page.
func neutralised(b *browser.Browser) []string {
	ids := browser.Value[[]string](b, `[...new Set([...document.querySelectorAll("[data-consent-service]")].map(e => e.getAttribute("data-consent-service")))]`)
	// <noscript> content is text to a scripting browser; read its markup too.
	for _, s := range browser.Value[[]string](b, `[...document.querySelectorAll("noscript")].map(e => e.textContent)`) {
		for _, part := range strings.Split(s, `data-consent-service="`)[1:] {
			if id, _, ok := strings.Cut(part, `"`); ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// noTrackerRequests waits for the network to rest and fails when any request
// of the page went to a tracker host.
func noTrackerRequests(t *testing.T, b *browser.Browser, where string) {
	t.Helper()
	b.WaitNetworkIdle(quiet) // async tags start after the load event
	if reqs := b.RequestsTo(trackerHosts...); len(reqs) > 0 {
		t.Errorf("%s: requests reached trackers:\n%s", where, strings.Join(reqs, "\n"))
	}
}

// beforeConsent checks the page a visitor without a choice sees: the
// banner's first layer, each service of want in the page but neutralised
// (not missing), and no request to a tracker.
func beforeConsent(t *testing.T, b *browser.Browser, where string, want ...string) {
	t.Helper()
	if !bannerShown(b) {
		t.Errorf("%s: the banner's accept-all and reject-all are not both visible", where)
	}
	got := neutralised(b)
	for _, s := range want {
		if !slices.Contains(got, s) {
			t.Errorf("%s: %s not marked data-consent-service (neutralised: %v)", where, s, got)
		}
	}
	noTrackerRequests(t, b, where+" before consent")
}

// waitRequests waits for a request to each of hosts: after consent every
// tracker is attempted (and fails on DNS).
func waitRequests(b *browser.Browser, when string, hosts ...string) {
	for _, host := range hosts {
		b.WaitUntil("request to "+host+" "+when, func() bool { return len(b.RequestsTo(host)) > 0 })
	}
}

// acceptAll visits page, accepts all, and checks that each of hosts is
// requested then and on the next view of page, which shows no banner. It
// returns that view's response.
func acceptAll(t *testing.T, b *browser.Browser, page string, hosts ...string) *network.Response {
	t.Helper()
	b.Navigate(page)
	b.Click("[data-consent-action=accept-all]")
	waitRequests(b, "after accept-all", hosts...)
	b.WaitNetworkIdle(quiet)
	// A page view under consent: the trackers load from the start.
	resp := b.Navigate(page)
	waitRequests(b, "on a page view after accept-all", hosts...)
	if bannerShown(b) {
		t.Errorf("after accept-all and a reload, the banner is still shown")
	}
	return resp
}

// rejectAll answers the banner with reject-all and waits for the consent
// cookie and for the network to rest.
func rejectAll(b *browser.Browser) {
	b.Click("[data-consent-action=reject-all]")
	b.WaitUntil("consent cookie after reject-all", func() bool { return slices.Contains(b.CookieNames(), "consent") })
	b.WaitNetworkIdle(quiet)
}

// afterReject checks a page after reject-all: no banner, the services of
// want still neutralised, and no request to a tracker.
func afterReject(t *testing.T, b *browser.Browser, where string, want ...string) {
	t.Helper()
	if bannerShown(b) {
		t.Errorf("%s: after reject-all and a reload, the banner is still shown", where)
	}
	if got := neutralised(b); slices.ContainsFunc(want, func(s string) bool { return !slices.Contains(got, s) }) {
		t.Errorf("%s: after reject-all, trackers not neutralised: %v, want %v", where, got, want)
	}
	noTrackerRequests(t, b, where+" after reject-all")
}

// choiceWithoutJS makes a choice (the action of a banner button) on page
// with JavaScript off: a plain form post, answered 303, that must bring the
// visitor back to path with the banner gone. It returns the browser there.
func choiceWithoutJS(t *testing.T, page, path, action string) *browser.Browser {
	t.Helper()
	b := browser.New(t, browser.JavaScriptDisabled())
	b.Navigate(page)
	if !bannerShown(b) {
		t.Fatalf("without JavaScript, the banner's accept-all and reject-all are not both visible")
	}
	b.ClickToNewPage("[data-consent-action=" + action + "]")
	if at := browser.Value[string](b, `location.pathname + location.search`); at != path {
		t.Errorf("after %s without JavaScript the visitor is at %s, want back at %s", action, at, path)
	}
	if bannerShown(b) {
		t.Errorf("after %s without JavaScript, the banner is still shown", action)
	}
	return b
}

// postComment fills the comment form of the current page, the text (unique
// to this run) in textField and the other fields as given, sends it and
// waits for the page after the post to show the comment in an element
// matching shown. It returns the text.
func postComment(b *browser.Browser, textField string, fields map[string]string, submit, shown string) string {
	text := fmt.Sprintf("e2e comment %d", time.Now().UnixNano())
	b.SetValue(textField, text)
	for sel, v := range fields {
		b.SetValue(sel, v)
	}
	b.ClickToNewPage(submit)
	b.WaitTrue(fmt.Sprintf(`document.readyState === "complete" && [...document.querySelectorAll(%s)].some(e => e.textContent.includes(%s))`,
		browser.JSString(shown), browser.JSString(text)))
	return text
}

// storedComment checks the comment's one database row (address, status):
// the address truncated and the comment approved (why says why it should be).
func storedComment(t *testing.T, text string, rows []string, addrColumn, statusColumn, why string) {
	t.Helper()
	if len(rows) != 1 {
		t.Fatalf("comment %q: %d rows: %q", text, len(rows), rows)
	}
	addr, status, _ := strings.Cut(rows[0], "\t")
	// Chromium connects from 127.0.0.1; /24 leaves 127.0.0.0.
	if addr != "127.0.0.0" {
		t.Errorf("%s = %q, want 127.0.0.0 (upstream_ip_truncate /24 of 127.0.0.1)", addrColumn, addr)
	}
	if status != "1" {
		t.Errorf("%s = %q, want 1 (%s)", statusColumn, status, why)
	}
}
