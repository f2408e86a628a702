package browser

import (
	"encoding/json"
	"fmt"
	"html"
	"image/png"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// site serves the fixture pages of testdata/pages on loopback, plus a few
// dynamic routes.
func site(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServer(http.Dir("testdata/pages")))
	mux.HandleFunc("/cookie", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "sid", Value: "secret", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.SetCookie(w, &http.Cookie{Name: "visible", Value: "1", Path: "/", SameSite: http.SameSiteLaxMode})
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>cookies</title><p>cookies set</p></html>`)
	})
	mux.HandleFunc("/headers", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{
			"gpc":  r.Header.Get("Sec-GPC"),
			"lang": r.Header.Get("Accept-Language"),
		})
	})
	// A policy that lets the page's own script, and images from
	// allowed.example, load; Chromium refuses refused.example itself.
	mux.HandleFunc("/csp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "img-src 'self' http://allowed.example; script-src 'unsafe-inline'")
		fmt.Fprint(w, `<!doctype html><html lang="en"><title>csp</title>
<img alt="" src="http://allowed.example/a.gif"><img alt="" src="http://refused.example/r.gif">
<script>console.log("page says", 42, {a: 1}); console.warn("careful")</script></html>`)
	})
	// A form whose post redirects back to /form?sent=<what was typed>.
	mux.HandleFunc("/form", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			http.Redirect(w, r, "/form?sent="+url.QueryEscape(r.FormValue("q")), http.StatusSeeOther)
			return
		}
		fmt.Fprintf(w, `<!doctype html><html lang="en"><title>form</title>
<form method="post"><input id="q" name="q"><button id="send">Send</button></form>
<p id="sent">%s</p><p id="later" hidden>later</p><p id="faded" style="opacity:0">faded</p><p id="empty"></p>
<script>document.getElementById("q").addEventListener("input", () => window.typed = true);
setTimeout(() => document.getElementById("later").hidden = false, 300)</script></html>`, html.EscapeString(r.FormValue("sent")))
	})
	srv := httptest.NewServer(mux) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func TestRequestLog(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/tracker.html")
	b.WaitNetworkIdle(200 * time.Millisecond)

	tests := []struct {
		host string
		want []string
	}{
		{"tracker.example", []string{"http://tracker.example/x.js"}},
		{"google-analytics.com", []string{"https://www.google-analytics.com/collect?v=1&t=pageview"}},
		{"embed.example", []string{"http://embed.example/player"}},
		{"preload.example", []string{"http://preload.example/p.js"}},
		// Chromium opens no request for these, so the log cannot see them;
		// the package doc says so. Should this start failing, update it.
		{"preconnect.example", nil},
		{"prefetch.example", nil},
		{"notgoogle-analytics.com", nil},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			if got := b.RequestsTo(tt.host); !slices.Equal(got, tt.want) {
				t.Errorf("RequestsTo(%q) = %q, want %q\nall requests: %q", tt.host, got, tt.want, b.Requests())
			}
		})
	}
	// The page itself and, after load, maybe Chromium's favicon probe.
	if got := b.RequestsTo("127.0.0.1"); len(got) == 0 || got[0] != srv.URL+"/tracker.html" || len(got) > 2 || (len(got) == 2 && got[1] != srv.URL+"/favicon.ico") {
		t.Errorf("RequestsTo(127.0.0.1) = %q, want the page and at most the favicon", got)
	}
	if got := b.RequestsTo("tracker.example", "www.google-analytics.com"); len(got) != 2 {
		t.Errorf("RequestsTo with two hosts = %q, want both trackers", got)
	}
	// The requests failed on DNS: the tracker script never ran.
	var ran bool
	b.Eval(`window.trackerRan === true`, &ran)
	if ran {
		t.Error("tracker script ran: its request left the machine")
	}

	b.Reset()
	if got := b.Requests(); len(got) != 0 {
		t.Errorf("after Reset, Requests() = %q", got)
	}
	b.Navigate(srv.URL + "/noisy.html")
	deadline := time.Now().Add(5 * time.Second)
	for len(b.RequestsTo("noisy.example")) < 20 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(b.RequestsTo("noisy.example")) < 20 {
		t.Fatalf("noisy page made too few requests: %q", b.Requests())
	}
	// The old page keeps pinging until the new document commits; the new
	// page's log must not show those pings.
	b.Navigate(srv.URL + "/plain.html")
	b.WaitNetworkIdle(100 * time.Millisecond)
	if got := b.Requests(); len(got) == 0 || got[0] != srv.URL+"/plain.html" || len(b.RequestsTo("example", "google-analytics.com")) > 0 {
		t.Errorf("Navigate did not start a fresh log: %q", got)
	}
}

func TestRequestsToMatching(t *testing.T) {
	b := &Browser{}
	for _, u := range []string{
		"https://www.google-analytics.com/collect",
		"https://notgoogle-analytics.com/x",
		"http://GOOGLE-ANALYTICS.COM:8080/y",
		"data:image/png;base64,AAAA",
		"http://127.0.0.1:1234/",
	} {
		b.requests = append(b.requests, loggedRequest{url: u})
	}
	tests := []struct {
		hosts []string
		want  []string
	}{
		{[]string{"google-analytics.com"}, []string{"https://www.google-analytics.com/collect", "http://GOOGLE-ANALYTICS.COM:8080/y"}},
		{[]string{".google-analytics.com"}, []string{"https://www.google-analytics.com/collect", "http://GOOGLE-ANALYTICS.COM:8080/y"}},
		{[]string{"analytics.com"}, nil},
		{[]string{"notgoogle-analytics.com", "127.0.0.1"}, []string{"https://notgoogle-analytics.com/x", "http://127.0.0.1:1234/"}},
		{nil, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.hosts, ","), func(t *testing.T) {
			if got := b.RequestsTo(tt.hosts...); !slices.Equal(got, tt.want) {
				t.Errorf("RequestsTo(%q) = %q, want %q", tt.hosts, got, tt.want)
			}
		})
	}
}

func TestClickChangesDOM(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/click.html")
	var before string
	b.Eval(`document.getElementById("out").textContent`, &before)
	b.Click("#go")
	b.WaitVisible("#added")
	var after string
	b.Eval(`document.getElementById("out").textContent`, &after)
	if before != "" || after != "clicked 1" {
		t.Errorf("text before/after click = %q/%q, want \"\"/\"clicked 1\"", before, after)
	}
}

func TestCookiesIncludeHttpOnly(t *testing.T) {
	srv := site(t)
	b := New(t)
	if got := b.Cookies(); len(got) != 0 {
		t.Fatalf("fresh profile has cookies: %v", got)
	}
	b.Navigate(srv.URL + "/cookie")
	sid := b.Cookie("sid")
	if sid == nil || sid.Value != "secret" || !sid.HTTPOnly {
		t.Fatalf("Cookie(sid) = %+v, want the HttpOnly cookie", sid)
	}
	if v := b.Cookie("visible"); v == nil || v.HTTPOnly {
		t.Errorf("Cookie(visible) = %+v, want a script-visible cookie", v)
	}
	var jsCookies string
	b.Eval(`document.cookie`, &jsCookies)
	if strings.Contains(jsCookies, "sid=") || !strings.Contains(jsCookies, "visible=1") {
		t.Errorf("document.cookie = %q: HttpOnly semantics broken, so Cookies proves nothing", jsCookies)
	}
	var names []string
	for _, c := range b.Cookies() {
		names = append(names, c.Name)
	}
	if !slices.Equal(names, []string{"sid", "visible"}) {
		t.Errorf("Cookies() names = %q, want [sid visible]", names)
	}
}

func TestKeyboard(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/focus.html")
	steps := []struct {
		key  string // "" reads focus without pressing
		want string
	}{
		{"", "body"},
		{"Tab", `a#first[href="#"] "First"`},
		{"Tab", `button#second[type="button"] "Second"`},
		{"Tab", `input#third[name="q"][type="text"]`},
		{"Shift+Tab", `button#second[type="button"] "Second"`},
	}
	for i, s := range steps {
		if s.key == "Tab" {
			b.Tab()
		} else if s.key != "" {
			b.Press(s.key)
		}
		if got := b.Focused(); got != s.want {
			t.Fatalf("step %d (%s): Focused() = %q, want %q", i, s.key, got, s.want)
		}
	}
	// Enter and Space on a focused button activate it, as for a keyboard user.
	b.Press("Enter")
	b.Press("Space")
	var presses int
	b.Eval(`window.presses`, &presses)
	if presses != 2 {
		t.Errorf("button activations by Enter and Space = %d, want 2", presses)
	}
	// A trusted key event types into a focused input.
	b.Tab()
	for _, k := range []string{"h", "i"} {
		b.Press(k)
	}
	var value string
	b.Eval(`document.getElementById("third").value`, &value)
	if value != "hi" {
		t.Errorf("typed value = %q, want %q", value, "hi")
	}
}

func TestParseKey(t *testing.T) {
	tests := []struct {
		in      string
		rune    rune
		mods    int
		wantErr bool
	}{
		{"Tab", '\t', 0, false},
		{"Shift+Tab", '\t', 1, false},
		{"Enter", '\r', 0, false},
		{"Space", ' ', 0, false},
		{"a", 'a', 0, false},
		{"Control+a", 'a', 1, false},
		{"+", '+', 0, false},
		{"Shift++", '+', 1, false},
		{"Escape", namedKeys["Escape"], 0, false},
		{"ArrowDown", namedKeys["ArrowDown"], 0, false},
		{"Hyper+a", 0, 0, true},
		{"NoSuchKey", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			r, mods, err := parseKey(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseKey(%q) error = %v", tt.in, err)
			}
			if err == nil && (r != tt.rune || len(mods) != tt.mods) {
				t.Errorf("parseKey(%q) = %q %v, want %q with %d modifiers", tt.in, r, mods, tt.rune, tt.mods)
			}
		})
	}
	if namedKeys["Escape"] == 0 || namedKeys["ArrowDown"] == 0 {
		t.Error("kb has no Escape or ArrowDown")
	}
}

func TestScreenshots(t *testing.T) {
	srv := site(t)
	b := New(t, WindowSize(400, 300))
	b.Navigate(srv.URL + "/tall.html")
	dir := t.TempDir()
	tests := []struct {
		name       string
		shoot      func(string)
		minW, maxW int
		wantH      int
	}{
		{"viewport", b.Screenshot, 400, 400, 300},
		// Beyond the viewport a classic scrollbar's width (15 px) is left out.
		{"full page", b.FullScreenshot, 385, 400, 2400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "sub", strings.ReplaceAll(tt.name, " ", "-")+".png")
			tt.shoot(path)
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			img, err := png.Decode(f)
			if err != nil {
				t.Fatalf("not a valid PNG: %v", err)
			}
			bounds := img.Bounds()
			if bounds.Dx() < tt.minW || bounds.Dx() > tt.maxW || bounds.Dy() != tt.wantH {
				t.Errorf("size %dx%d, want width in [%d, %d] and height %d", bounds.Dx(), bounds.Dy(), tt.minW, tt.maxW, tt.wantH)
			}
			// The page background is red: a blank capture would be white.
			r, g, bl, _ := img.At(10, 10).RGBA()
			if r>>8 < 200 || g>>8 > 50 || bl>>8 > 50 {
				t.Errorf("pixel (10,10) = %d,%d,%d, want the page's red", r>>8, g>>8, bl>>8)
			}
		})
	}
}

func TestJavaScriptDisabled(t *testing.T) {
	srv := site(t)
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"enabled", nil, "js-ran"},
		{"disabled", []Option{JavaScriptDisabled()}, "no-js"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(t, tt.opts...)
			b.Navigate(srv.URL + "/js.html")
			var state string
			b.Eval(`document.getElementById("state").textContent`, &state)
			if state != tt.want {
				t.Errorf("state = %q, want %q", state, tt.want)
			}
			// Disabling survives navigation and covers event handlers.
			b.Navigate(srv.URL + "/click.html")
			b.Click("#go")
			var out string
			b.Eval(`document.getElementById("out").textContent`, &out)
			if wantOut := map[string]string{"js-ran": "clicked 1", "no-js": ""}[tt.want]; out != wantOut {
				t.Errorf("after click, out = %q, want %q", out, wantOut)
			}
		})
	}
}

func TestHeadersAndLocale(t *testing.T) {
	srv := site(t)
	tests := []struct {
		name     string
		opts     []Option
		wantGPC  string
		wantLang string
		wantNav  string // navigator.language
		wantJS   bool   // navigator.globalPrivacyControl
	}{
		{"default", nil, "", "", "", false},
		{"header", []Option{Header("Sec-GPC", "1")}, "1", "", "", false},
		{"gpc and locale", []Option{GPC(), Locale("nb-NO", "nb", "en")}, "1", "nb-NO,nb;q=0.9,en;q=0.8", "nb-NO", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(t, tt.opts...)
			b.Navigate(srv.URL + "/headers")
			var got map[string]string
			b.Eval(`JSON.parse(document.body.innerText)`, &got)
			if got["gpc"] != tt.wantGPC {
				t.Errorf("Sec-GPC = %q, want %q", got["gpc"], tt.wantGPC)
			}
			if tt.wantLang != "" && got["lang"] != tt.wantLang {
				t.Errorf("Accept-Language = %q, want %q", got["lang"], tt.wantLang)
			}
			var nav struct {
				Language string `json:"language"`
				GPC      bool   `json:"gpc"`
				Intl     string `json:"intl"`
			}
			b.Eval(`({language: navigator.language, gpc: navigator.globalPrivacyControl === true, intl: Intl.DateTimeFormat().resolvedOptions().locale})`, &nav)
			if tt.wantNav != "" && (nav.Language != tt.wantNav || nav.Intl != tt.wantNav) {
				t.Errorf("navigator.language = %q, Intl locale = %q, want %q", nav.Language, nav.Intl, tt.wantNav)
			}
			if nav.GPC != tt.wantJS {
				t.Errorf("navigator.globalPrivacyControl = %v, want %v", nav.GPC, tt.wantJS)
			}
		})
	}
}

func TestAxe(t *testing.T) {
	if _, err := AxeSource(); err != nil {
		t.Fatalf("%v", err) // make test installs it; a silent skip would hide a gap
	}
	srv := site(t)
	tests := []struct {
		name    string
		opts    []Option
		page    string
		wantIDs []string
	}{
		{"image without alt", nil, "/a11y-bad.html", []string{"image-alt"}},
		{"good page", nil, "/a11y-good.html", nil},
		{"image without alt, no JavaScript", []Option{JavaScriptDisabled()}, "/a11y-bad.html", []string{"image-alt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := New(t, tt.opts...)
			b.Navigate(srv.URL + tt.page)
			vs, err := b.Axe("#banner")
			if err != nil {
				t.Fatalf("Axe: %v", err)
			}
			var ids []string
			for _, v := range vs {
				ids = append(ids, v.ID)
			}
			if !slices.Equal(ids, tt.wantIDs) {
				t.Fatalf("violations = %v, want %v", vs, tt.wantIDs)
			}
			if len(vs) > 0 {
				v := vs[0]
				if v.Impact != "critical" || v.Help == "" || len(v.Nodes) != 1 || !slices.Equal(v.Nodes[0].Target, []string{"#logo"}) {
					t.Errorf("violation = %+v, want critical on #logo", v)
				}
			}
		})
	}
	t.Run("no such element", func(t *testing.T) {
		b := New(t)
		b.Navigate(srv.URL + "/a11y-good.html")
		if _, err := b.Axe("#missing"); err == nil || !strings.Contains(err.Error(), "no element matches") {
			t.Errorf("Axe(#missing) error = %v", err)
		}
	})
}

func TestViolationNodeTargets(t *testing.T) {
	var n ViolationNode
	if err := json.Unmarshal([]byte(`{"target": ["#a", ["#host", "button.x"]], "html": "<b>"}`), &n); err != nil {
		t.Fatal(err)
	}
	if want := []string{"#a", "#host >>> button.x"}; !slices.Equal(n.Target, want) || n.HTML != "<b>" {
		t.Errorf("decoded %+v, want targets %q", n, want)
	}
	if err := json.Unmarshal([]byte(`{"target": [3]}`), &n); err == nil {
		t.Error("a numeric target decoded without error")
	}
}

// TestCleanup checks that the test's cleanup leaves no process and no
// profile directory behind.
func TestCleanup(t *testing.T) {
	var (
		dir  string
		tree map[int]string
	)
	t.Run("browser", func(t *testing.T) {
		b := New(t)
		b.Navigate("about:blank")
		dir = b.UserDataDir()
		// The browser process plus its zygotes, GPU/network/renderer helpers;
		// on a loaded machine the helpers may still be starting.
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			tree = chromiumTree(dir)
			if len(processesUsing(dir)) == 1 && len(tree) >= 3 || time.Now().After(deadline) {
				break
			}
		}
		t.Logf("chromium process tree: %d processes", len(tree))
		if len(processesUsing(dir)) != 1 || len(tree) < 3 {
			t.Fatalf("process tree %v: the check below would prove nothing", slices.Collect(maps.Keys(tree)))
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("user data dir %s still exists: %v", dir, err)
	}
	for pid, cmdline := range tree {
		if now, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid)); err == nil && string(now) == cmdline {
			t.Errorf("chromium process %d survived the cleanup: %.80q", pid, cmdline)
		}
	}
}

// TestTimeout checks that a call that never completes fails within the
// configured timeout instead of hanging.
func TestTimeout(t *testing.T) {
	srv := site(t)
	var start time.Time
	rec := runRecorded(t, func(tb testing.TB) {
		b := New(tb, Timeout(2*time.Second))
		b.Navigate(srv.URL + "/plain.html")
		start = time.Now()
		b.WaitVisible("#never")
	})
	elapsed := time.Since(start)
	if !rec.failed || !strings.Contains(rec.log(), "waiting for #never") {
		t.Fatalf("WaitVisible(#never) did not fail:\n%s", rec.log())
	}
	// The call's own 2 s plus the cleanup that closes the browser.
	if elapsed < 2*time.Second || elapsed > 2*time.Second+closeWait {
		t.Errorf("failing took %v, want the 2 s timeout plus cleanup", elapsed)
	}
}

func TestNewWithoutChromium(t *testing.T) {
	t.Setenv("CHROMIUM", filepath.Join(t.TempDir(), "no-chromium"))
	tests := []struct {
		skipEnv  string
		wantSkip bool
		want     string
	}{
		{"", false, "chromium not installed: run make test (it installs Debian chromium)"},
		{"0", false, "chromium not installed"},
		{"1", true, "CONSENT_SKIP_BROWSER=1"},
	}
	for _, tt := range tests {
		t.Run("CONSENT_SKIP_BROWSER="+tt.skipEnv, func(t *testing.T) {
			t.Setenv("CONSENT_SKIP_BROWSER", tt.skipEnv)
			rec := runRecorded(t, func(tb testing.TB) { New(tb) })
			if rec.skipped != tt.wantSkip || rec.failed == tt.wantSkip || !strings.Contains(rec.log(), tt.want) {
				t.Errorf("skipped=%v failed=%v log=%q; want skipped=%v and %q", rec.skipped, rec.failed, rec.log(), tt.wantSkip, tt.want)
			}
		})
	}
}

// recorder is a testing.TB whose Fatal and Skip end only the goroutine that
// runs the code under test, so a test can inspect the failure.
type recorder struct {
	testing.TB
	mu       sync.Mutex
	lines    []string
	failed   bool
	skipped  bool
	cleanups []func()
}

func (r *recorder) Helper() {}
func (r *recorder) Logf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
}
func (r *recorder) Errorf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	r.set(&r.failed)
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}
func (r *recorder) Skip(args ...any) {
	r.add(fmt.Sprint(args...))
	r.set(&r.skipped)
	runtime.Goexit()
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	r.cleanups = append(r.cleanups, f)
	r.mu.Unlock()
}
func (r *recorder) add(s string) {
	r.mu.Lock()
	r.lines = append(r.lines, s)
	r.mu.Unlock()
}
func (r *recorder) set(flag *bool) {
	r.mu.Lock()
	*flag = true
	r.mu.Unlock()
}
func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// runRecorded runs f with a recorder on its own goroutine, then the recorded
// cleanups in reverse order, as the testing package does.
func runRecorded(t *testing.T, f func(testing.TB)) *recorder {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	return r
}
