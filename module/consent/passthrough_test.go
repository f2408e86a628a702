package consent

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// trickyPage loads no tracker, so everything but the banner must pass as it came.
const trickyPage = `<!DOCTYPE html>
<HTML lang="nb-NO"><head><meta charset="utf-8"><title>Om oss &amp; <script> kakor</title>
<script>var s = "</scr" + "ipt>"; document.title = "x";</script>
<script type="application/ld+json">{"@type":"Organization","sameAs":"https://www.googletagmanager.com/gtag/js"}</script>
<style>body::after{content:"</body>"}</style>
</head><BODY class="home">
<!-- <script src="https://www.google-analytics.com/analytics.js"></script> </body> -->
<textarea><script src="https://connect.facebook.net/en_US/fbevents.js"></script></textarea>
<svg><![CDATA[ </body> ]]></svg><p title='</body>'>Blåbærsyltetøy – æøå</p>
<img src="/wp-content/uploads/logo.png" alt="Logo" srcset="/a.png 1x, /b.png 2x">
<a href="/?a=1&amp;b=2">lenke</a></body-x>
</BODY></HTML>
`

func pagesDir() string { return filepath.Join("..", "..", "testdata", "pages") }

// upstream is a loopback legacy site with every kind of response the handler
// must leave alone or rewrite.
type upstream struct {
	*httptest.Server
	mu      sync.Mutex
	seenAE  map[string]string // path → Accept-Encoding the upstream received
	release chan struct{}
}

func newUpstream(t *testing.T, page []byte) *upstream {
	t.Helper()
	u := &upstream{seenAE: map[string]string{}, release: make(chan struct{})}
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, '<', '/', 'b', 'o', 'd', 'y', '>'}, 300)
	mux := http.NewServeMux()
	html := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	mux.HandleFunc("/page.html", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		w.Header().Set("Content-Length", fmt.Sprint(len(page)))
		w.Header().Set("Etag", `"v1"`)
		w.Header().Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
		w.Header().Set("Accept-Ranges", "bytes")
		if r.Method != http.MethodHead {
			w.Write(page)
		}
	})
	mux.HandleFunc("/chunked.html", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		half := len(page) / 2
		w.Write(page[:half])
		http.NewResponseController(w).Flush()
		select { // the rest waits until the client has seen the first half
		case <-u.release:
		case <-time.After(10 * time.Second):
		}
		w.Write(page[half:])
	})
	encoded := map[string]func(io.Writer) io.WriteCloser{
		"gzip":    func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) },
		"deflate": func(w io.Writer) io.WriteCloser { z, _ := flate.NewWriter(w, 5); return z },
		"br":      func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) },
		"zstd":    func(w io.Writer) io.WriteCloser { z, _ := zstd.NewWriter(w); return z },
	}
	for enc, mk := range encoded {
		mux.HandleFunc("/"+enc+".html", func(w http.ResponseWriter, r *http.Request) {
			// A backend that compresses whatever the client asked for.
			html(w)
			w.Header().Set("Content-Encoding", enc)
			zw := mk(w)
			zw.Write(page)
			zw.Close()
		})
	}
	mux.HandleFunc("/corrupt.html", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(page) // not gzip at all
	})
	mux.HandleFunc("/logo.png", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Content-Length", fmt.Sprint(len(png)))
		w.Write(png)
	})
	mux.HandleFunc("/utf16.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write(append([]byte{0xFF, 0xFE}, utf16le("<html><body><script src=\"https://www.google-analytics.com/analytics.js\"></script></body></html>")...))
	})
	mux.HandleFunc("/nocontent", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/notmodified", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		w.Header().Set("Etag", `"v1"`)
		w.WriteHeader(http.StatusNotModified)
	})
	mux.HandleFunc("/partial.html", func(w http.ResponseWriter, r *http.Request) {
		html(w)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-9/%d", len(page)))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(page[:10])
	})
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.Write([]byte("data: <script src=\"https://www.google-analytics.com/analytics.js\"></script>\n\n"))
	})
	u.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u.mu.Lock()
		u.seenAE[r.URL.Path] = r.Header.Get("Accept-Encoding")
		u.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(u.Close)
	return u
}

func utf16le(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func (u *upstream) host() string { return strings.TrimPrefix(u.URL, "http://") }

// rawClient sees the bytes on the wire: no transparent decompression.
var rawClient = &http.Client{
	Transport: &http.Transport{DisableCompression: true},
	Timeout:   20 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

func get(t *testing.T, method, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := rawClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// assertPageWithBanner checks that out is in with exactly one inserted run of
// bytes, the banner, right before in's first real </body> (or at the end).
func assertPageWithBanner(t *testing.T, in, out []byte, at int) {
	t.Helper()
	if at < 0 {
		at = len(in)
	}
	if len(out) <= len(in) || !bytes.Equal(out[:at], in[:at]) || !bytes.Equal(out[len(out)-(len(in)-at):], in[at:]) {
		i := 0
		for i < len(in) && i < len(out) && in[i] == out[i] {
			i++
		}
		t.Fatalf("output is not the input plus a banner at %d; first difference at byte %d:\n in: %q\nout: %q", at, i, snippet(in, i), snippet(out, i))
	}
	inserted := out[at : len(out)-(len(in)-at)]
	if !bytes.Contains(inserted, []byte("data-consent-banner")) {
		t.Fatalf("inserted bytes carry no data-consent-banner: %q", snippet(inserted, 0))
	}
}

func snippet(b []byte, i int) []byte {
	lo, hi := max(0, i-40), min(len(b), i+80)
	return b[lo:hi]
}

func TestPassthroughThroughCaddy(t *testing.T) {
	// A missing fixture fails: falling back to a smaller page would let a
	// deleted fixture turn the test green.
	page, err := os.ReadFile(filepath.Join(pagesDir(), "wordpress-median.html"))
	if err != nil {
		t.Fatalf("page fixture: %v", err)
	}
	bodyAt := bytes.LastIndex(page, []byte("</body>"))
	if bodyAt < 0 {
		t.Fatal("page fixture has no </body>")
	}
	up := newUpstream(t, page)
	tricky := newUpstream(t, []byte(trickyPage))
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret 0123456789abcdef0123456789abcdef
		# The saved page's own host, and WordPress's emoji CDN.
		first_party nordlyskaffe.example
		allow s.w.org
	}
	handle_path /tricky/* {
		reverse_proxy %[2]s
	}
	reverse_proxy %[1]s
}
http://127.0.0.1:{PORT2} {
	encode gzip
	consent {
		secret 0123456789abcdef0123456789abcdef
		# The saved page's own host, and WordPress's emoji CDN.
		first_party nordlyskaffe.example
		allow s.w.org
	}
	reverse_proxy %[1]s
}
`, up.host(), tricky.host()))
	base, encBase := srv.URL(1), srv.URL(2)

	// The hand-made page: upper-case tags, "</body>" inside a comment, a
	// string, CSS, CDATA and an attribute; only the banner may change it.
	t.Run("tricky-html", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/tricky/page.html", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		assertPageWithBanner(t, []byte(trickyPage), body, strings.LastIndex(trickyPage, "</BODY>"))
	})

	t.Run("html", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/page.html", nil)
		if resp.StatusCode != 200 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		assertPageWithBanner(t, page, body, bodyAt)
		if cl := resp.Header.Get("Content-Length"); cl != "" && cl != fmt.Sprint(len(body)) {
			t.Errorf("stale Content-Length %s for %d bytes", cl, len(body))
		}
		for _, h := range []string{"Accept-Ranges", "Last-Modified"} {
			if v := resp.Header.Get(h); v != "" {
				t.Errorf("%s: %q survived the rewrite", h, v)
			}
		}
		if et := resp.Header.Get("Etag"); !strings.HasPrefix(et, `W/"v1-`) {
			t.Errorf("ETag %q: want a weak tag tied to the consent state", et)
		}
		if !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Cookie") {
			t.Errorf("Vary %q lacks Cookie", resp.Header.Values("Vary"))
		}
		up.mu.Lock()
		ae := up.seenAE["/page.html"]
		up.mu.Unlock()
		if ae != "identity" {
			t.Errorf("upstream got Accept-Encoding %q, want identity", ae)
		}
	})

	t.Run("head", func(t *testing.T) {
		resp, body := get(t, "HEAD", base+"/page.html", nil)
		if resp.StatusCode != 200 || len(body) != 0 {
			t.Fatalf("status %d, %d body bytes", resp.StatusCode, len(body))
		}
		if cl := resp.Header.Get("Content-Length"); cl == fmt.Sprint(len(page)) {
			t.Errorf("HEAD announces the upstream's length %s, which the GET will not have", cl)
		}
	})

	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		t.Run("upstream-"+enc, func(t *testing.T) {
			resp, body := get(t, "GET", base+"/"+enc+".html", nil)
			if ce := resp.Header.Get("Content-Encoding"); ce != "" {
				t.Fatalf("Content-Encoding %q reached a client that asked for none", ce)
			}
			assertPageWithBanner(t, page, body, bodyAt)
		})
	}

	t.Run("encode-gzip", func(t *testing.T) {
		resp, body := get(t, "GET", encBase+"/gzip.html", map[string]string{"Accept-Encoding": "gzip"})
		if ce := resp.Header.Get("Content-Encoding"); ce != "gzip" {
			t.Fatalf("Content-Encoding %q, want gzip from encode", ce)
		}
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		assertPageWithBanner(t, page, plain, bodyAt)
	})

	t.Run("corrupt-encoding-passes-unchanged", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/corrupt.html", nil)
		if resp.Header.Get("Content-Encoding") != "gzip" || !bytes.Equal(body, page) {
			t.Fatalf("a body that is not the gzip it claims must pass as it came (Content-Encoding %q, %d bytes)", resp.Header.Get("Content-Encoding"), len(body))
		}
	})

	t.Run("chunked-streams", func(t *testing.T) {
		req, _ := http.NewRequest("GET", base+"/chunked.html", nil)
		req.Header.Set("Accept", "text/html")
		resp, err := rawClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		// The first half must arrive while the upstream still holds the rest.
		got := make([]byte, 0, len(page)+4096)
		buf := make([]byte, 4096)
		deadline := time.Now().Add(5 * time.Second)
		for len(got) < len(page)/4 {
			if time.Now().After(deadline) {
				t.Fatal("first bytes did not arrive before the upstream finished: the response is buffered")
			}
			n, err := resp.Body.Read(buf)
			got = append(got, buf[:n]...)
			if err != nil {
				t.Fatalf("reading: %v", err)
			}
		}
		close(up.release)
		rest, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		assertPageWithBanner(t, page, append(got, rest...), bodyAt)
	})

	untouched := []struct {
		name, path, method string
		status             int
	}{
		{"png", "/logo.png", "GET", 200},
		{"utf16", "/utf16.html", "GET", 200},
		{"204", "/nocontent", "GET", 204},
		{"304", "/notmodified", "GET", 304},
		{"206", "/partial.html", "GET", 206},
		{"event-stream", "/events", "GET", 200},
	}
	for _, c := range untouched {
		t.Run("untouched-"+c.name, func(t *testing.T) {
			direct, want := get(t, c.method, up.URL+c.path, nil)
			resp, body := get(t, c.method, base+c.path, nil)
			if resp.StatusCode != c.status || direct.StatusCode != c.status {
				t.Fatalf("status %d via Caddy, %d direct; want %d", resp.StatusCode, direct.StatusCode, c.status)
			}
			if !bytes.Equal(body, want) {
				t.Fatalf("body changed:\nwant %q\n got %q", snippet(want, 0), snippet(body, 0))
			}
			if cl := direct.Header.Get("Content-Length"); cl != "" && resp.Header.Get("Content-Length") != cl {
				t.Errorf("Content-Length %q, upstream said %q", resp.Header.Get("Content-Length"), cl)
			}
		})
	}
}

// TestFileServerReadFrom proves the rewriter sees file_server's bytes: it copies
// with io.CopyN, which a writer that only overrides Write never notices.
func TestFileServerReadFrom(t *testing.T) {
	dir := t.TempDir()
	page := []byte("<!doctype html><html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id=G-DEMO000000\"></script></head><body><p>Hei</p></body></html>")
	if err := os.WriteFile(filepath.Join(dir, "index.html"), page, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent {
		secret 0123456789abcdef0123456789abcdef
	}
	root * %s
	file_server
}
`, dir))
	_, body := get(t, "GET", srv.URL(1)+"/", nil)
	if bytes.Contains(body, []byte(` src="https://www.googletagmanager.com`)) {
		t.Fatalf("file_server response still loads gtag.js:\n%s", body)
	}
	if !bytes.Contains(body, []byte(`data-consent-category="analytics"`)) || !bytes.Contains(body, []byte("data-consent-banner")) {
		t.Fatalf("file_server response was not rewritten:\n%s", body)
	}
}
