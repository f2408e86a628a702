//go:build e2e

package e2e

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"

	"github.com/samtykke/caddy-consent/internal/browser"
	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// drupalSite is what drupal-setup.sh wrote to its state file: a Drupal 7.101
// (Pressflow) on SQLite and its own php-fpm, with the consent_e2e module
// (e2e/drupal/consent_e2e) adding Google Analytics, a Meta Pixel and an _fbp
// cookie, and one article with a YouTube embed.
type drupalSite struct {
	Root          string // the unpacked Drupal tree, Caddy's root
	FPM           string // php-fpm unix socket
	DB            string // the SQLite database file
	AdminUser     string
	AdminPassword string
	NodeID        string
	NodePath      string // the article's alias, /our-product-film
}

func drupalStateDir() string {
	if d := os.Getenv("CONSENT_E2E_DRUPAL_DIR"); d != "" {
		return d
	}
	return "/tmp/consent-e2e-drupal"
}

// bringUpDrupal returns the running Drupal. When it is not up (the test was
// run without `make e2e`), it runs drupal-setup.sh and tears it down after
// the test.
func bringUpDrupal(t *testing.T) *drupalSite {
	t.Helper()
	if d, err := readDrupalState(); err == nil && d.up() == nil {
		return d
	}
	if os.Geteuid() != 0 {
		t.Fatal("Drupal is not up and drupal-setup.sh needs root: run `make e2e`, or `sudo e2e/drupal-setup.sh` first")
	}
	start := time.Now()
	t.Cleanup(func() {
		if err := run("drupal-teardown.sh"); err != nil {
			t.Errorf("drupal-teardown.sh: %v", err)
		}
	})
	if err := run("drupal-setup.sh"); err != nil {
		t.Fatalf("drupal-setup.sh: %v", err)
	}
	t.Logf("drupal-setup.sh took %v", time.Since(start).Round(time.Second))
	d, err := readDrupalState()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.up(); err != nil {
		t.Fatalf("after drupal-setup.sh: %v", err)
	}
	return d
}

func readDrupalState() (*drupalSite, error) {
	kv, err := readStateFile(filepath.Join(drupalStateDir(), "state.env"),
		"CONSENT_DRUPAL_ROOT", "CONSENT_DRUPAL_FPM", "CONSENT_DRUPAL_DB", "CONSENT_DRUPAL_ADMIN_USER",
		"CONSENT_DRUPAL_ADMIN_PASSWORD", "CONSENT_DRUPAL_NODE_ID", "CONSENT_DRUPAL_NODE_PATH")
	if err != nil {
		return nil, err
	}
	return &drupalSite{
		Root: kv["CONSENT_DRUPAL_ROOT"], FPM: kv["CONSENT_DRUPAL_FPM"], DB: kv["CONSENT_DRUPAL_DB"],
		AdminUser: kv["CONSENT_DRUPAL_ADMIN_USER"], AdminPassword: kv["CONSENT_DRUPAL_ADMIN_PASSWORD"],
		NodeID: kv["CONSENT_DRUPAL_NODE_ID"], NodePath: kv["CONSENT_DRUPAL_NODE_PATH"],
	}, nil
}

// up checks that php-fpm accepts connections and the database exists.
func (d *drupalSite) up() error {
	c, err := net.DialTimeout("unix", d.FPM, time.Second)
	if err != nil {
		return fmt.Errorf("%s: %v", d.FPM, err)
	}
	c.Close()
	if _, err := os.Stat(d.DB); err != nil {
		return err
	}
	return nil
}

// query runs SQL on Drupal's SQLite database with the sqlite3 client and
// returns the rows, tab-separated.
func (d *drupalSite) query(t *testing.T, sql string) []string {
	t.Helper()
	return queryRows(t, exec.Command("sqlite3", "-batch", "-noheader", "-separator", "\t", "-cmd", ".timeout 5000", d.DB, sql))
}

// caddyfile is the front of a Drupal 7 site as the README suggests: an
// access log without full addresses, encode, consent with Drupal's account
// and admin pages bypassed, and php_fastcgi with Drupal's clean URLs.
//
// The clean-URL try_files stands on its own, before php_fastcgi: only the
// try_files directive carries a query string into its rewrite. Given to
// php_fastcgi's own try_files, "/index.php?q=…" is looked up as a file of
// that name and every clean URL is a 404.
func (d *drupalSite) caddyfile(accessLog string) string {
	return fmt.Sprintf(`http://127.0.0.1:{PORT} {
	log {
		output file %s
		format ip_truncate
	}
	encode gzip
	consent {
		secret %s
		upstream_ip_truncate
		bypass /user* /admin*
		policy_url /privacy
	}
	root * %s
	try_files {path} {path}/ /index.php?q={path}&{query}
	php_fastcgi unix/%s
	file_server
}
`, accessLog, consentSecret, d.Root, d.FPM)
}

// drupalTrackers are the hosts the consent_e2e module and the article load:
// analytics.js, the Meta Pixel, the YouTube player.
var drupalTrackers = []string{"google-analytics.com", "facebook.net", "youtube.com"}

func TestDrupal(t *testing.T) {
	d := bringUpDrupal(t)
	logFile := filepath.Join(t.TempDir(), "access.log")
	srv := testcaddy.Start(t, d.caddyfile(logFile))
	base := srv.URL(1)
	home := base + "/"
	node := base + d.NodePath
	started := time.Now().Unix()
	startWid := d.query(t, "SELECT COALESCE(MAX(wid), 0) FROM watchdog")[0]

	// Every run starts with Drupal's page cache empty, so the first visitor
	// gets MISS and the next one HIT.
	d.query(t, "DELETE FROM cache_page")

	t.Run("trackers held back before consent, cached and uncached", func(t *testing.T) {
		for i, want := range []string{"MISS", "HIT"} { // a first visitor fills the cache, a second is served from it
			b := browser.New(t)
			for _, page := range []string{home, node} {
				resp := b.Navigate(page)
				if got := header(resp, "X-Drupal-Cache"); got != want {
					t.Errorf("visitor %d, %s: X-Drupal-Cache %q, want %s", i+1, page, got, want)
				}
				drupalWorks(t, b, page)
				// Neutralised in place, not missing: analytics.js from
				// the inline snippet, the pixel, and on the node YouTube.
				wantSvc := []string{"universal-analytics", "meta-pixel"}
				if page == node {
					wantSvc = append(wantSvc, "youtube")
				}
				beforeConsent(t, b, fmt.Sprintf("visitor %d, %s", i+1, page), wantSvc...)
			}
			if c := b.CookieNames(); slices.Contains(c, "_fbp") {
				t.Errorf("visitor %d: the _fbp cookie set by Drupal reached the browser before consent: %v", i+1, c)
			}
			if !slices.Contains(b.CookieNames(), "has_js") {
				t.Errorf("visitor %d: no has_js cookie: Drupal's own script did not run (cookies %v)", i+1, b.CookieNames())
			}
			seen := drupalSees(t, b)
			if !slices.Contains(seen.Cookies, "has_js") || slices.Contains(seen.Cookies, "_fbp") {
				t.Errorf("visitor %d: Drupal received cookies %v, want has_js and no _fbp", i+1, seen.Cookies)
			}
		}
	})

	t.Run("accept all loads trackers, withdrawal expires the marketing cookie", func(t *testing.T) {
		b := browser.New(t)
		// The page view under consent comes from Drupal's page cache:
		// trackers load from the start, and PHP's _fbp passes the firewall.
		resp := acceptAll(t, b, node, drupalTrackers...)
		if got := header(resp, "X-Drupal-Cache"); got != "HIT" {
			t.Errorf("after accept-all, X-Drupal-Cache %q, want HIT", got)
		}
		if !slices.Contains(b.CookieNames(), "_fbp") {
			t.Errorf("after accept-all, Drupal's _fbp is not in the browser: %v", b.CookieNames())
		}
		drupalWorks(t, b, node)

		// Withdraw through the control on the page, as a visitor would: the
		// banner's own child (the first layer's settings link is hidden now).
		b.WaitNetworkIdle(quiet)
		b.Click("[data-consent-banner] > [data-consent-action=settings]")
		b.WaitVisible("[data-consent-banner] [data-consent-action=reject-all]")
		b.Click("[data-consent-banner] [data-consent-action=reject-all]")
		b.WaitUntil("withdrawal to expire _fbp", func() bool {
			return !slices.Contains(b.CookieNames(), "_fbp")
		})
		b.WaitNetworkIdle(time.Second) // the script reloads the page after a withdrawal
		b.Navigate(node)
		noTrackerRequests(t, b, "after withdrawal")
		if seen := drupalSees(t, b); slices.Contains(seen.Cookies, "_fbp") || slices.Contains(b.CookieNames(), "_fbp") {
			t.Errorf("after withdrawal, _fbp still in the browser (%v) or sent to Drupal (%v)", b.CookieNames(), seen.Cookies)
		}
	})

	t.Run("reject all keeps trackers off after reload", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(node)
		b.WaitNetworkIdle(quiet)
		b.Reset()
		rejectAll(b)
		for _, page := range []string{node, home} {
			b.Navigate(page)
			drupalWorks(t, b, page)
			afterReject(t, b, page, "universal-analytics", "meta-pixel")
		}
		if slices.Contains(b.CookieNames(), "_fbp") {
			t.Errorf("after reject-all, Drupal's _fbp is in the browser: %v", b.CookieNames())
		}
	})

	t.Run("without JavaScript the choice returns to the node", func(t *testing.T) {
		b := choiceWithoutJS(t, node, d.NodePath, "accept-all")
		// The page after the choice carries the trackers as Drupal wrote them.
		if got := neutralised(b); len(got) > 0 {
			t.Errorf("after accept-all without JavaScript, still neutralised: %v", got)
		}
		if c := b.CookieNames(); !slices.Contains(c, "consent") || !slices.Contains(c, "_fbp") {
			t.Errorf("after accept-all without JavaScript, want the consent cookie and Drupal's _fbp: %v", c)
		}
	})

	t.Run("Drupal's page cache keeps visitors apart", func(t *testing.T) {
		yes := browser.New(t)
		yes.Navigate(node)
		yes.Click("[data-consent-action=accept-all]")
		yes.WaitUntil("consent cookie after accept-all", func() bool {
			return slices.Contains(yes.CookieNames(), "consent")
		})
		yes.WaitNetworkIdle(quiet)
		no := browser.New(t)
		// Alternate: each visitor gets the same cached Drupal page, in its
		// own consent state, whatever the other one got just before.
		for round := 1; round <= 2; round++ {
			resp := yes.Navigate(node)
			if got := header(resp, "X-Drupal-Cache"); got != "HIT" {
				t.Errorf("round %d, consented visitor: X-Drupal-Cache %q, want HIT", round, got)
			}
			if cc := header(resp, "Cache-Control"); !strings.Contains(cc, "private") {
				t.Errorf("round %d, consented visitor: Cache-Control %q, want private (no shared cache may keep it)", round, cc)
			}
			waitRequests(yes, fmt.Sprintf("for the consented visitor in round %d", round), drupalTrackers...)
			if bannerShown(yes) {
				t.Errorf("round %d: the consented visitor sees the banner", round)
			}

			resp = no.Navigate(node)
			if got := header(resp, "X-Drupal-Cache"); got != "HIT" {
				t.Errorf("round %d, visitor without consent: X-Drupal-Cache %q, want HIT", round, got)
			}
			if v := strings.ToLower(header(resp, "Vary")); !strings.Contains(v, "cookie") {
				t.Errorf("round %d, visitor without consent: Vary %q, want Cookie", round, v)
			}
			if !bannerShown(no) {
				t.Errorf("round %d: the visitor without consent sees no banner", round)
			}
			if got := neutralised(no); !slices.Contains(got, "youtube") || !slices.Contains(got, "universal-analytics") {
				t.Errorf("round %d: the visitor without consent got live trackers: neutralised %v", round, got)
			}
			noTrackerRequests(t, no, fmt.Sprintf("round %d: the cached page, to the visitor without consent", round))
			if slices.Contains(no.CookieNames(), "_fbp") || slices.Contains(no.CookieNames(), "consent") {
				t.Errorf("round %d: the visitor without consent got cookies %v", round, no.CookieNames())
			}
		}
	})

	t.Run("contact form: session and flood keep working, with truncated addresses", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(base + "/contact")
		rejectFirst(b)
		b.Navigate(base + "/contact")
		subject := fmt.Sprintf("e2e contact %d", time.Now().UnixNano())
		// By name within the form: the sidebar's login block has ids
		// like #edit-name too.
		b.SetValue("#contact-site-form [name=name]", "E2E Visitor")
		b.SetValue("#contact-site-form [name=mail]", "visitor@example.invalid")
		b.SetValue("#contact-site-form [name=subject]", subject)
		b.SetValue("#contact-site-form [name=message]", "Hello from the consent e2e test.")
		b.ClickToNewPage("#contact-site-form input[type=submit]")
		// The confirmation lives in an anonymous session Drupal opens for
		// it: it shows only if the SESS… cookie set on the POST's answer
		// came back with the redirected GET. (Drupal then ends the empty
		// session and deletes the cookie.)
		b.WaitTrue(`document.readyState === "complete" && [...document.querySelectorAll(".messages")].some(e => e.textContent.includes("Your message has been sent"))`)
		seen := drupalSees(t, b)
		if !slices.Contains(seen.Cookies, "has_js") || !slices.Contains(seen.Cookies, "consent") {
			t.Errorf("Drupal received cookies %v, want has_js and consent", seen.Cookies)
		}
		if seen.IP != "127.0.0.0" || seen.RemoteAddr != "127.0.0.0" || seen.XForwardedFor != "127.0.0.0" {
			t.Errorf("Drupal sees ip_address() %q, REMOTE_ADDR %q, X-Forwarded-For %q; want 127.0.0.0 for all", seen.IP, seen.RemoteAddr, seen.XForwardedFor)
		}
		if rows := d.query(t, fmt.Sprintf("SELECT identifier FROM flood WHERE event = 'contact' AND timestamp >= %d", started)); len(rows) == 0 || slices.ContainsFunc(rows, func(s string) bool { return s != "127.0.0.0" }) {
			t.Errorf("flood identifiers of contact events: %q, want 127.0.0.0 only", rows)
		}
		if rows := d.query(t, fmt.Sprintf("SELECT hostname FROM watchdog WHERE type = 'mail' AND wid > %s", startWid)); len(rows) == 0 || slices.ContainsFunc(rows, func(s string) bool { return s != "127.0.0.0" }) {
			t.Errorf("watchdog.hostname of the contact mail entries: %q, want 127.0.0.0 only", rows)
		}
	})

	t.Run("anonymous comment stored with a truncated address", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(node)
		rejectFirst(b)
		b.Navigate(node)
		text := postComment(b, `#comment-form [name="comment_body[und][0][value]"]`, map[string]string{
			"#comment-form [name=name]":    "E2E Visitor",
			"#comment-form [name=mail]":    "visitor@example.invalid",
			"#comment-form [name=subject]": "e2e",
		}, "#comment-form input[type=submit][value=Save]", ".comment .content")
		storedComment(t, text, d.query(t, fmt.Sprintf("SELECT c.hostname, c.status FROM comment c JOIN field_data_comment_body b ON b.entity_id = c.cid AND b.entity_type = 'comment' WHERE b.comment_body_value = '%s'", sqlString(text))),
			"comment.hostname", "comment.status", "anonymous may skip approval")
		// Drupal keeps the commenter's name in Drupal.visitor.* cookies:
		// preferences, which this visitor refused.
		for _, n := range b.CookieNames() {
			if strings.HasPrefix(n, "Drupal.visitor.") {
				t.Errorf("after reject-all, Drupal's preference cookie %s reached the browser", n)
			}
		}
		// The status message went through an anonymous session, as on the
		// contact form.
		if !b.Present(".messages.status") {
			t.Errorf("no status message after commenting: Drupal's anonymous session did not survive the redirect")
		}
	})

	t.Run("administrator logs in through the bypass and edits the node", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(base + "/user")
		if b.Present("[data-consent-banner]") {
			t.Errorf("the banner was injected into /user, a bypass path")
		}
		b.SetValue("#user-login [name=name]", d.AdminUser)
		b.SetValue("#user-login [name=pass]", d.AdminPassword)
		b.ClickToNewPage("#user-login input[type=submit]")
		b.WaitTrue(`document.readyState === "complete" && document.body.classList.contains("logged-in")`)
		sess := sessionCookie(b)
		if sess == nil {
			t.Fatalf("logged in, but no SESS… cookie: %v", b.CookieNames())
		}
		if rows := d.query(t, fmt.Sprintf("SELECT hostname, uid FROM sessions WHERE sid = '%s'", drupalSessionID(sess.Value))); len(rows) != 1 || rows[0] != "127.0.0.0\t1" {
			t.Errorf("sessions row of the administrator's session: %q, want hostname 127.0.0.0, uid 1", rows)
		}
		b.Navigate(base + "/admin/content")
		if b.Present("[data-consent-banner]") {
			t.Errorf("the banner was injected into /admin/content, a bypass path")
		}
		if !b.Present("#node-admin-content, form#node-admin-content") {
			var title string
			b.Eval(`document.title`, &title)
			t.Errorf("/admin/content is %q, not the content overview", title)
		}

		// The edit form is not under the bypass: it is rewritten, and its
		// form_build_id and form_token must come through intact.
		edit := fmt.Sprintf("%s/node/%s/edit", base, d.NodeID)
		b.Navigate(edit)
		rejectFirst(b)
		b.Navigate(edit)
		var token string
		b.Eval(`(document.querySelector("#article-node-form input[name=form_token]") || {}).value || ""`, &token)
		if token == "" {
			t.Fatalf("the node edit form has no form_token")
		}
		title := fmt.Sprintf("Our product film (edited %d)", time.Now().Unix())
		b.SetValue("#article-node-form [name=title]", title)
		b.ClickToNewPage("#article-node-form input[type=submit][value=Save]")
		b.WaitTrue(`document.readyState === "complete" && [...document.querySelectorAll(".messages")].some(e => e.textContent.includes("has been updated"))`)
		if rows := d.query(t, "SELECT title FROM node WHERE nid = "+d.NodeID); len(rows) != 1 || rows[0] != title {
			t.Errorf("node title in the database: %q, want %q", rows, title)
		}
		b.Navigate(home)
		if !b.Present("body.logged-in #toolbar") {
			t.Errorf("the logged-in administrator sees no toolbar on the front page: the session cookie did not reach Drupal")
		}
	})

	t.Run("addresses Drupal and Caddy record are truncated", func(t *testing.T) {
		for _, q := range []struct{ what, sql string }{
			{"comment.hostname", fmt.Sprintf("SELECT DISTINCT hostname FROM comment WHERE created >= %d", started)},
			{"watchdog.hostname", fmt.Sprintf("SELECT DISTINCT hostname FROM watchdog WHERE wid > %s", startWid)},
			{"sessions.hostname", fmt.Sprintf("SELECT DISTINCT hostname FROM sessions WHERE timestamp >= %d", started)},
			{"flood.identifier", fmt.Sprintf("SELECT DISTINCT identifier FROM flood WHERE timestamp >= %d", started)},
		} {
			rows := d.query(t, q.sql)
			if len(rows) == 0 {
				t.Errorf("%s: no rows written during the test", q.what)
			}
			for _, r := range rows {
				// user_login's flood identifier is "<uid>-<address>".
				if addr := r[strings.LastIndex(r, "-")+1:]; addr != "127.0.0.0" {
					t.Errorf("%s: %q, want 127.0.0.0 (truncated)", q.what, r)
				}
			}
		}
		logData, err := os.ReadFile(logFile)
		if err != nil {
			t.Fatalf("reading the access log: %v", err)
		}
		if !strings.Contains(string(logData), `"remote_ip":"127.0.0.0"`) {
			t.Errorf("the access log has no truncated remote_ip:\n%.2000s", logData)
		}
		for line := range strings.Lines(string(logData)) {
			if strings.Contains(line, "127.0.0.1") {
				t.Errorf("the access log holds a full address: %.500s", line)
				break
			}
		}
	})
}

// drupalWorks checks what Drupal's own JavaScript needs survived the
// rewriting: Drupal.settings with its basePath and the google_analytics
// module's settings (a tracker's configuration, not a tracker), and jQuery
// from the aggregated files.
func drupalWorks(t *testing.T, b *browser.Browser, page string) {
	t.Helper()
	var ok struct {
		Settings, GA, JQuery, Aggregated bool
	}
	b.Eval(`({
		Settings: typeof Drupal === "object" && Drupal.settings.basePath === "/",
		GA: !!(window.Drupal && Drupal.settings.googleanalytics && Drupal.settings.googleanalytics.trackOutbound),
		JQuery: typeof jQuery === "function" && jQuery("html").hasClass("js"),
		Aggregated: !![...document.scripts].find(s => /\/sites\/default\/files\/js\/js_[^\/]+\.js$/.test(s.src)),
	})`, &ok)
	if !ok.Settings || !ok.GA || !ok.JQuery || !ok.Aggregated {
		t.Errorf("%s: Drupal's JavaScript broken: Drupal.settings %v, googleanalytics settings %v, jQuery ran drupal.js %v, aggregated JS %v",
			page, ok.Settings, ok.GA, ok.JQuery, ok.Aggregated)
	}
}

// drupalSeen is what Drupal received, reported by consent_e2e's
// consent-e2e/seen page.
type drupalSeen struct {
	Cookies       []string `json:"cookies"`
	IP            string   `json:"ip"`
	RemoteAddr    string   `json:"remote_addr"`
	XForwardedFor string   `json:"x_forwarded_for"`
	UID           string   `json:"uid"`
}

func drupalSees(t *testing.T, b *browser.Browser) drupalSeen {
	t.Helper()
	var s drupalSeen
	b.Eval(`fetch("/consent-e2e/seen", {credentials: "same-origin"}).then(r => r.json()).then(j => ({...j, uid: String(j.uid)}))`, &s)
	return s
}

// rejectFirst answers the banner with reject-all, as most visitors do before
// using a form the fixed banner would cover.
func rejectFirst(b *browser.Browser) {
	if bannerShown(b) {
		rejectAll(b)
	}
}

// sessionCookie returns Drupal's session cookie (SESS<hash> over HTTP,
// SSESS<hash> over HTTPS), or nil.
func sessionCookie(b *browser.Browser) *network.Cookie {
	for _, c := range b.Cookies() {
		if strings.HasPrefix(c.Name, "SESS") || strings.HasPrefix(c.Name, "SSESS") {
			return c
		}
	}
	return nil
}

func header(resp *network.Response, name string) string {
	if resp == nil {
		return ""
	}
	for k, v := range resp.Headers {
		if strings.EqualFold(k, name) {
			return fmt.Sprint(v)
		}
	}
	return ""
}

// drupalSessionID is the key Drupal 7.101 stores a session under
// (drupal_session_id(): drupal_hash_base64 of the cookie's value).
func drupalSessionID(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// sqlString escapes s for a single-quoted SQL literal.
func sqlString(s string) string { return strings.ReplaceAll(s, "'", "''") }

// drupal-setup.sh unpacks only the tarball it pins: another file under the
// same name stops it before anything is unpacked or installed.
func TestDrupalSetupRefusesAnotherTarball(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("drupal-setup.sh needs root: run `make e2e`")
	}
	src, dir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "drupal-7.101-pressflow.tar.gz"), []byte("not the pinned tarball"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", "drupal-setup.sh")
	cmd.Env = append(os.Environ(), "CONSENT_DRUPAL_SRC="+src, "CONSENT_E2E_DRUPAL_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("drupal-setup.sh accepted a tarball that is not the pinned one:\n%s", out)
	}
	if !strings.Contains(string(out), "sha256") {
		t.Errorf("drupal-setup.sh failed, but not on the checksum:\n%s", out)
	}
	for _, p := range []string{"drupal-7.101", ".unpack", "php-fpm.pid", "state.env"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("after refusing the tarball, %s exists", p)
		}
	}
}
