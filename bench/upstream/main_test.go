package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

func TestRepeatBody(t *testing.T) {
	page := []byte("<!doctype html><html><head><title>t</title></head><body class=x><p>hello</p></body>\n</html>\n")
	tests := []struct {
		name string
		size int
		reps int // how many times the body content appears
	}{
		{"smaller than the page", 10, 1},
		{"exactly two bodies", len(page) + len("<p>hello</p>"), 2},
		{"many", 1000, (1000-len(page))/len("<p>hello</p>") + 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := repeatBody(page, tt.size)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) < tt.size {
				t.Errorf("len = %d, want >= %d", len(got), tt.size)
			}
			for _, once := range []string{"<head>", "<body class=x>", "</body>", "</html>"} {
				if n := bytes.Count(got, []byte(once)); n != 1 {
					t.Errorf("%q appears %d times, want once", once, n)
				}
			}
			if n := bytes.Count(got, []byte("<p>hello</p>")); n < 1 || n > tt.reps {
				t.Errorf("body repeated %d times, want 1..%d", n, tt.reps)
			}
			if !bytes.HasSuffix(got, []byte("</body>\n</html>\n")) {
				t.Errorf("does not end with the page's closing tags: %q", got[len(got)-20:])
			}
		})
	}
}

func TestRepeatBodyRejects(t *testing.T) {
	for name, page := range map[string]string{
		"no body":         "<html><head></head></html>",
		"unterminated":    "<html><body class=",
		"no closing body": "<html><body><p>x</p></html>",
		"empty body":      "<html><body></body></html>",
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := repeatBody([]byte(page), 100); err == nil {
				t.Error("want an error")
			}
		})
	}
}

func TestHandler(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "pages")
	median, err := os.ReadFile(filepath.Join(dir, "wordpress-median.html"))
	if err != nil {
		t.Fatal(err)
	}
	const bigSize = 1 << 20
	h, err := newHandler(dir, bigSize, 4096, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	tests := []struct {
		path      string
		minLen    int
		wantCL    bool
		wantExact []byte
	}{
		{"/wp.html", len(median), true, median},
		{"/trackers.html", 100_000, true, nil},
		{"/big.html", bigSize, true, nil},
		{"/slow.html", bigSize, true, nil},
		{"/slow-chunked.html", bigSize, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != http.StatusOK {
				t.Fatalf("status %d", res.StatusCode)
			}
			if len(body) < tt.minLen {
				t.Errorf("body %d bytes, want >= %d", len(body), tt.minLen)
			}
			if tt.wantExact != nil && !bytes.Equal(body, tt.wantExact) {
				t.Error("body differs from the fixture")
			}
			cl := res.Header.Get("Content-Length")
			if tt.wantCL && cl != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %q, body %d bytes", cl, len(body))
			}
			if !tt.wantCL && cl != "" {
				t.Errorf("Content-Length %q on a chunked page", cl)
			}
			if n := bytes.Count(body, []byte("</body>")); n != 1 {
				t.Errorf("%d </body>, want 1", n)
			}
		})
	}

	res, err := http.Get(srv.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("unknown path: status %d, want 404", res.StatusCode)
	}
}
