package audit

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A privacy-minded page with no tracker the catalog knows still loads from
// third parties: the audit lists every host by kind.
func TestThirdPartyHostsByKind(t *testing.T) {
	long := strings.Repeat("x", 50<<10)
	page := fmt.Sprintf(`<!doctype html><html lang="nb"><head>
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="stylesheet" href="https://fonts.googleapis.com/css2?family=Inter&display=swap">
<link rel="preload" as="font" href="https://cdn.fonts.example/inter.woff2" crossorigin>
<link rel="dns-prefetch" href="//stats.example.net">
<link rel="icon" href="/favicon.ico">
<style>@import "https://cdn.css.example/base.css";
@font-face{font-family:X;src:url(https://cdn.fonts.example/x.woff2) format("woff2")}
.hero{background:url('https://images.example.org/hero.jpg')}</style>
<script src="/wp-includes/js/jquery.js"></script>
<script src="https://www.example.com/own.js"></script>
</head><body>
<img src="https://secure.gravatar.com/avatar/abc?s=96" srcset="https://secure.gravatar.com/avatar/abc?s=192 2x" alt="">
<picture><source srcset="https://images.example.org/a.avif 1x"><img src="/a.jpg" alt=""></picture>
<video src="https://media.example.tv/clip.mp4" poster="https://images.example.org/poster.jpg"></video>
<div style="background-image:url(//images.example.org/bg.png)"></div>
<iframe src="https://widgets.example.net/embed"></iframe>
<script>var big = "%s";</script>
<script data-consent-mode>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag("consent","default",{ad_storage:"denied",analytics_storage:"denied",wait_for_update:500});</script>
</body></html>`, long)
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Audit(context.Background(), path, Options{Site: "www.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range r.ThirdPartyHosts {
		got[h.Host] = kindList(h.Kinds)
	}
	want := map[string]string{
		"fonts.gstatic.com":    "hint x1",
		"fonts.googleapis.com": "stylesheet x1",
		"cdn.fonts.example":    "font x2",
		"stats.example.net":    "hint x1",
		"cdn.css.example":      "stylesheet x1",
		"images.example.org":   "image x4",
		"secure.gravatar.com":  "image x2",
		"media.example.tv":     "media x1",
		"widgets.example.net":  "frame x1",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("third-party hosts:\n got %v\nwant %v", got, want)
	}
	// The module's own Consent Mode default is not Google Analytics: the
	// only services are the catalog's Google Fonts and Gravatar rows.
	var ids []string
	for _, tr := range r.Trackers {
		ids = append(ids, tr.Service)
	}
	if fmt.Sprint(ids) != "[google-fonts gravatar]" {
		t.Errorf("trackers %v, want [google-fonts gravatar]: the module's own output was counted", ids)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Third-party hosts the page loads from, by kind:", "secure.gravatar.com", "image x2", "Gravatar", "unknown to the catalog"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
}

// The overflow warning names the element behind it.
func TestOverflowWarningNamesElement(t *testing.T) {
	long := strings.Repeat("a", 50<<10)
	page := `<html><body><p>x</p>
<script>var s = "` + long + `"; gtag('config','G-X');</script>
</body></html>`
	path := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := Audit(context.Background(), path, Options{Site: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) != 1 || !strings.Contains(r.Warnings[0], "inline <script> at line 2 (50 KiB)") {
		t.Errorf("warnings %q, want one naming the inline script at line 2", r.Warnings)
	}
}

func TestWithoutOwnOutput(t *testing.T) {
	in := `<head><script data-consent-mode nonce="n">gtag("consent","default",{})</script><script src="/a.js"></script><script data-consent-mode>x</script></head>`
	out, found := withoutOwnOutput([]byte(in))
	if !found || string(out) != `<head><script src="/a.js"></script></head>` {
		t.Errorf("got %q, %v", out, found)
	}
	if out, found := withoutOwnOutput([]byte("<p>plain</p>")); found || string(out) != "<p>plain</p>" {
		t.Errorf("a page without the module's output changed: %q", out)
	}
}
