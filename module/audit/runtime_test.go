package audit

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	_ "github.com/samtykke/caddy-consent/module/consent"
)

// TestAuditLiveRunTimeHosts audits a live site behind the module: the hosts
// browsers reported to its csp endpoint appear in the audit with their
// category; a site without the module gives no such section.
func TestAuditLiveRunTimeHosts(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>x</title></head><body><script src="/theme.js"></script></body></html>`)
	}))
	defer up.Close()
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret 0123456789abcdef0123456789abcdef
	}
	reverse_proxy %s
}
`, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)
	report := fmt.Sprintf(`{"csp-report":{"document-uri":"%s/shop","blocked-uri":"https://connect.facebook.net/en_US/fbevents.js","effective-directive":"script-src-elem"}}`, base)
	resp, err := http.Post(base+"/_consent/csp-report?g=1", "application/csp-report", strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	r, err := Audit(context.Background(), base+"/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.RunTimeHosts) != 1 || r.RunTimeHosts[0].Host != "connect.facebook.net" || r.RunTimeHosts[0].Category != "marketing" ||
		r.RunTimeHosts[0].Service != "meta-pixel" || len(r.RunTimeHosts[0].Pages) != 1 || r.RunTimeHosts[0].Pages[0] != "/shop" {
		t.Fatalf("run-time hosts %+v", r.RunTimeHosts)
	}
	var out bytes.Buffer
	if err := r.WriteText(&out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Loaded at run time") || !strings.Contains(out.String(), "connect.facebook.net") {
		t.Errorf("text report:\n%s", out.String())
	}

	plain, err := Audit(context.Background(), up.URL+"/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	plain.WriteText(&out)
	if plain.RunTimeHosts != nil || strings.Contains(out.String(), "Loaded at run time") {
		t.Errorf("a site without the module shows run-time hosts:\n%s", out.String())
	}
}
