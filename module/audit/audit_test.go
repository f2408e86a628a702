package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	caddycmd "github.com/caddyserver/caddy/v2/cmd"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
)

// TestMain lets the test binary be Caddy: with CONSENT_AUDIT_AS_CADDY=1 it
// runs caddycmd.Main with its arguments, so tests can run the real command
// line and read the real exit code.
func TestMain(m *testing.M) {
	if os.Getenv("CONSENT_AUDIT_AS_CADDY") == "1" {
		caddycmd.Main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const (
	trackersPage = "../../testdata/pages/wordpress-trackers.html"
	medianPage   = "../../testdata/pages/wordpress-median.html"
)

// caddy runs the test binary as `caddy <args>` and returns stdout, stderr and
// the exit code.
func caddy(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "CONSENT_AUDIT_AS_CADDY=1")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func TestCommandExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		stdout   []string // substrings
		stderr   string
		jsonBody bool
	}{
		{"trackers", []string{trackersPage}, 0, []string{"Trackers the page loads", "  marketing", "Google Tag Manager", "would block", "Summary: 21 tracker(s), 20 of an optional category"}, "", false},
		{"trackers fail", []string{trackersPage, "--fail-on-trackers"}, ExitTrackers, []string{"Meta Pixel"}, "", false},
		{"median passes", []string{medianPage, "--fail-on-trackers"}, 0, []string{"none found", "Summary: 0 tracker(s)"}, "", false},
		{"json", []string{"--json", trackersPage, "--fail-on-trackers"}, ExitTrackers, []string{`"service": "meta-pixel"`}, "", true},
		{"missing file", []string{"testdata/no-such-page.html"}, 1, nil, "no-such-page.html", false},
		{"no argument", nil, 1, nil, "accepts 1 arg", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := caddy(t, append([]string{"consent", "audit"}, tt.args...)...)
			if code != tt.code {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr)
			}
			if tt.jsonBody {
				var r Report
				if err := json.Unmarshal([]byte(stdout), &r); err != nil {
					t.Errorf("--json output: %v", err)
				}
			}
		})
	}
	// The command is listed under Caddy's help.
	stdout, _, code := caddy(t, "consent", "--help")
	if code != 0 || !strings.Contains(stdout, "audit") || !strings.Contains(stdout, "Lists the trackers a page loads") {
		t.Errorf("caddy consent --help (exit %d):\n%s", code, stdout)
	}
}

// rewriterTruth runs the rewriter as the handler would, with nothing granted.
func rewriterTruth(t *testing.T, page []byte) *htmlrewrite.Page {
	t.Helper()
	var out bytes.Buffer
	rw := htmlrewrite.New(&out, &htmlrewrite.Options{Classifier: catalog.Default()})
	if _, err := rw.Write(page); err != nil {
		t.Fatal(err)
	}
	if err := rw.Close(); err != nil {
		t.Fatal(err)
	}
	return rw.Page()
}

func TestReportAgreesWithTheRewriter(t *testing.T) {
	for _, name := range []string{trackersPage, medianPage, "../../testdata/pages/drupal7-median.html", "testdata/media-elements.html"} {
		t.Run(filepath.Base(name), func(t *testing.T) {
			page, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Audit(context.Background(), name, Options{})
			if err != nil {
				t.Fatal(err)
			}
			truth := rewriterTruth(t, page)
			var found, reported []string
			for _, s := range truth.Found {
				found = append(found, s.ID)
			}
			byKind := map[string]int{}
			total := 0
			for _, tr := range r.Trackers {
				reported = append(reported, tr.Service)
				for k, n := range tr.Blocked {
					byKind[k] += n
					total += n
					if tr.Elements[k] < n {
						t.Errorf("%s: %d %s blocked of %d found", tr.Service, n, k, tr.Elements[k])
					}
				}
				if tr.Category != "necessary" && !maps.Equal(tr.Blocked, tr.Elements) {
					t.Errorf("%s (%s): blocked %v, found %v; with nothing granted all must be blocked", tr.Service, tr.Category, tr.Blocked, tr.Elements)
				}
				if tr.Category == "necessary" && len(tr.Blocked) != 0 {
					t.Errorf("%s is necessary but blocked: %v", tr.Service, tr.Blocked)
				}
				if len(tr.Elements) == 0 {
					t.Errorf("%s found but no element counted", tr.Service)
				}
			}
			slices.Sort(found)
			slices.Sort(reported)
			if !slices.Equal(found, reported) {
				t.Errorf("services %v, rewriter found %v", reported, found)
			}
			if total != truth.Blocked || r.Summary.Neutralised != truth.Blocked {
				t.Errorf("%d elements counted (summary %d), rewriter neutralised %d", total, r.Summary.Neutralised, truth.Blocked)
			}
			for k := htmlrewrite.Kind(0); k < htmlrewrite.NumKinds; k++ {
				if byKind[k.String()] != truth.BlockedByKind[k] {
					t.Errorf("%s: %d counted, rewriter %d", k, byKind[k.String()], truth.BlockedByKind[k])
				}
			}
			// Every cookie listed belongs to a service found, as the catalog says.
			for _, c := range r.Cookies {
				s := catalog.Default().Service(c.Service)
				if s == nil || !slices.Contains(s.Cookies, c.Name) || !slices.Contains(reported, c.Service) {
					t.Errorf("cookie %+v does not belong to a found service", c)
				}
			}
		})
	}
}

func TestSnippets(t *testing.T) {
	files, err := filepath.Glob("../catalog/testdata/snippets/*.html")
	if err != nil || len(files) == 0 {
		t.Fatalf("no snippets: %v", err)
	}
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".html")
		t.Run(id, func(t *testing.T) {
			r, err := Audit(context.Background(), f, Options{})
			if err != nil {
				t.Fatal(err)
			}
			svc := catalog.Default().Service(id)
			var tr *Tracker
			for i := range r.Trackers {
				if r.Trackers[i].Service == id {
					tr = &r.Trackers[i]
				}
			}
			if tr == nil {
				t.Fatalf("%s not reported; trackers %+v", id, r.Trackers)
			}
			if tr.Name != svc.Name || tr.Provider != svc.Provider || tr.Category != svc.Category.String() {
				t.Errorf("reported %+v, catalog says %s / %s / %s", tr, svc.Name, svc.Provider, svc.Category)
			}
			if (len(tr.Blocked) > 0) == (svc.Category.String() == "necessary") {
				t.Errorf("%s (%s): blocked %v", id, svc.Category, tr.Blocked)
			}
			if r.NeedsConsent() == (svc.Category.String() == "necessary") && len(r.Trackers) == 1 {
				t.Errorf("NeedsConsent = %v for a lone %s service", r.NeedsConsent(), svc.Category)
			}
		})
	}
}

func TestUnknownScriptHosts(t *testing.T) {
	r, err := Audit(context.Background(), "testdata/unknown-hosts.html", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Site != "www.kaffebaren.example" {
		t.Errorf("site %q, want the canonical link's host", r.Site)
	}
	got, _ := json.Marshal(r.UnknownScriptHosts)
	// Held as well: unknown_hosts hold is the module's default.
	want := `[{"host":"cdn.unknown-vendor.example","scripts":2,"held":2},{"host":"widgets.other-vendor.example","scripts":1,"held":1}]`
	if string(got) != want {
		t.Errorf("unknown script hosts %s\nwant %s", got, want)
	}
	// --site overrides the page.
	r, err = Audit(context.Background(), "testdata/unknown-hosts.html", Options{Site: "cdn.unknown-vendor.example"})
	if err != nil {
		t.Fatal(err)
	}
	var hosts []string
	for _, h := range r.UnknownScriptHosts {
		hosts = append(hosts, h.Host)
	}
	if strings.Join(hosts, " ") != "static.kaffebaren.example widgets.other-vendor.example www.kaffebaren.example" {
		t.Errorf("with --site: %v", hosts)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "classify them with a block rule") {
		t.Errorf("text report lacks the unknown hosts:\n%s", text.String())
	}
}

func TestURL(t *testing.T) {
	page, err := os.ReadFile(trackersPage)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "redirect_hop=hopvalue; Path=/")
		http.Redirect(w, r, "/blogg/", http.StatusFound)
	})
	mux.HandleFunc("/blogg/", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("User-Agent") != "caddy-consent-audit/1" {
			t.Errorf("User-Agent %q", r.Header.Get("User-Agent"))
		}
		for _, l := range []string{
			"wordpress_test_cookie=WP%20Cookie%20check; Path=/; Secure",
			"_ga=GA1.1.secretvalue; Max-Age=63072000; Domain=127.0.0.1; Path=/; SameSite=Lax",
			"wp-settings-1=mfold%3Do; Expires=Wed, 21 Oct 2099 07:28:00 GMT; Path=/wp-admin",
			"mystery=1; HttpOnly",
			"_fbp=; Max-Age=0",
		} {
			w.Header().Add("Set-Cookie", l)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(page)
	})
	mux.HandleFunc("/gone", http.NotFound)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	r, err := Audit(context.Background(), srv.URL+"/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != 200 || r.ContentType != "text/html; charset=utf-8" || r.Bytes != len(page) || r.Site != "127.0.0.1" {
		t.Errorf("status %d, type %q, %d bytes, site %q", r.Status, r.ContentType, r.Bytes, r.Site)
	}
	got := map[string]SetCookie{}
	for _, c := range r.SetCookies {
		got[c.Name] = c
	}
	want := map[string]SetCookie{
		"redirect_hop":          {Host: "127.0.0.1", Name: "redirect_hop", Category: "unknown", Lifetime: "session", Path: "/"},
		"wordpress_test_cookie": {Host: "127.0.0.1", Name: "wordpress_test_cookie", Pattern: "wordpress_test_cookie", Category: "necessary", Provider: "WordPress (set by this site)", Lifetime: "session", Secure: true, Path: "/"},
		"_ga":                   {Host: "127.0.0.1", Name: "_ga", Pattern: "_ga", Category: "analytics", Provider: "Google Ireland Limited", Service: "google-analytics", Lifetime: "400d", SameSite: "lax", Domain: "127.0.0.1", Path: "/"},
		"wp-settings-1":         {Host: "127.0.0.1", Name: "wp-settings-1", Pattern: "wp-settings-*", Category: "preferences", Provider: "WordPress (set by this site)", Lifetime: "400d", Path: "/wp-admin"},
		"mystery":               {Host: "127.0.0.1", Name: "mystery", Category: "unknown", Lifetime: "session", HTTPOnly: true},
		"_fbp":                  {Host: "127.0.0.1", Name: "_fbp", Pattern: "_fbp", Category: "marketing", Provider: "Meta Platforms Ireland Limited", Service: "meta-pixel", Lifetime: "delete"},
	}
	if !maps.Equal(got, want) {
		t.Errorf("Set-Cookie headers:\n%+v\nwant\n%+v", got, want)
	}
	if r.Summary.OptionalCookies != 2 || r.Summary.UnknownCookies != 2 {
		t.Errorf("summary %+v, want 2 optional (_ga, wp-settings-1; a deletion does not count) and 2 unknown", r.Summary)
	}
	var out bytes.Buffer
	code, err := run(context.Background(), &out, srv.URL+"/", runFlags{})
	if err != nil || code != 0 {
		t.Fatalf("run: %d, %v", code, err)
	}
	for _, secret := range []string{"secretvalue", "hopvalue", "mfold"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("the report shows a cookie value (%s)", secret)
		}
	}
	if !strings.Contains(out.String(), "Set-Cookie headers:") || !strings.Contains(out.String(), "wp-settings-*, WordPress") {
		t.Errorf("text report:\n%s", out.String())
	}

	code, err = run(context.Background(), &out, srv.URL+"/gone", runFlags{})
	if code != 1 || err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: code %d, err %v", code, err)
	}
}

func TestFailOnTrackersCountsCookies(t *testing.T) {
	// A page without trackers whose server sets an analytics cookie still
	// needs consent.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Set-Cookie", "_ga=1; Max-Age=100")
		w.Write([]byte("<!DOCTYPE html><p>plain</p>"))
	}))
	defer srv.Close()
	var out bytes.Buffer
	code, err := run(context.Background(), &out, srv.URL, runFlags{failOnTrackers: true})
	if code != ExitTrackers || err != nil {
		t.Errorf("code %d, err %v; want %d", code, err, ExitTrackers)
	}
}

func TestAlreadyRewrittenPageWarns(t *testing.T) {
	page, err := os.ReadFile(trackersPage)
	if err != nil {
		t.Fatal(err)
	}
	var rewritten bytes.Buffer
	rw := htmlrewrite.New(&rewritten, &htmlrewrite.Options{Classifier: catalog.Default()})
	rw.Write(page)
	rw.Close()
	f := filepath.Join(t.TempDir(), "rewritten.html")
	if err := os.WriteFile(f, rewritten.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Audit(context.Background(), f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Warnings) == 0 || !strings.Contains(r.Warnings[0], "already carries data-consent-service") {
		t.Errorf("warnings %q", r.Warnings)
	}
}

// TestElementCounts: each element of a service counts once, under the kind
// the rewriter gives it (a script by its src, even WP Rocket's, or inline;
// an image in any case), wherever its attributes are, and a text that only
// looks like the rewriter's markers counts for nothing.
func TestElementCounts(t *testing.T) {
	page := `<p>text data-consent-category="x" data-consent-service="fake"</p>` +
		`<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>` +
		`<script data-note="a>b">gtag('js')</script>` +
		`<script type="rocketlazyloadscript"` + "\n\t" + `data-rocket-src="https://connect.facebook.net/en_US/fbevents.js"></script>` +
		`<script x-data-src="y">fbq()</script>` +
		`<IMG src="https://www.facebook.com/tr?id=1">`
	f := filepath.Join(t.TempDir(), "page.html")
	if err := os.WriteFile(f, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := Audit(context.Background(), f, Options{})
	if err != nil {
		t.Fatal(err)
	}
	elements, blocked := map[string]map[string]int{}, map[string]map[string]int{}
	for _, tr := range r.Trackers {
		elements[tr.Service], blocked[tr.Service] = tr.Elements, tr.Blocked
	}
	want := `{"google-analytics":{"inline":1,"script":1},"meta-pixel":{"img":1,"inline":1,"script":1}}`
	for what, m := range map[string]any{"elements": elements, "blocked": blocked} {
		if got, _ := json.Marshal(m); string(got) != want {
			t.Errorf("%s %s\nwant %s", what, got, want)
		}
	}
}

// countingClassifier is the catalog, counting the inline scripts it is asked
// about.
type countingClassifier struct {
	*catalog.Catalog
	inline *int
}

func (c countingClassifier) MatchInline(b []byte) *catalog.Service {
	*c.inline++
	return c.Catalog.MatchInline(b)
}

// TestOnePass: the audit asks about each inline script as often as one run
// of the rewriter does: it rewrites the page once, as the module would.
func TestOnePass(t *testing.T) {
	page, err := os.ReadFile(trackersPage)
	if err != nil {
		t.Fatal(err)
	}
	var once int
	rw := htmlrewrite.New(io.Discard, &htmlrewrite.Options{Classifier: countingClassifier{catalog.Default(), &once}})
	if _, err := rw.Write(page); err != nil {
		t.Fatal(err)
	}
	rw.Close()
	var audited int
	defer func(c func(*catalog.Catalog) htmlrewrite.Classifier) { classifier = c }(classifier)
	classifier = func(c *catalog.Catalog) htmlrewrite.Classifier { return countingClassifier{c, &audited} }
	r, err := Audit(context.Background(), trackersPage, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if once < 10 || audited != once {
		t.Errorf("the audit classified %d inline scripts, one rewrite %d", audited, once)
	}
	if len(r.Trackers) == 0 {
		t.Errorf("no trackers reported")
	}
}
