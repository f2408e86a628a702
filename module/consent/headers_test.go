package consent

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Table tests for the pure header helpers; the test below sends the same
// headers through a real Caddy.

func TestAddVary(t *testing.T) {
	for _, tc := range []struct {
		have []string
		add  string
		want []string
	}{
		{nil, "Cookie", []string{"Cookie"}},
		{[]string{"Accept-Encoding"}, "Cookie", []string{"Accept-Encoding", "Cookie"}},
		{[]string{"Accept-Encoding, cookie"}, "Cookie", []string{"Accept-Encoding, cookie"}},
		{[]string{"Origin", " COOKIE "}, "Cookie", []string{"Origin", " COOKIE "}},
		{[]string{"*"}, "Cookie", []string{"*"}},
		{[]string{"Accept-Encoding,*"}, "Cookie", []string{"Accept-Encoding,*"}},
		{[]string{"Cookies"}, "Cookie", []string{"Cookies", "Cookie"}},
	} {
		hdr := http.Header{}
		for _, v := range tc.have {
			hdr.Add("Vary", v)
		}
		addVary(hdr, tc.add)
		if got := hdr.Values("Vary"); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("Vary %q + %s = %q, want %q", tc.have, tc.add, got, tc.want)
		}
	}
}

func TestPrivateCacheControl(t *testing.T) {
	for in, want := range map[string]string{
		"":                                    "private",
		"public, max-age=600":                 "private, max-age=600",
		"max-age=60, s-maxage=3600":           "private, max-age=60",
		"PUBLIC,S-MaxAge=5, proxy-revalidate": "private",
		"private":                             "private",
		`private="Set-Cookie", no-cache`:      "private, no-cache",
		"no-store":                            "private, no-store",
		"must-revalidate, ,max-age=0":         "private, must-revalidate, max-age=0",
	} {
		if got := privateCacheControl(in); got != want {
			t.Errorf("privateCacheControl(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConsentETag(t *testing.T) {
	for _, tc := range []struct{ in, suffix, want string }{
		{`"v1"`, "-ca", `W/"v1-ca"`},
		{`W/"v1"`, "-cpd", `W/"v1-cpd"`},
		{`""`, "-ca", `W/"-ca"`},
		{`v1`, "-ca", `v1`},   // not a tag: left as it came
		{`"v1`, "-ca", `"v1`}, // unterminated
		{`W/v1`, "-ca", `v1`}, // weak prefix on a non-tag goes
		{`"`, "-ca", `"`},     // one quote is not a tag
		{`"a,b"`, "-cb", `W/"a,b-cb"`},
	} {
		if got := consentETag(tc.in, tc.suffix); got != tc.want {
			t.Errorf("consentETag(%q, %q) = %q, want %q", tc.in, tc.suffix, got, tc.want)
		}
	}
}

func TestEtagsForUpstream(t *testing.T) {
	for _, tc := range []struct{ inm, suffix, want string }{
		{`W/"v1-ca"`, "-ca", `"v1", W/"v1"`},
		{`"v1-ca"`, "-ca", `"v1", W/"v1"`},
		// Another consent state's tag never reaches the upstream.
		{`W/"v1-cpd"`, "-ca", ``},
		{`W/"v1-cb", W/"v2-ca"`, "-ca", `"v2", W/"v2"`},
		{`W/"v1-ca",W/"v2-ca"`, "-ca", `"v1", W/"v1", "v2", W/"v2"`},
		// The upstream's own tag, as a client that skipped us would send it.
		{`"v1"`, "-ca", ``},
		{`*`, "-ca", ``},
		{`garbage, "v1-ca`, "-ca", ``},
		{``, "-ca", ``},
	} {
		if got := etagsForUpstream(tc.inm, tc.suffix); got != tc.want {
			t.Errorf("etagsForUpstream(%q, %q) = %q, want %q", tc.inm, tc.suffix, got, tc.want)
		}
	}
}

func TestEtagSuffix(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range []struct {
		granted policy.Set
		decided bool
		want    string
	}{
		{0, false, "-ca"},
		{policy.SetOf(policy.Necessary), false, "-cb"},
		{policy.SetOf(policy.Necessary), true, "-cbd"},
		{policy.All, true, "-cpd"},
		{policy.All, false, "-cp"},
	} {
		got := etagSuffix(&exchange{granted: tc.granted, decided: tc.decided})
		if got != tc.want {
			t.Errorf("etagSuffix(%v, decided %v) = %q, want %q", tc.granted, tc.decided, got, tc.want)
		}
		seen[got] = true
	}
	// Every state a visitor can be in has its own suffix.
	for s := policy.Set(0); s <= policy.All; s++ {
		for _, d := range []bool{false, true} {
			seen[etagSuffix(&exchange{granted: s, decided: d})] = true
		}
	}
	if want := 2 * int(policy.All+1); len(seen) != want {
		t.Errorf("%d distinct suffixes for %d states", len(seen), want)
	}
}

func TestContentCoding(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"", "", true},
		{"gzip", "gzip", true},
		{"GZip", "gzip", true},
		{"identity", "", true},
		{"gzip, identity", "gzip", true},
		{" identity ,br", "br", true},
		{"gzip, br", "gzip, br", false},
		{"gzip,,", "gzip", true},
	} {
		got, ok := contentCoding(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("contentCoding(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestMediaType(t *testing.T) {
	for _, tc := range []struct {
		name    string
		ct      []string // nil: no Content-Type header at all
		ce      string
		first   string
		want    string
		charset string
		setCT   string // the Content-Type afterwards
	}{
		{"plain", []string{"text/html; charset=utf-8"}, "", "", "text/html", "utf-8", "text/html; charset=utf-8"},
		{"upper", []string{"Text/HTML"}, "", "", "text/html", "", "Text/HTML"},
		{"empty charset", []string{"text/html; charset="}, "", "", "text/html", "", "text/html; charset="},
		{"duplicate params", []string{"text/html; charset=utf-8; q=0.5; q=1"}, "", "", "text/html", "utf-8", "text/html; charset=utf-8; q=0.5; q=1"},
		{"quoted charset in a bad list", []string{`text/html; charset="iso-8859-1"; ;=`}, "", "", "text/html", "iso-8859-1", `text/html; charset="iso-8859-1"; ;=`},
		{"json", []string{"application/json"}, "", "{}", "application/json", "", "application/json"},
		{"sniffed html", nil, "", "<!DOCTYPE html><p>x", "text/html", "utf-8", "text/html; charset=utf-8"},
		{"sniffed text", nil, "", "hello", "", "", ""},
		{"nothing to sniff", nil, "", "", "", "", ""},
		{"encoded, not sniffed", nil, "gzip", "<!DOCTYPE html>", "", "", ""},
		{"empty list", []string{}, "", "<html>", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hdr := http.Header{}
			if tc.ct != nil {
				hdr["Content-Type"] = tc.ct
			}
			if tc.ce != "" {
				hdr.Set("Content-Encoding", tc.ce)
			}
			mt, params := mediaType(hdr, []byte(tc.first))
			if mt != tc.want || params["charset"] != tc.charset {
				t.Errorf("= %q charset %q, want %q charset %q", mt, params["charset"], tc.want, tc.charset)
			}
			if got := hdr.Get("Content-Type"); got != tc.setCT {
				t.Errorf("Content-Type afterwards %q, want %q", got, tc.setCT)
			}
		})
	}
}

func TestReturnPath(t *testing.T) {
	for in, want := range map[string]string{
		"http://a.example/":                  "/",
		"http://a.example/?p=123":            "/?p=123",
		"http://a.example/om%20oss/?a=1&b=2": "/om%20oss/?a=1&b=2",
		"http://a.example/bl%C3%A5":          "/bl%C3%A5",
		"http://a.example/x?":                "/x",
		"http://a.example/x#frag":            "/x",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := returnPath(u); got != want {
			t.Errorf("returnPath(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestMayRender(t *testing.T) {
	for dest, want := range map[string]bool{
		"":         true, // old browsers and tools send none
		"document": true,
		"iframe":   true,
		"empty":    true, // fetch(): the caller may insert it
		"script":   false,
		"style":    false,
		"image":    false,
		"font":     false,
		"worker":   false,
		"json":     false,
	} {
		hdr := http.Header{}
		if dest != "" {
			hdr.Set("Sec-Fetch-Dest", dest)
		}
		if got := mayRender(hdr); got != want {
			t.Errorf("mayRender(Sec-Fetch-Dest %q) = %v, want %v", dest, got, want)
		}
	}
}

// A rewritten page has no byte ranges and no date validator of the
// upstream's, and revalidates only under the consent state it was made for:
// the upstream (http.ServeContent, which honours all of these) must never
// see Range, If-Range or If-Modified-Since, nor another state's tag.
func TestConditionalAndRangeRequests(t *testing.T) {
	const body = `<!DOCTYPE html><html><head><title>t</title></head><body><p>` +
		`Hei og velkommen til nettsiden vår.</p></body></html>`
	modified := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var seen http.Header
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Etag", `"v1"`)
		http.ServeContent(w, r, "page.html", modified, strings.NewReader(body))
	}))
	defer up.Close()
	srv := testcaddy.Start(t, fmt.Sprintf("http://127.0.0.1:{PORT} {\n\tconsent {\n\t\tsecret %s\n\t}\n\treverse_proxy %s\n}\n", secret, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)
	upstreamSaw := func(name string) string {
		mu.Lock()
		defer mu.Unlock()
		return strings.Join(seen.Values(name), ", ")
	}
	full := func(t *testing.T, resp *http.Response, got []byte) {
		t.Helper()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d, want 200", resp.StatusCode)
		}
		if !bytes.Contains(got, []byte("Hei og velkommen")) || !bytes.Contains(got, []byte("data-consent-banner")) {
			t.Fatalf("not the whole page with the banner: %q", got)
		}
		if cr := resp.Header.Get("Content-Range"); cr != "" {
			t.Errorf("Content-Range %q on a rewritten page", cr)
		}
	}

	resp, _ := get(t, "GET", base+"/", nil)
	undecided := resp.Header.Get("Etag")
	if !strings.HasPrefix(undecided, `W/"v1-c`) {
		t.Fatalf("ETag %q: want the upstream's tag, weak, with the consent state", undecided)
	}
	if lm := resp.Header.Get("Last-Modified"); lm != "" {
		t.Errorf("Last-Modified %q kept on a rewritten page", lm)
	}

	t.Run("range", func(t *testing.T) {
		resp, got := get(t, "GET", base+"/", map[string]string{"Range": "bytes=0-9", "If-Range": `"v1"`})
		full(t, resp, got)
		for _, h := range []string{"Range", "If-Range"} {
			if v := upstreamSaw(h); v != "" {
				t.Errorf("the upstream got %s: %q", h, v)
			}
		}
	})
	t.Run("if-modified-since", func(t *testing.T) {
		resp, got := get(t, "GET", base+"/", map[string]string{"If-Modified-Since": modified.Add(time.Hour).Format(http.TimeFormat)})
		full(t, resp, got)
		if v := upstreamSaw("If-Modified-Since"); v != "" {
			t.Errorf("the upstream got If-Modified-Since: %q", v)
		}
	})
	t.Run("if-none-match same state", func(t *testing.T) {
		resp, _ := get(t, "GET", base+"/", map[string]string{"If-None-Match": undecided})
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Etag") != undecided {
			t.Errorf("%d with ETag %q, want 304 with %q", resp.StatusCode, resp.Header.Get("Etag"), undecided)
		}
		if v := upstreamSaw("If-None-Match"); v != `"v1", W/"v1"` {
			t.Errorf("the upstream got If-None-Match %q, want its own tag", v)
		}
	})
	t.Run("if-none-match another state", func(t *testing.T) {
		ck := decide(t, base, url.Values{"action": {"accept-all"}})
		resp, got := page(t, base, ck, map[string]string{"If-None-Match": undecided})
		full(t, resp, []byte(got))
		if v := upstreamSaw("If-None-Match"); v != "" {
			t.Errorf("the upstream got If-None-Match %q from another state's tag", v)
		}
		if et := resp.Header.Get("Etag"); et == undecided || !strings.HasPrefix(et, `W/"v1-c`) {
			t.Errorf("accepted visitor's ETag %q: want a tag of its own state, not %q", et, undecided)
		}
	})
	t.Run("if-none-match mixed list", func(t *testing.T) {
		resp, _ := get(t, "GET", base+"/", map[string]string{"If-None-Match": `W/"v0-cpd", ` + undecided})
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("status %d, want 304 for a list holding the current tag", resp.StatusCode)
		}
		if v := upstreamSaw("If-None-Match"); v != `"v1", W/"v1"` {
			t.Errorf("the upstream got If-None-Match %q, want only the current state's tag", v)
		}
	})
}
