package consent

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// countingWriter records every Write that reaches the client connection and
// which upstream write it happened during.
type countingWriter struct {
	h       http.Header
	body    bytes.Buffer
	writes  []int // sizes
	during  []int // upstream write index at the time
	flushes int
	current *int
}

func (c *countingWriter) Header() http.Header { return c.h }
func (c *countingWriter) WriteHeader(int)     {}
func (c *countingWriter) Flush()              { c.flushes++ }
func (c *countingWriter) Write(p []byte) (int, error) {
	c.writes = append(c.writes, len(p))
	c.during = append(c.during, *c.current)
	return c.body.Write(p)
}

// TestRewrittenResponseChunks: a rewritten page reaches the client in few,
// large writes (each becomes an HTTP/1.1 chunk and write(2) calls), yet the
// first upstream write is passed on at once and an upstream flush pushes out
// everything decided so far.
func TestRewrittenResponseChunks(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(pagesDir(), "wordpress-median.html"))
	if err != nil {
		t.Fatal(err)
	}
	h := provisioned(t)
	for _, flushEach := range []bool{false, true} {
		upstreamWrite := 0
		cw := &countingWriter{h: http.Header{}, current: &upstreamWrite}
		var sentAfterFirst, flushesAfterFirst int
		next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", "1") // wrong on purpose: it must be dropped
			w.WriteHeader(200)
			for p := page; len(p) > 0; upstreamWrite++ {
				n := min(len(p), 32<<10)
				if _, err := w.Write(p[:n]); err != nil {
					return err
				}
				if upstreamWrite == 0 {
					sentAfterFirst, flushesAfterFirst = cw.body.Len(), cw.flushes
				}
				if flushEach {
					if err := http.NewResponseController(w).Flush(); err != nil {
						return err
					}
					// Everything but an undecided construct is out.
					if held := (upstreamWrite+1)*(32<<10) - cw.body.Len(); n == 32<<10 && held > 4<<10 {
						t.Errorf("after upstream flush %d, %d bytes still held", upstreamWrite, held)
					}
				}
				p = p[n:]
			}
			return nil
		})
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept", "text/html")
		req = caddyhttp.PrepareRequest(req, caddy.NewReplacer(), nil, nil)
		if err := h.ServeHTTP(cw, req, next); err != nil {
			t.Fatal(err)
		}
		if cw.h.Get("Content-Length") != "" {
			t.Errorf("Content-Length %q kept", cw.h.Get("Content-Length"))
		}
		out := cw.body.Bytes()
		at := bytes.Index(out, []byte("data-consent-banner"))
		if at < 0 || !bytes.HasPrefix(out, page[:bytes.LastIndex(page, []byte("</body>"))]) {
			t.Fatalf("flushEach=%v: output is not the page with the banner before </body>", flushEach)
		}
		if sentAfterFirst < 30<<10 || flushesAfterFirst == 0 {
			t.Errorf("flushEach=%v: %d bytes and %d flushes reached the client during the first upstream write", flushEach, sentAfterFirst, flushesAfterFirst)
		}
		if flushEach {
			continue
		}
		// 121 KB in 32 KiB upstream writes: the first write, one full span
		// buffer, and the rest at the end, instead of one chunk or more per
		// upstream write.
		if max := 1 + len(out)/spanBufferSize + 1; len(cw.writes) > max {
			t.Errorf("%d writes to the client %v, want at most %d", len(cw.writes), cw.writes, max)
		}
		for i, n := range cw.writes[1 : len(cw.writes)-1] {
			if n < spanBufferSize {
				t.Errorf("write %d of %d bytes: middle writes should fill the %d-byte buffer", i+1, n, spanBufferSize)
			}
		}
	}
}

// TestShortUpstreamWriteLeaves: a dripping upstream (a short write, then a
// pause) gets its bytes to the client at once, as plain proxying would, not
// after its next piece.
func TestShortUpstreamWriteLeaves(t *testing.T) {
	page, err := os.ReadFile(filepath.Join(pagesDir(), "wordpress-median.html"))
	if err != nil {
		t.Fatal(err)
	}
	h := provisioned(t)
	upstreamWrite := 0
	cw := &countingWriter{h: http.Header{}, current: &upstreamWrite}
	sizes := []int{4 << 10, 32 << 10, 32 << 10, 9 << 10, 32 << 10} // the 9 KiB one is short
	next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(200)
		sent := 0
		for _, n := range sizes {
			if _, err := w.Write(page[sent : sent+n]); err != nil {
				return err
			}
			sent += n
			if held := sent - cw.body.Len(); n == 9<<10 && held > 1<<10 {
				t.Errorf("after the short upstream write, %d of %d bytes are still held", held, sent)
			}
			if held := sent - cw.body.Len(); upstreamWrite == 1 && held < 30<<10 {
				t.Errorf("full upstream writes should be gathered, only %d bytes held after the second", held)
			}
			upstreamWrite++
		}
		_, err := w.Write(page[sent:])
		return err
	})
	req := httptest.NewRequest("GET", "/", nil)
	req.Header.Set("Accept", "text/html")
	req = caddyhttp.PrepareRequest(req, caddy.NewReplacer(), nil, nil)
	if err := h.ServeHTTP(cw, req, next); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(cw.body.Bytes(), page[:bytes.LastIndex(page, []byte("</body>"))]) {
		t.Fatal("output is not the page")
	}
}
