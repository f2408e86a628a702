package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		q      float64
		want   time.Duration
	}{
		{"empty", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of four is the second", ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond},
		{"p99 of 100 is the 99th", ms(seq(100)...), 0.99, 99 * time.Millisecond},
		{"p99.9 of 100 is the max", ms(seq(100)...), 0.999, 100 * time.Millisecond},
		{"max", ms(1, 5, 9), 1, 9 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.q); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}

func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestHeadersFlag(t *testing.T) {
	h := headers{}
	for _, s := range []string{"Accept: text/html", "accept-encoding:gzip", "Accept: */*"} {
		if err := h.Set(s); err != nil {
			t.Fatal(err)
		}
	}
	if got := http.Header(h).Values("Accept"); len(got) != 2 || got[0] != "text/html" {
		t.Errorf("Accept = %q", got)
	}
	if got := http.Header(h).Get("Accept-Encoding"); got != "gzip" {
		t.Errorf("Accept-Encoding = %q", got)
	}
	for _, bad := range []string{"no colon", ": empty name"} {
		if err := h.Set(bad); err == nil {
			t.Errorf("Set(%q): want an error", bad)
		}
	}
}

// A server slower than the rate must show queueing delay in the latencies:
// a closed-loop tool would report about one service time for each request.
func TestOpenLoopCountsQueueing(t *testing.T) {
	const service = 20 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") != "text/html" {
			http.Error(w, "no Accept", http.StatusBadRequest)
			return
		}
		time.Sleep(service)
	}))
	defer srv.Close()
	hdr := http.Header{"Accept": {"text/html"}}

	// 100 requests/s on one connection that serves 50/s: request i waits
	// about i*10 ms behind the others.
	res := openLoop(newClient(1, false), srv.URL, hdr, 100, 0, 300*time.Millisecond, 1)
	if res.sent != 30 || len(res.done) != 30 || res.errors != 0 || res.unfinished != 0 {
		t.Fatalf("sent %d, ok %d, errors %d, unfinished %d; want 30 ok", res.sent, len(res.done), res.errors, res.unfinished)
	}
	if p50 := percentile(res.done, 0.5); p50 < 3*service {
		t.Errorf("p50 = %v, want >= %v: queueing is not counted", p50, 3*service)
	}
	if max := percentile(res.done, 1); max < 10*service {
		t.Errorf("max = %v, want >= %v", max, 10*service)
	}
	// 30 requests took at least 30 service times: the achieved rate is the
	// server's, not the schedule's.
	if got, limit := res.achieved(), float64(time.Second/service); got > limit*1.05 {
		t.Errorf("achieved %.0f/s, want <= %.0f/s", got, limit)
	}

	// Errors are counted apart from latencies; the warmup is not measured.
	res = openLoop(newClient(4, false), srv.URL, nil, 100, 100*time.Millisecond, 100*time.Millisecond, 4)
	if res.sent != 10 || res.errors != 10 || len(res.done) != 0 {
		t.Errorf("without Accept: sent %d, errors %d, ok %d; want 10 errors", res.sent, res.errors, len(res.done))
	}
}

func TestTimeFirstBytes(t *testing.T) {
	const stall = 200 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><head><title>x</title></he"))
		http.NewResponseController(w).Flush()
		time.Sleep(stall)
		_, _ = w.Write([]byte("ad><body>hi</body></html>"))
	}))
	defer srv.Close()
	got, err := timeFirstBytes(srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got.firstByte <= 0 || got.firstBody < got.firstByte || got.headEnd < got.firstBody {
		t.Errorf("times out of order: %+v", got)
	}
	if got.headEnd < stall {
		t.Errorf("</head> split across writes seen after %v, want >= %v", got.headEnd, stall)
	}
	if got.firstBody >= stall {
		t.Errorf("first body byte after %v: the first write was not timed", got.firstBody)
	}
}
