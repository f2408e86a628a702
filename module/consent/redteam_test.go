package consent

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// TestRedTeamLows reproduces the low findings of the December 2026 security
// audit (research/security-audit-2026-12.md, L3–L6, L8, L10) through a real
// Caddy; each failed on the code before the fixes.
func TestRedTeamLows(t *testing.T) {
	const pageHTML = `<!DOCTYPE html><html><head><script async src="https://www.googletagmanager.com/gtag/js?id=G-X"></script></head><body><p>hei</p></body></html>`
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(pageHTML))
	zw.Close()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/noct":
			// No Content-Type at all, as legacy CGI sends (nil stops Go's
			// own server from sniffing one here; Caddy's would downstream).
			w.Header()["Content-Type"] = nil
			w.Write([]byte(pageHTML))
			return
		case "/ws":
			w.Header().Add("Set-Cookie", "_ga=GA1.2.3.4; Path=/")
			w.Header().Set("Upgrade", "websocket")
			w.Header().Set("Connection", "Upgrade")
			w.WriteHeader(http.StatusSwitchingProtocols)
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
			return
		case "/etag":
			w.Header().Set("Etag", `"v1"`)
			if strings.Contains(r.Header.Get("If-None-Match"), `"v1"`) {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		switch r.URL.Path {
		case "/badct":
			w.Header().Set("Content-Type", "text/html; charset=")
		case "/badct2":
			w.Header().Set("Content-Type", "text/html; charset=utf-8; q=0.5; q=1")
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		}
		switch r.URL.Path {
		case "/celist":
			w.Header().Set("Content-Encoding", "gzip, identity")
			w.Write(gz.Bytes())
		case "/mislabel-br":
			w.Header().Set("Content-Encoding", "br")
			w.Write([]byte(pageHTML))
		default:
			w.Header().Set("Cache-Control", "public, max-age=600")
			w.Write([]byte(pageHTML))
		}
	}))
	defer up.Close()
	srv := testcaddy.Start(t, fmt.Sprintf("http://127.0.0.1:{PORT} {\n\tconsent {\n\t\tsecret %s\n\t}\n\treverse_proxy %s\n}\n", secret, strings.TrimPrefix(up.URL, "http://")))
	base := srv.URL(1)
	rewritten := func(body []byte) bool {
		return bytes.Contains(body, []byte("data-consent-banner")) && !bytes.Contains(body, []byte(` src="https://www.googletagmanager.com`))
	}

	t.Run("L3 content types", func(t *testing.T) {
		for _, p := range []string{"/noct", "/badct", "/badct2", "/celist"} {
			resp, body := get(t, "GET", base+p, nil)
			if !rewritten(body) {
				t.Errorf("%s: page served with its tracker live and no banner (Content-Type %q, Content-Encoding %q)", p, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Encoding"))
			}
		}
	})
	t.Run("L10 mislabelled br passes unchanged", func(t *testing.T) {
		resp, body := get(t, "GET", base+"/mislabel-br", nil)
		if string(body) != pageHTML || resp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("a plain body labelled br: %q (Content-Encoding %q), want it unchanged", body, resp.Header.Get("Content-Encoding"))
		}
	})
	t.Run("L5 Upgrade header alone", func(t *testing.T) {
		_, body := get(t, "GET", base+"/", map[string]string{"Upgrade": "x"})
		if !rewritten(body) {
			t.Error("a request header Upgrade: x switched rewriting off")
		}
	})
	t.Run("L4 websocket 101 Set-Cookie", func(t *testing.T) {
		conn, err := net.Dial("tcp", srv.Addr(1))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", srv.Addr(1))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("status %d, want 101", resp.StatusCode)
		}
		for _, c := range resp.Header.Values("Set-Cookie") {
			if strings.HasPrefix(c, "_ga=GA1") {
				t.Errorf("_ga set on a 101 without consent: %q", c)
			}
		}
	})
	t.Run("L6 caching", func(t *testing.T) {
		resp, _ := get(t, "GET", base+"/", nil)
		vary := strings.Join(resp.Header.Values("Vary"), ",")
		for _, f := range []string{"Cookie", "Accept-Language", "Sec-GPC"} {
			if !strings.Contains(vary, f) {
				t.Errorf("undecided page: Vary %q lacks %s", vary, f)
			}
		}
		ck := decide(t, base, url.Values{"action": {"reject-all"}})
		resp, _ = page(t, base, ck, nil)
		if cc := resp.Header.Get("Cache-Control"); !strings.HasPrefix(cc, "private") {
			t.Errorf("decided-reject page: Cache-Control %q, want private", cc)
		}
		resp, _ = get(t, "GET", base+"/etag", nil)
		tag := resp.Header.Get("Etag")
		resp, _ = get(t, "GET", base+"/etag", map[string]string{"If-None-Match": tag})
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("Etag") != tag {
			t.Errorf("revalidation: %d with ETag %q, want 304 with %q", resp.StatusCode, resp.Header.Get("Etag"), tag)
		}
	})
	t.Run("L8 return keeps the query", func(t *testing.T) {
		_, body := get(t, "GET", base+"/?p=123", nil)
		if !bytes.Contains(body, []byte(`name="return" value="/?p=123"`)) {
			t.Error("the no-JS form does not return to /?p=123")
		}
	})
}
