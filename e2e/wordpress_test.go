//go:build e2e

package e2e

import (
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
	kv, err := readStateFile(filepath.Join(stateDir(), "state.env"),
		"CONSENT_WP_ROOT", "CONSENT_WP_CONTENT_PARENT", "CONSENT_WP_CONFIG", "CONSENT_WP_FPM",
		"CONSENT_WP_DB_SOCKET", "CONSENT_WP_DB_NAME", "CONSENT_WP_ADMIN_USER", "CONSENT_WP_POST_ID", "CONSENT_WP_POST_PATH")
	if err != nil {
		return nil, err
	}
	return &wordpress{
		Root: kv["CONSENT_WP_ROOT"], ContentParent: kv["CONSENT_WP_CONTENT_PARENT"],
		Config: kv["CONSENT_WP_CONFIG"], FPM: kv["CONSENT_WP_FPM"],
		DBSocket: kv["CONSENT_WP_DB_SOCKET"], DBName: kv["CONSENT_WP_DB_NAME"],
		DBUser: kv["CONSENT_WP_DB_USER"], DBPassword: kv["CONSENT_WP_DB_PASSWORD"],
		AdminUser: kv["CONSENT_WP_ADMIN_USER"], AdminPassword: kv["CONSENT_WP_ADMIN_PASSWORD"],
		PostID: kv["CONSENT_WP_POST_ID"], PostPath: kv["CONSENT_WP_POST_PATH"],
	}, nil
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
	return queryRows(t, cmd)
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
			// The trackers are in the page, neutralised, not missing: the
			// demo plugin's GA4 and Meta Pixel on every page, YouTube on the post.
			want := []string{"google-analytics", "meta-pixel"}
			if page == post {
				want = append(want, "youtube")
			}
			beforeConsent(t, b, page, want...)
		}
		if c := b.CookieNames(); slices.Contains(c, "_ga") || slices.Contains(c, "_fbp") {
			t.Errorf("analytics cookies set by PHP reached the browser before consent: %v", c)
		}
	})

	t.Run("accept all loads trackers", func(t *testing.T) {
		b := browser.New(t)
		// Each of GA4, Meta Pixel and YouTube is attempted (and fails on DNS).
		acceptAll(t, b, post, "googletagmanager.com", "facebook.net", "youtube.com")
		// Under consent PHP's analytics cookies pass the firewall (gtag.js
		// never loaded, so _ga can only have come from PHP).
		if c := b.CookieNames(); !slices.Contains(c, "_ga") || !slices.Contains(c, "_fbp") {
			t.Errorf("after accept-all, _ga and _fbp from PHP not in the browser: %v", c)
		}
	})

	t.Run("reject all keeps trackers blocked", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(post)
		b.WaitNetworkIdle(quiet)
		b.Reset()
		rejectAll(b)
		noTrackerRequests(t, b, "clicking reject-all")
		b.Navigate(post) // the reload: what a returning visitor gets
		afterReject(t, b, post, "youtube", "google-analytics")
		if c := b.CookieNames(); slices.Contains(c, "_ga") || slices.Contains(c, "_fbp") {
			t.Errorf("after reject-all, analytics cookies set by PHP are in the browser: %v", c)
		}
	})

	t.Run("without JavaScript the choice returns to the page", func(t *testing.T) {
		b := choiceWithoutJS(t, post, wp.PostPath, "reject-all")
		if !slices.Contains(b.CookieNames(), "consent") {
			t.Errorf("no consent cookie after reject-all without JavaScript: %v", b.CookieNames())
		}
	})

	t.Run("admin logs in through the bypass", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(base + "/wp-login.php")
		b.SetValue("#user_login", wp.AdminUser)
		b.SetValue("#user_pass", wp.AdminPassword)
		b.ClickToNewPage("#wp-submit")
		b.WaitTrue(`location.pathname.startsWith("/wp-admin/") && !!document.querySelector("#wpadminbar") && document.readyState === "complete"`)
		var title string
		b.Eval(`document.title`, &title)
		if !strings.Contains(title, "Dashboard") {
			t.Errorf("after login, /wp-admin/ is %q, not the dashboard", title)
		}
		// No consent was given: WordPress's own session cookies are necessary
		// and pass the firewall. Over plain HTTP the auth cookie is
		// wordpress_<hash>; wordpress_sec_<hash> is its HTTPS twin.
		var loggedIn, auth bool
		for _, n := range b.CookieNames() {
			switch {
			case strings.HasPrefix(n, "wordpress_logged_in_"):
				loggedIn = true
			case strings.HasPrefix(n, "wordpress_") && n != "wordpress_test_cookie":
				auth = true
			}
		}
		if !loggedIn || !auth {
			t.Errorf("after login, wordpress_logged_in_* present: %v, auth cookie wordpress_*: %v; cookies: %v", loggedIn, auth, b.CookieNames())
		}
		if b.Present("[data-consent-banner]") {
			t.Errorf("the banner was injected into /wp-admin/, a bypass path")
		}
		// The front end recognises the session through the firewall too.
		b.Navigate(home)
		if !b.Visible("#wpadminbar") {
			t.Errorf("logged-in admin sees no admin bar on the front page: the session cookie did not reach WordPress")
		}
	})

	t.Run("comment stored with truncated IP", func(t *testing.T) {
		b := browser.New(t)
		b.Navigate(post)
		rejectAll(b) // what most visitors do first
		b.Navigate(post)
		text := postComment(b, "#comment", map[string]string{
			"#author": "E2E Visitor",
			"#email":  "visitor@example.invalid",
		}, "#commentform [type=submit]", ".comment-content")
		storedComment(t, text, wp.query(t, fmt.Sprintf("SELECT comment_author_IP, comment_approved FROM wp_comments WHERE comment_content = '%s'", text)),
			"wp_comments.comment_author_IP", "wp_comments.comment_approved", "setup.sh turns moderation off")
	})
}
