//go:build e2e

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/caddyserver/caddy/v2/modules/standard"
	"github.com/chromedp/chromedp"

	_ "github.com/samtykke/caddy-consent"
	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// trackerHosts are the third parties the demo plugin and the post pull in
// (GA4, Meta Pixel, YouTube), plus their usual companions.
var trackerHosts = []string{
	"googletagmanager.com", "google-analytics.com", "analytics.google.com", "doubleclick.net",
	"facebook.net", "facebook.com",
	"youtube.com", "youtube-nocookie.com", "ytimg.com", "googlevideo.com",
}

// consentSecret signs the consent cookie; any 32+ bytes will do for a test.
const consentSecret = "e2e-consent-secret-not-for-production-0123456789"

// wordpress is what setup.sh wrote to its state file.
type wordpress struct {
	Root          string // Debian's WordPress code, /usr/share/wordpress
	ContentParent string // holds wp-content/, served at /wp-content/
	Config        string // WORDPRESS_CONFIG: /etc/wordpress/config-<name>.php
	FPM           string // php-fpm unix socket
	DBSocket      string
	DBName        string
	DBUser        string
	DBPassword    string
	AdminUser     string
	AdminPassword string
	PostID        string // the post with the YouTube embed and comments open
	PostPath      string // its pretty permalink, e.g. /consent-e2e-video/
}

var wp *wordpress

func TestMain(m *testing.M) {
	code := 1
	w, startedHere, err := bringUp()
	if err != nil {
		fmt.Fprintf(os.Stderr, "e2e: %v\n", err)
	} else {
		wp = w
		code = m.Run()
	}
	if startedHere { // also after a failed setup.sh: it may have started daemons
		if err := run("teardown.sh"); err != nil {
			fmt.Fprintf(os.Stderr, "e2e: teardown: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

func stateDir() string {
	if d := os.Getenv("CONSENT_E2E_DIR"); d != "" {
		return d
	}
	return "/tmp/consent-e2e"
}

// bringUp returns the running WordPress, running setup.sh first when it is
// not up; startedHere says whether it ran setup.sh, successfully or not.
func bringUp() (*wordpress, bool, error) {
	if w, err := readState(); err == nil && w.up() == nil {
		return w, false, nil
	}
	if os.Geteuid() != 0 {
		return nil, false, errors.New("WordPress is not up and setup.sh needs root: run `make e2e`, or `sudo e2e/setup.sh` first")
	}
	start := time.Now()
	if err := run("setup.sh"); err != nil {
		return nil, true, fmt.Errorf("setup.sh: %v", err)
	}
	fmt.Fprintf(os.Stderr, "e2e: setup.sh took %v\n", time.Since(start).Round(time.Second))
	w, err := readState()
	if err != nil {
		return nil, true, err
	}
	if err := w.up(); err != nil {
		return nil, true, fmt.Errorf("after setup.sh: %v", err)
	}
	return w, true, nil
}

// run runs one of the scripts beside this file, its output on stderr.
func run(script string) error {
	cmd := exec.Command("bash", script)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

func readState() (*wordpress, error) {
	path := filepath.Join(stateDir(), "state.env")
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
	w := &wordpress{
		Root: kv["CONSENT_WP_ROOT"], ContentParent: kv["CONSENT_WP_CONTENT_PARENT"],
		Config: kv["CONSENT_WP_CONFIG"], FPM: kv["CONSENT_WP_FPM"],
		DBSocket: kv["CONSENT_WP_DB_SOCKET"], DBName: kv["CONSENT_WP_DB_NAME"],
		DBUser: kv["CONSENT_WP_DB_USER"], DBPassword: kv["CONSENT_WP_DB_PASSWORD"],
		AdminUser: kv["CONSENT_WP_ADMIN_USER"], AdminPassword: kv["CONSENT_WP_ADMIN_PASSWORD"],
		PostID: kv["CONSENT_WP_POST_ID"], PostPath: kv["CONSENT_WP_POST_PATH"],
	}
	for k, v := range map[string]string{"root": w.Root, "content": w.ContentParent, "config": w.Config,
		"fpm": w.FPM, "db socket": w.DBSocket, "db": w.DBName, "admin": w.AdminUser, "post": w.PostID, "post path": w.PostPath} {
		if v == "" {
			return nil, fmt.Errorf("%s: no %s", path, k)
		}
	}
	return w, nil
}

// up checks that php-fpm and MariaDB accept connections.
func (w *wordpress) up() error {
	for _, sock := range []string{w.FPM, w.DBSocket} {
		c, err := net.DialTimeout("unix", sock, time.Second)
		if err != nil {
			return fmt.Errorf("%s: %v", sock, err)
		}
		c.Close()
	}
	return nil
}

// query runs one SQL statement with the mariadb client, as WordPress's own
// database user, and returns the rows, tab-separated.
func (w *wordpress) query(t *testing.T, sql string) []string {
	t.Helper()
	cmd := exec.Command("mariadb", "--no-defaults", "--socket="+w.DBSocket,
		"--user="+w.DBUser, "--batch", "--skip-column-names", w.DBName, "-e", sql)
	cmd.Env = append(os.Environ(), "MYSQL_PWD="+w.DBPassword)
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		t.Fatalf("mariadb %q: %v", sql, err)
	}
	if len(out) == 0 {
		return nil
	}
	return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
}

// caddyfile puts the consent module in front of WordPress the way the README
// tells an ops team to: encode, consent, php_fastcgi, file_server. /wp-content
// lives in setup.sh's directory, as Debian's Alias /wp-content does.
func (w *wordpress) caddyfile() string {
	return fmt.Sprintf(`http://127.0.0.1:{PORT} {
	encode gzip
	consent {
		secret %s
		upstream_ip_truncate
		policy_url /privacy/
	}
	handle /wp-content/* {
		root * %s
		file_server
	}
	handle {
		root * %s
		php_fastcgi unix/%s {
			env WORDPRESS_CONFIG %s
		}
		file_server
	}
}
`, consentSecret, w.ContentParent, w.Root, w.FPM, w.Config)
}

func TestWordPress(t *testing.T) {
	srv := testcaddy.Start(t, wp.caddyfile())
	base := srv.URL(1)
	home := base + "/"
	post := base + wp.PostPath

	t.Run("trackers blocked before consent", func(t *testing.T) {
		b := browser.New(t)
		for _, page := range []string{home, post} {
			b.Navigate(page) // empties the request log: what follows is this page's
			if !bannerShown(t, b) {
				t.Errorf("%s: the banner's accept-all and reject-all are not both visible", page)
			}
			// The trackers are in the page, neutralised, not missing: the
			// demo plugin's GA4 and Meta Pixel on every page, YouTube on the post.
			want := []string{"google-analytics", "meta-pixel"}
			if page == post {
				want = append(want, "youtube")
			}
			got := neutralised(t, b)
			for _, s := range want {
				if !slices.Contains(got, s) {
					t.Errorf("%s: %s not marked data-consent-service (neutralised: %v)", page, s, got)
				}
			}
			b.WaitNetworkIdle(quiet) // async tags start after the load event
			if reqs := b.RequestsTo(trackerHosts...); len(reqs) > 0 {
				t.Errorf("%s: requests reached trackers before consent:\n%s", page, strings.Join(reqs, "\n"))
			}
		}
		if c := cookieNames(b); slices.Contains(c, "_ga") || slices.Contains(c, "_fbp") {
			t.Errorf("analytics cookies set by PHP reached the browser before consent: %v", c)
		}
	})

	t.Run("accept all loads trackers", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(post)
		b.Click("[data-consent-action=accept-all]")
		// Each of GA4, Meta Pixel and YouTube is attempted (and fails on DNS).
		for _, host := range []string{"googletagmanager.com", "facebook.net", "youtube.com"} {
			waitUntil(t, 10*time.Second, "a request to "+host+" after accept-all", func() bool {
				return len(b.RequestsTo(host)) > 0
			})
		}
		// A page view under consent: the trackers load from the start, and
		// PHP's analytics cookies pass the firewall (gtag.js never loaded, so
		// _ga can only have come from PHP).
		b.Navigate(post)
		for _, host := range []string{"googletagmanager.com", "facebook.net", "youtube.com"} {
			waitUntil(t, 10*time.Second, "a request to "+host+" on a page view after accept-all", func() bool {
				return len(b.RequestsTo(host)) > 0
			})
		}
		if c := cookieNames(b); !slices.Contains(c, "_ga") || !slices.Contains(c, "_fbp") {
			t.Errorf("after accept-all, _ga and _fbp from PHP not in the browser: %v", c)
		}
		if bannerShown(t, b) {
			t.Errorf("after accept-all and a reload, the banner is still shown")
		}
	})

	t.Run("reject all keeps trackers blocked", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(post)
		b.WaitNetworkIdle(quiet)
		b.Reset()
		b.Click("[data-consent-action=reject-all]")
		waitUntil(t, 10*time.Second, "the consent cookie after reject-all", func() bool {
			return slices.Contains(cookieNames(b), "consent")
		})
		b.WaitNetworkIdle(quiet)
		if reqs := b.RequestsTo(trackerHosts...); len(reqs) > 0 {
			t.Errorf("clicking reject-all started trackers:\n%s", strings.Join(reqs, "\n"))
		}
		b.Navigate(post) // the reload: what a returning visitor gets
		if bannerShown(t, b) {
			t.Errorf("after reject-all and a reload, the banner is still shown")
		}
		if got := neutralised(t, b); !slices.Contains(got, "youtube") || !slices.Contains(got, "google-analytics") {
			t.Errorf("after reject-all, trackers not neutralised: %v", got)
		}
		b.WaitNetworkIdle(quiet)
		if reqs := b.RequestsTo(trackerHosts...); len(reqs) > 0 {
			t.Errorf("requests reached trackers after reject-all:\n%s", strings.Join(reqs, "\n"))
		}
		if c := cookieNames(b); slices.Contains(c, "_ga") || slices.Contains(c, "_fbp") {
			t.Errorf("after reject-all, analytics cookies set by PHP are in the browser: %v", c)
		}
	})

	t.Run("without JavaScript the choice returns to the page", func(t *testing.T) {
		b := browser.New(t, browser.JavaScriptDisabled())
		b.Navigate(post)
		if !bannerShown(t, b) {
			t.Fatalf("without JavaScript, the banner's accept-all and reject-all are not both visible")
		}
		clickToNewPage(t, b, "[data-consent-action=reject-all]") // a plain form post, answered 303
		var at string
		b.Eval(`location.pathname + location.search`, &at)
		if at != wp.PostPath {
			t.Errorf("after reject-all without JavaScript the visitor is at %s, want back at %s", at, wp.PostPath)
		}
		if !slices.Contains(cookieNames(b), "consent") {
			t.Errorf("no consent cookie after reject-all without JavaScript: %v", cookieNames(b))
		}
		if bannerShown(t, b) {
			t.Errorf("after reject-all without JavaScript, the banner is still shown")
		}
	})

	t.Run("admin logs in through the bypass", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(base + "/wp-login.php")
		setValue(t, b, "#user_login", wp.AdminUser)
		setValue(t, b, "#user_pass", wp.AdminPassword)
		clickToNewPage(t, b, "#wp-submit")
		waitPage(t, b, 15*time.Second, "the dashboard after logging in",
			`location.pathname.startsWith("/wp-admin/") && !!document.querySelector("#wpadminbar") && document.readyState === "complete"`)
		var title string
		b.Eval(`document.title`, &title)
		if !strings.Contains(title, "Dashboard") {
			t.Errorf("after login, /wp-admin/ is %q, not the dashboard", title)
		}
		// No consent was given: WordPress's own session cookies are necessary
		// and pass the firewall. Over plain HTTP the auth cookie is
		// wordpress_<hash>; wordpress_sec_<hash> is its HTTPS twin.
		var loggedIn, auth bool
		for _, n := range cookieNames(b) {
			switch {
			case strings.HasPrefix(n, "wordpress_logged_in_"):
				loggedIn = true
			case strings.HasPrefix(n, "wordpress_") && n != "wordpress_test_cookie":
				auth = true
			}
		}
		if !loggedIn || !auth {
			t.Errorf("after login, wordpress_logged_in_* present: %v, auth cookie wordpress_*: %v; cookies: %v", loggedIn, auth, cookieNames(b))
		}
		if present(t, b, "[data-consent-banner]") {
			t.Errorf("the banner was injected into /wp-admin/, a bypass path")
		}
		// The front end recognises the session through the firewall too.
		b.Navigate(home)
		if !visible(t, b, "#wpadminbar") {
			t.Errorf("logged-in admin sees no admin bar on the front page: the session cookie did not reach WordPress")
		}
	})

	t.Run("comment stored with truncated IP", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(post)
		b.Click("[data-consent-action=reject-all]") // what most visitors do first
		waitUntil(t, 10*time.Second, "the consent cookie after reject-all", func() bool {
			return slices.Contains(cookieNames(b), "consent")
		})
		b.Navigate(post)
		text := fmt.Sprintf("e2e comment %d", time.Now().UnixNano())
		setValue(t, b, "#comment", text)
		setValue(t, b, "#author", "E2E Visitor")
		setValue(t, b, "#email", "visitor@example.invalid")
		clickToNewPage(t, b, "#commentform [type=submit]")
		waitPage(t, b, 15*time.Second, "the comment on the post after submitting",
			fmt.Sprintf(`document.readyState === "complete" && [...document.querySelectorAll(".comment-content")].some(e => e.textContent.includes(%s))`, jsString(text)))
		rows := wp.query(t, fmt.Sprintf("SELECT comment_author_IP, comment_approved FROM wp_comments WHERE comment_content = '%s'", text))
		if len(rows) != 1 {
			t.Fatalf("comment %q: %d rows in wp_comments: %q", text, len(rows), rows)
		}
		ip, approved, _ := strings.Cut(rows[0], "\t")
		// Chromium connects from 127.0.0.1; /24 leaves 127.0.0.0.
		if ip != "127.0.0.0" {
			t.Errorf("comment_author_IP = %q, want 127.0.0.0 (upstream_ip_truncate /24 of 127.0.0.1)", ip)
		}
		if approved != "1" {
			t.Errorf("comment_approved = %q, want 1 (setup.sh turns moderation off)", approved)
		}
	})
}

// bannerShown reports whether the banner's first layer is up: accept-all and
// reject-all both visible. (Its root has no box of its own: the bar is fixed.)
func bannerShown(t *testing.T, b *browser.Browser) bool {
	t.Helper()
	return visible(t, b, "[data-consent-action=accept-all]") && visible(t, b, "[data-consent-action=reject-all]")
}

func present(t *testing.T, b *browser.Browser, sel string) bool {
	t.Helper()
	var ok bool
	b.Eval(fmt.Sprintf(`!!document.querySelector(%s)`, jsString(sel)), &ok)
	return ok
}

// visible reports whether the first element matching sel is rendered and seen.
func visible(t *testing.T, b *browser.Browser, sel string) bool {
	t.Helper()
	var ok bool
	b.Eval(fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return false;
		const r = e.getBoundingClientRect();
		return r.width > 0 && r.height > 0 && e.checkVisibility({opacityProperty: true, visibilityProperty: true});
	})()`, jsString(sel)), &ok)
	return ok
}

// neutralised lists the services the rewriter marked in the current page.
func neutralised(t *testing.T, b *browser.Browser) []string {
	t.Helper()
	var ids []string
	b.Eval(`[...new Set([...document.querySelectorAll("[data-consent-service]")].map(e => e.getAttribute("data-consent-service")))]`, &ids)
	// <noscript> content is text to a scripting browser; read its markup too.
	var noscript []string
	b.Eval(`[...document.querySelectorAll("noscript")].map(e => e.textContent)`, &noscript)
	for _, s := range noscript {
		for _, part := range strings.Split(s, `data-consent-service="`)[1:] {
			if id, _, ok := strings.Cut(part, `"`); ok && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// setValue fills a form field as typing would.
func setValue(t *testing.T, b *browser.Browser, sel, value string) {
	t.Helper()
	var ok bool
	b.Eval(fmt.Sprintf(`(() => {
		const e = document.querySelector(%s);
		if (!e) return false;
		e.value = %s;
		e.dispatchEvent(new Event("input", {bubbles: true}));
		return true;
	})()`, jsString(sel), jsString(value)), &ok)
	if !ok {
		t.Fatalf("no %s to fill", sel)
	}
}

func cookieNames(b *browser.Browser) []string {
	var names []string
	for _, c := range b.Cookies() {
		names = append(names, c.Name)
	}
	return names
}

// quiet is how long the network must rest before a test asserts that
// something was not requested: async tags start after the load event.
const quiet = 500 * time.Millisecond

func waitUntil(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %v", what, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// clickToNewPage clicks sel and waits until another document has loaded. The
// old one is marked first, so it cannot be mistaken for the new one.
func clickToNewPage(t *testing.T, b *browser.Browser, sel string) {
	t.Helper()
	b.Eval(`document.documentElement.setAttribute("data-e2e-left", "")`, nil)
	b.Click(sel)
	waitPage(t, b, 15*time.Second, "a new page after clicking "+sel,
		`document.readyState === "complete" && !document.documentElement.hasAttribute("data-e2e-left")`)
}

// waitPage waits until the boolean expression js holds in the page, across
// the navigation a click starts: while one document replaces another,
// evaluating fails, which counts as "not yet".
func waitPage(t *testing.T, b *browser.Browser, limit time.Duration, what, js string) {
	t.Helper()
	waitUntil(t, limit, what, func() bool {
		ctx, cancel := context.WithTimeout(b.Context(), 2*time.Second)
		defer cancel()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		return err == nil && ok
	})
}

func jsString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSpace(buf.String())
}
