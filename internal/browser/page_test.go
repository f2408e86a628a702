package browser

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestLeftRefusedConsole: a request the page's policy refuses is an attempt
// (Requests) that did not leave (Refused, not Left); one the policy allows
// left, though it failed on DNS. Chromium's message about the refusal and
// the page's console calls are in Console, until the next Navigate.
func TestLeftRefusedConsole(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/csp")
	b.WaitNetworkIdle(200 * time.Millisecond)
	if got := b.RequestsTo("allowed.example", "refused.example"); len(got) != 2 {
		t.Fatalf("attempts = %q, want both images", got)
	}
	if got := b.Left("allowed.example"); !slices.Equal(got, []string{"http://allowed.example/a.gif"}) {
		t.Errorf(`Left("allowed.example") = %q`, got)
	}
	if got := b.Refused("allowed.example"); len(got) != 0 {
		t.Errorf(`Refused("allowed.example") = %q, want none`, got)
	}
	if got := b.Refused("refused.example"); !slices.Equal(got, []string{"csp http://refused.example/r.gif"}) {
		t.Errorf(`Refused("refused.example") = %q`, got)
	}
	if got := b.Left("refused.example"); len(got) != 0 {
		t.Errorf(`Left("refused.example") = %q, want none: the policy kept it in`, got)
	}
	if got := b.Left(".gif"); len(got) != 1 {
		t.Errorf(`Left(".gif") = %q, want the allowed image only`, got)
	}
	b.WaitUntil("the policy's message about refused.example", func() bool {
		return slices.ContainsFunc(b.Console(), func(m string) bool {
			return strings.Contains(m, "refused.example") && strings.Contains(m, "Content Security Policy")
		})
	})
	for _, want := range []string{"page says 42 Object", "careful"} {
		if !slices.Contains(b.Console(), want) {
			t.Errorf("console %q lacks %q", b.Console(), want)
		}
	}
	b.Navigate(srv.URL + "/plain.html")
	b.WaitNetworkIdle(200 * time.Millisecond)
	if got := b.Console(); len(got) != 0 {
		t.Errorf("after Navigate, Console() = %q", got)
	}
	if got := b.Refused(""); len(got) != 0 {
		t.Errorf("after Navigate, Refused() = %q", got)
	}
	b.Eval(`console.log("again")`, nil)
	b.WaitUntil("the console message", func() bool { return len(b.Console()) == 1 })
	b.Reset()
	if got := b.Console(); len(got) != 0 {
		t.Errorf("after Reset, Console() = %q", got)
	}
}

// TestLeftSkipsNonNetwork: data: and blob: loads never leave the page.
func TestLeftSkipsNonNetwork(t *testing.T) {
	b := &Browser{}
	for _, r := range []loggedRequest{
		{url: "data:image/gif;base64,R0lGOD"},
		{url: "blob:http://127.0.0.1/x"},
		{url: "https://t.example/gif", refused: "csp"},
		{url: "https://t.example/gif?2"},
		{url: "http://127.0.0.1/gif"},
	} {
		b.requests = append(b.requests, r)
	}
	if got := b.Left("gif"); !slices.Equal(got, []string{"https://t.example/gif?2", "http://127.0.0.1/gif"}) {
		t.Errorf(`Left("gif") = %q`, got)
	}
	if got := b.Refused("gif"); !slices.Equal(got, []string{"csp https://t.example/gif"}) {
		t.Errorf(`Refused("gif") = %q`, got)
	}
}

// TestPageHelpers: filling a field types into it, a form post found by
// ClickToNewPage lands on the redirected page, WaitTrue sees a change made
// later, and Present/Visible tell absent, hidden, transparent and empty
// elements apart.
func TestPageHelpers(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/form")
	b.SetValue("#q", `a "quoted" </script> ünïcode`)
	if !Value[bool](b, `window.typed === true`) {
		t.Error("SetValue fired no input event")
	}
	b.ClickToNewPage("#send")
	if got := Value[string](b, `document.getElementById("sent").textContent`); got != `a "quoted" </script> ünïcode` {
		t.Errorf("after ClickToNewPage the page shows %q", got)
	}
	if got := Value[string](b, `location.pathname + location.search`); !strings.HasPrefix(got, "/form?sent=") {
		t.Errorf("after ClickToNewPage at %s", got)
	}
	if b.Visible("#later") {
		t.Error("#later visible before its timer")
	}
	b.WaitTrue(`!document.getElementById("later").hidden`)
	for sel, want := range map[string][2]bool{ // present, visible
		"#later":   {true, true},
		"#send":    {true, true},
		"#faded":   {true, false},
		"#empty":   {true, false},
		"#missing": {false, false},
	} {
		if p, v := b.Present(sel), b.Visible(sel); p != want[0] || v != want[1] {
			t.Errorf("%s: present %v visible %v, want %v %v", sel, p, v, want[0], want[1])
		}
	}
	if got := Value[float64](b, `new Promise(r => setTimeout(() => r(6 * 7), 10))`); got != 42 {
		t.Errorf("Value of a promise = %v", got)
	}
}

// TestCookieNames lists the store's cookies in Cookies' order.
func TestCookieNames(t *testing.T) {
	srv := site(t)
	b := New(t)
	b.Navigate(srv.URL + "/cookie")
	if got := b.CookieNames(); !slices.Equal(got, []string{"sid", "visible"}) {
		t.Errorf("CookieNames() = %q", got)
	}
}

// TestWaitFailures: WaitTrue and WaitUntil fail the test, naming what they
// waited for, after the timeout.
func TestWaitFailures(t *testing.T) {
	srv := site(t)
	for name, wait := range map[string]func(*Browser){
		"WaitTrue":  func(b *Browser) { b.WaitTrue(`window.never === true`) },
		"WaitUntil": func(b *Browser) { b.WaitUntil("sign of life", func() bool { return false }) },
		"SetValue":  func(b *Browser) { b.SetValue("#nothing", "x") },
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			rec := runRecorded(t, func(tb testing.TB) {
				b := New(tb, Timeout(time.Second))
				b.Navigate(srv.URL + "/plain.html")
				start = time.Now()
				wait(b)
			})
			want := map[string]string{"WaitTrue": "window.never === true", "WaitUntil": "no sign of life within 1s", "SetValue": "no #nothing to fill"}[name]
			if !rec.failed || !strings.Contains(rec.log(), want) {
				t.Fatalf("did not fail with %q:\n%s", want, rec.log())
			}
			if name != "SetValue" && time.Since(start) < time.Second {
				t.Errorf("gave up after %v, before the 1 s timeout", time.Since(start))
			}
		})
	}
}

func TestJSString(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:           `"plain"`,
		`a "q" \ b`:       `"a \"q\" \\ b"`,
		"</script>&<>":    `"</script>&<>"`,
		"line\nsep\u2028": `"line\nsep\u2028"`,
	} {
		if got := JSString(in); got != want {
			t.Errorf("JSString(%q) = %s, want %s", in, got, want)
		}
	}
}
