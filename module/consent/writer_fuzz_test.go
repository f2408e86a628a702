package consent

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
)

// strictWriter is the client's side of a response. It fails the test when
// anything touches it after the handler returned: net/http's response is gone
// by then, and a write into it crashes the process (security audit H1).
type strictWriter struct {
	t      *testing.T
	mu     sync.Mutex
	h      http.Header
	status int
	body   bytes.Buffer
	done   bool
	fail   bool // the client is gone: writes fail
}

func (w *strictWriter) touch(what string) {
	if w.done {
		w.t.Errorf("%s after the handler returned", what)
	}
}
func (w *strictWriter) Header() http.Header { return w.h }
func (w *strictWriter) WriteHeader(s int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.touch("WriteHeader")
	if w.status == 0 || s < 200 && w.status < 200 {
		w.status = s
	}
}
func (w *strictWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.touch("Write")
	if w.fail {
		return 0, errors.New("write: broken pipe")
	}
	return w.body.Write(p)
}
func (w *strictWriter) Flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.touch("Flush")
}
func (w *strictWriter) finish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.done = true
}

var (
	fuzzTypes = []string{"text/html; charset=utf-8", "", "text/html; charset=", "image/png", "text/html; charset=utf-16",
		"text/event-stream", "TEXT/HTML", "text/html; charset=utf-8; x"}
	fuzzEncodings = []string{"", "gzip", "deflate", "br", "zstd", "identity", "gzip, identity", "compress"}
	fuzzStatuses  = []int{200, 200, 404, 500, 204, 206, 304, 103, 101, 302}
	fuzzMethods   = []string{"GET", "GET", "HEAD", "POST", "PUT"}
)

// FuzzResponseWriter drives the response writer through orderings of header,
// write, flush, ReadFrom, abort and error that a handler below may produce,
// over every encoding and status. Whatever happens, nothing may touch the
// client's writer after the handler returned, the only panic that may leave
// is the one the handler below raised, and a response that passes untouched
// must arrive byte for byte.
func FuzzResponseWriter(f *testing.F) {
	gz := chaosEncode("gzip", []byte(`<html><head><script src="https://www.google-analytics.com/analytics.js"></script></head><body>hei</body></html>`))
	f.Add(byte(0), byte(1), byte(0), []byte("\x01\x00\x02"), gz)
	f.Add(byte(0), byte(1), byte(0), []byte("\x02\x05"), gz[:len(gz)/2]) // cut, then abort
	f.Add(byte(0), byte(0), byte(0), []byte("\x02\x03\x02\x06"), []byte("<p>x</p>"))
	f.Add(byte(3), byte(0), byte(0), []byte("\x02\x04"), []byte("\x89PNG"))
	f.Add(byte(1), byte(0), byte(7), []byte("\x00\x02"), []byte("<html>no type</html>"))
	f.Add(byte(0), byte(2), byte(1), []byte("\x02\x07\x02"), []byte("not deflate at all"))
	h := provisioned(f)
	f.Fuzz(func(t *testing.T, ti, ei, si byte, ops []byte, body []byte) {
		if len(ops) > 32 || len(body) > 64<<10 {
			return
		}
		ctype := fuzzTypes[int(ti)%len(fuzzTypes)]
		enc := fuzzEncodings[int(ei)%len(fuzzEncodings)]
		status := fuzzStatuses[int(si)%len(fuzzStatuses)]
		method := fuzzMethods[int(ti/8)%len(fuzzMethods)]
		client := &strictWriter{t: t, h: http.Header{}}
		errNext := errors.New("upstream failed")
		var written bytes.Buffer // what the handler below wrote, in order
		aborted, returnedErr := false, false
		next := caddyhttp.HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			if ctype != "" {
				w.Header().Set("Content-Type", ctype)
			}
			if enc != "" {
				w.Header().Set("Content-Encoding", enc)
			}
			w.Header().Set("Set-Cookie", "_ga=GA1.2.3.4; Path=/")
			rest := body
			for _, op := range ops {
				switch op % 8 {
				case 0:
					w.WriteHeader(status)
				case 1, 2:
					n := min(len(rest), 1+int(op/8)*97)
					written.Write(rest[:n])
					if _, err := w.Write(rest[:n]); err != nil {
						aborted = true
						panic(http.ErrAbortHandler) // as reverse_proxy does on a write error
					}
					rest = rest[n:]
				case 3:
					http.NewResponseController(w).Flush()
				case 4:
					if rf, ok := w.(io.ReaderFrom); ok {
						written.Write(rest)
						if _, err := rf.ReadFrom(bytes.NewReader(rest)); err != nil {
							aborted = true
							panic(http.ErrAbortHandler)
						}
						rest = nil
					}
				case 5:
					aborted = true
					http.NewResponseController(w).Flush()
					panic(http.ErrAbortHandler)
				case 6:
					client.mu.Lock()
					client.fail = true
					client.mu.Unlock()
				case 7:
					returnedErr = true
					return errNext
				}
			}
			return nil
		})
		req := httptest.NewRequest(method, "http://nordlyskaffe.example/side?p=1", nil)
		req.Header.Set("Accept", "text/html")
		req = caddyhttp.PrepareRequest(req, caddy.NewReplacer(), nil, nil)
		var recovered any
		var err error
		func() {
			defer func() { recovered = recover() }()
			err = h.ServeHTTP(client, req, next)
		}()
		client.finish()
		switch {
		case recovered != nil && recovered != http.ErrAbortHandler:
			t.Fatalf("unexpected panic: %v", recovered)
		case recovered != nil && !aborted:
			t.Fatalf("a panic nobody raised: %v", recovered)
		case err != nil && !errors.Is(err, errNext) && !client.fail:
			t.Fatalf("unexpected error: %v", err)
		}
		// A response the module leaves alone arrives as it was written.
		if recovered == nil && !returnedErr && !client.fail && enc == "" && !strings.Contains(strings.ToLower(ctype), "html") && ctype != "" && method != "HEAD" {
			if !bytes.Equal(client.body.Bytes(), written.Bytes()) {
				t.Fatalf("a %q response did not pass byte for byte", ctype)
			}
		}
		// The tracker cookie never passes without consent.
		for _, c := range client.h.Values("Set-Cookie") {
			if strings.HasPrefix(c, "_ga=GA1") {
				t.Fatalf("_ga reached the client without consent: %q", c)
			}
		}
	})
}
