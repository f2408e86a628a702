// Command upstream is the origin server of the through-Caddy benchmarks
// (bench/run.sh): it serves the HTML fixtures from memory, with
// Content-Length, so that the proxy in front of it is what gets measured.
//
//	/wp.html            testdata/pages/wordpress-median.html (~121 KB, no trackers)
//	/trackers.html      testdata/pages/wordpress-trackers.html (~135 KB, 31 trackers)
//	/big.html           the median page's body repeated to -big bytes (default 11 MiB), one </body>
//	/slow.html          /big.html dripped in 32 KiB pieces every 10 ms, with Content-Length
//	/slow-chunked.html  the same drip without Content-Length, as PHP output arrives
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (loopback only)")
	pages := flag.String("pages", "testdata/pages", "directory holding the fixtures")
	bigSize := flag.Int("big", 11<<20, "size of /big.html in bytes")
	piece := flag.Int("piece", 32<<10, "bytes per write of the slow pages")
	every := flag.Duration("every", 10*time.Millisecond, "pause between writes of the slow pages")
	flag.Parse()

	h, err := newHandler(*pages, *bigSize, *piece, *every)
	if err != nil {
		log.Fatalf("upstream: %v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatalf("upstream: %v", err)
	}
	// run.sh reads the chosen port from the first line of stdout.
	fmt.Println(ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(srv.Serve(ln))
}

// handler serves every fixture from memory.
type handler struct {
	static map[string][]byte
	slow   []byte
	piece  int
	every  time.Duration
}

func newHandler(dir string, bigSize, piece int, every time.Duration) (*handler, error) {
	median, err := os.ReadFile(filepath.Join(dir, "wordpress-median.html"))
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	trackers, err := os.ReadFile(filepath.Join(dir, "wordpress-trackers.html"))
	if err != nil {
		return nil, fmt.Errorf("reading fixture: %w", err)
	}
	big, err := repeatBody(median, bigSize)
	if err != nil {
		return nil, fmt.Errorf("building the big page: %w", err)
	}
	if piece <= 0 {
		return nil, errors.New("piece must be positive")
	}
	return &handler{
		static: map[string][]byte{"/wp.html": median, "/trackers.html": trackers, "/big.html": big},
		slow:   big,
		piece:  piece,
		every:  every,
	}, nil
}

// repeatBody makes a page of at least size bytes from page: its head once, the
// content of its <body> as many times as needed, and its closing tags once, so
// the result is still one document with one </body>.
func repeatBody(page []byte, size int) ([]byte, error) {
	open := bytes.Index(page, []byte("<body"))
	if open < 0 {
		return nil, errors.New("page has no <body>")
	}
	gt := bytes.IndexByte(page[open:], '>')
	if gt < 0 {
		return nil, errors.New("page has an unterminated <body> tag")
	}
	start := open + gt + 1
	end := bytes.LastIndex(page, []byte("</body>"))
	if end < start {
		return nil, errors.New("page has no </body> after <body>")
	}
	head, body, tail := page[:start], page[start:end], page[end:]
	if len(body) == 0 {
		return nil, errors.New("page has an empty body")
	}
	out := make([]byte, 0, size+len(body)+len(tail))
	out = append(append(out, head...), body...)
	for len(out)+len(tail) < size {
		out = append(out, body...)
	}
	return append(out, tail...), nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Content-Type", "text/html; charset=UTF-8")
	if b, ok := h.static[r.URL.Path]; ok {
		hdr.Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
		return
	}
	switch r.URL.Path {
	case "/slow.html":
		hdr.Set("Content-Length", strconv.Itoa(len(h.slow)))
		h.drip(w, r)
	case "/slow-chunked.html":
		h.drip(w, r)
	default:
		http.NotFound(w, r)
	}
}

// drip writes the big page a piece at a time, flushing each piece, until the
// client goes away.
func (h *handler) drip(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	t := time.NewTicker(h.every)
	defer t.Stop()
	for off := 0; off < len(h.slow); off += h.piece {
		if off > 0 {
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			}
		}
		if _, err := w.Write(h.slow[off:min(off+h.piece, len(h.slow))]); err != nil {
			return
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}
