package consent

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// A front-controller try_files at site level (Drupal's clean URLs, the
// WordPress recipes) is a rewrite, and Caddy orders rewrites before consent:
// every path without a file becomes /index.php before consent sees it. The
// consent endpoints and the bypass paths must still be found by the path the
// visitor asked for.
func TestEndpointsAndBypassBehindSiteRewrite(t *testing.T) {
	up := newCookieSite(t)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.php"), []byte("<?php // front controller"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := testcaddy.Start(t, fmt.Sprintf(`http://127.0.0.1:{PORT} {
	consent {
		secret %s
		bypass /user* /admin*
	}
	root * %s
	try_files {path} {path}/ /index.php?q={path}&{query}
	reverse_proxy %s
}
`, secret, root, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)

	t.Run("decision", func(t *testing.T) {
		resp := post(t, base, url.Values{"action": {"reject-all"}, "return": {"/node/1"}}, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/node/1" {
			t.Fatalf("POST /_consent behind the rewrite: %d to %q, want 303 to /node/1 (the upstream answered instead?)", resp.StatusCode, resp.Header.Get("Location"))
		}
		consentCookie(t, resp)
	})

	t.Run("settings page", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/_consent/settings?return=/node/1", nil)
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `data-consent-action="save"`) || strings.Contains(string(body), "<p>Hei</p>") {
			t.Fatalf("GET /_consent/settings behind the rewrite: %d, not the settings page:\n%.300s", resp.StatusCode, body)
		}
	})

	t.Run("bypass", func(t *testing.T) {
		_, body := get(t, "GET", base+"/user/login", nil)
		if strings.Contains(string(body), "data-consent-banner") || !loadsPixel(string(body)) {
			t.Errorf("/user/login is bypassed but was rewritten:\n%.300s", body)
		}
		_, body = get(t, "GET", base+"/node/1", nil)
		if !strings.Contains(string(body), "data-consent-banner") || loadsPixel(string(body)) {
			t.Errorf("/node/1 is not bypassed but was left alone:\n%.300s", body)
		}
	})
}

func TestBypassedGlobs(t *testing.T) {
	h := &Handler{bypass: []string{"/user*", "/admin/*", "/wp-login.php", "/node/*/edit"}}
	for p, want := range map[string]bool{
		"/user": true, "/user/login": true, "/user/1/edit": true, "/users": true,
		"/admin/": true, "/admin/content": true, "/admin/structure/types/manage/article": true,
		"/admin":        false, // "/admin/*" asks for the folder's contents
		"/wp-login.php": true, "/wp-login.php.bak": false,
		"/node/1/edit": true, "/node/1/edit/x": false, "/node/1": false,
		"/": false, "/our-product-film": false,
		// Security audit M1: what an upstream that resolves dot segments
		// serves is not what the glob saw, so such paths are never bypassed.
		"/wp-login.php/../": false, "/admin/..%2f": false, "/admin/%2e%2e/": false,
		"/admin/..%2Findex.php": false, "/user/..%5c": false, "/admin/./x": false,
		"/admin%2fcontent": false, "/admin\\..\\": false,
		"/admin//content": true, // cleaned as the upstream sees it
	} {
		u, err := url.Parse(p)
		if err != nil {
			t.Fatal(err)
		}
		if got := h.bypassed(u); got != want {
			t.Errorf("bypassed(%q) = %v, want %v", p, got, want)
		}
	}
}
