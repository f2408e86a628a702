package consent

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// discard is a ResponseWriter that keeps nothing, so the benchmark measures
// the handler and not a recorder's buffer.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Flush()                      {} // as Caddy's writer does

func provisioned(b testing.TB) *Handler {
	b.Helper()
	ctx, cancel := caddy.NewContext(caddy.Context{Context: b.Context()})
	b.Cleanup(cancel)
	// The saved pages' own host, and WordPress's emoji CDN: what an operator
	// of that site adds for unknown_hosts hold.
	h := &Handler{Secret: secret, FirstParty: []string{"nordlyskaffe.example"}, Allow: []string{"s.w.org"}}
	if err := h.Provision(ctx); err != nil {
		b.Fatal(err)
	}
	if err := h.Validate(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = h.Cleanup() })
	return h
}

// BenchmarkHandler serves a page through the whole handler (state, firewall,
// rewriter, banner) as reverse_proxy would deliver it: 32 KiB writes. The
// Passthrough case is the same next handler without the module, the baseline.
func BenchmarkHandler(b *testing.B) {
	for _, name := range []string{"wordpress-median.html", "wordpress-trackers.html"} {
		page, err := os.ReadFile(filepath.Join(pagesDir(), name))
		if err != nil {
			b.Fatal(err)
		}
		next, req := pageUpstream(page), pageRequest()

		b.Run(name+"/passthrough", func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				_ = next.ServeHTTP(&discard{h: http.Header{}}, req)
			}
		})
		b.Run(name+"/consent", func(b *testing.B) {
			h := provisioned(b)
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			for b.Loop() {
				r := req.Clone(req.Context())
				if err := h.ServeHTTP(&discard{h: http.Header{}}, r, next); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// pageUpstream answers with page as reverse_proxy delivers it: 32 KiB writes.
func pageUpstream(page []byte) caddyhttp.Handler {
	return caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(200)
		for p := page; len(p) > 0; {
			n := min(len(p), 32<<10)
			w.Write(p[:n])
			p = p[n:]
		}
		return nil
	})
}

// pageRequest is a browser's navigation to the fixtures' own site: they are
// pages of nordlyskaffe.example, whose own scripts are first party.
func pageRequest() *http.Request {
	req := httptest.NewRequest("GET", "http://nordlyskaffe.example/", nil)
	req.Header.Set("Accept", "text/html")
	return caddyhttp.PrepareRequest(req, caddy.NewReplacer(), nil, nil)
}
