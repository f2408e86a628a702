// Command load is the open-loop load generator and first-byte timer of the
// through-Caddy benchmarks (bench/run.sh). Debian has wrk but not wrk2, and
// wrk's closed loop hides queueing delay (coordinated omission), so latency at
// a fixed rate is measured here.
//
//	load rate -url U -rate R [-duration 10s] [-warmup 1s] [-conns 64] [-H 'K: V']...
//	load ttfb -url U [-n 10] [-H 'K: V']...
//
// rate sends R requests/s on a fixed schedule whatever the server does, and
// times every request from the moment it was due to be sent, not from when a
// connection became free: a server that stalls is charged for every request
// that waited behind the stall.
//
// ttfb opens a fresh connection per run and times the first response byte, the
// first body byte and the end of </head>, then hangs up.
//
// Both print one line of key=value pairs that run.sh parses.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: load rate|ttfb [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "rate":
		err = runRate(os.Args[2:])
	case "ttfb":
		err = runTTFB(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q (want rate or ttfb)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// headers is a repeatable -H 'Name: value' flag.
type headers http.Header

func (h headers) String() string { return fmt.Sprint(http.Header(h)) }

func (h headers) Set(s string) error {
	k, v, ok := strings.Cut(s, ":")
	if !ok || strings.TrimSpace(k) == "" {
		return fmt.Errorf("header %q: want 'Name: value'", s)
	}
	http.Header(h).Add(strings.TrimSpace(k), strings.TrimSpace(v))
	return nil
}

func runRate(args []string) error {
	fs := flag.NewFlagSet("rate", flag.ContinueOnError)
	url := fs.String("url", "", "URL to load")
	rate := fs.Float64("rate", 0, "requests per second")
	duration := fs.Duration("duration", 10*time.Second, "measured time")
	warmup := fs.Duration("warmup", time.Second, "time at the same rate before measuring")
	conns := fs.Int("conns", 64, "most connections (and requests in flight)")
	hdr := headers{}
	fs.Var(hdr, "H", "request header 'Name: value' (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *rate <= 0 || *conns <= 0 {
		return errors.New("rate: -url, a positive -rate and -conns are required")
	}
	client := newClient(*conns, false)
	res := openLoop(client, *url, http.Header(hdr), *rate, *warmup, *duration, *conns)
	fmt.Println(res)
	return nil
}

// result is what an open-loop run measured.
type result struct {
	target     float64         // requests/s asked for
	sent       int             // measured requests scheduled
	done       []time.Duration // latency of each completed measured request, sorted
	errors     int             // failed or non-2xx
	unfinished int             // still outstanding at the deadline
	duration   time.Duration
	span       time.Duration // from the first measured due time to the last measured completion
}

func (r result) String() string {
	ms := func(q float64) string {
		return fmt.Sprintf("%.3f", float64(percentile(r.done, q))/float64(time.Millisecond))
	}
	return fmt.Sprintf("target_rps=%.0f sent=%d ok=%d errors=%d unfinished=%d achieved_rps=%.0f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s max_ms=%s",
		r.target, r.sent, len(r.done), r.errors, r.unfinished, r.achieved(),
		ms(0.50), ms(0.90), ms(0.99), ms(0.999), ms(1))
}

// achieved is the rate at which measured requests completed: below the
// target when the server could not keep up and a backlog drained after the
// schedule ended.
func (r result) achieved() float64 {
	if r.span <= 0 {
		return 0
	}
	return float64(len(r.done)) / max(r.span, r.duration).Seconds()
}

// openLoop sends requests on a fixed schedule for warmup+duration and times
// those due after the warmup.
func openLoop(client *http.Client, url string, hdr http.Header, rate float64, warmup, duration time.Duration, workers int) result {
	interval := time.Duration(float64(time.Second) / rate)
	total := int((warmup + duration) / interval)
	measureFrom := int(warmup / interval)

	type job struct {
		due     time.Time
		measure bool
	}
	jobs := make(chan job, total)
	var (
		mu  sync.Mutex
		res = result{target: rate, duration: duration}
		wg  sync.WaitGroup
	)
	start := time.Now()
	measureStart := start.Add(time.Duration(measureFrom) * interval)
	deadline := start.Add(warmup + duration + 10*time.Second)
	ctx, cancel := context.WithDeadline(context.Background(), deadline)
	defer cancel()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				err := fetch(ctx, client, url, hdr)
				now := time.Now()
				lat := now.Sub(j.due)
				if !j.measure {
					continue
				}
				mu.Lock()
				res.span = max(res.span, now.Sub(measureStart))
				switch {
				case ctx.Err() != nil: // the deadline passed while it waited or ran
					res.unfinished++
				case err != nil:
					res.errors++
				default:
					res.done = append(res.done, lat)
				}
				mu.Unlock()
			}
		}()
	}
	// Hand out every request that has fallen due on each wake-up, so a late
	// wake-up (a busy machine) sends a burst instead of shifting the schedule.
	for i := 0; i < total; {
		now := time.Now()
		for ; i < total; i++ {
			due := start.Add(time.Duration(i) * interval)
			if due.After(now) {
				break
			}
			jobs <- job{due: due, measure: i >= measureFrom}
			if i >= measureFrom {
				res.sent++
			}
		}
		if i < total {
			time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		}
	}
	close(jobs)
	wg.Wait()
	slices.Sort(res.done)
	return res
}

func fetch(ctx context.Context, client *http.Client, url string, hdr http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	req.Header = hdr.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// newClient keeps up to conns connections open and never decompresses, so
// the bytes timed are the bytes the server sent.
func newClient(conns int, fresh bool) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
		DisableKeepAlives:   fresh,
		ForceAttemptHTTP2:   false,
	}}
}

// percentile is the q-quantile (0 < q <= 1) of sorted latencies by the
// nearest-rank method; 0 when there are none.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(q*float64(len(sorted)) + 0.999999999)
	return sorted[min(max(rank, 1), len(sorted))-1]
}

func runTTFB(args []string) error {
	fs := flag.NewFlagSet("ttfb", flag.ContinueOnError)
	url := fs.String("url", "", "URL to time")
	n := fs.Int("n", 10, "runs")
	hdr := headers{}
	fs.Var(hdr, "H", "request header 'Name: value' (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *n <= 0 {
		return errors.New("ttfb: -url and a positive -n are required")
	}
	var first, body, head []time.Duration
	for range *n {
		t, err := timeFirstBytes(*url, http.Header(hdr))
		if err != nil {
			return err
		}
		first = append(first, t.firstByte)
		body = append(body, t.firstBody)
		head = append(head, t.headEnd)
	}
	fmt.Printf("runs=%d first_byte_mean_ms=%.3f first_byte_p50_ms=%.3f first_body_mean_ms=%.3f head_end_mean_ms=%.3f head_end_p50_ms=%.3f\n",
		*n, msMean(first), msMedian(first), msMean(body), msMean(head), msMedian(head))
	return nil
}

// firstBytes are the times from sending a request to its first response byte,
// its first body byte and the end of </head>.
type firstBytes struct{ firstByte, firstBody, headEnd time.Duration }

func timeFirstBytes(url string, hdr http.Header) (firstBytes, error) {
	var t firstBytes
	client := newClient(1, true)
	defer client.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return t, err
	}
	req.Header = hdr.Clone()
	var start time.Time
	trace := &httptrace.ClientTrace{
		WroteRequest:         func(httptrace.WroteRequestInfo) { start = time.Now() },
		GotFirstResponseByte: func() { t.firstByte = time.Since(start) },
	}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	resp, err := client.Do(req)
	if err != nil {
		return t, err
	}
	// Closing early hangs up on the dripping page instead of reading it all.
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return t, fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	marker := []byte("</head>")
	buf := make([]byte, 32<<10)
	var tail []byte // the last bytes read, so a marker split across reads is found
	for {
		n, err := resp.Body.Read(buf)
		if n > 0 {
			if t.firstBody == 0 {
				t.firstBody = time.Since(start)
			}
			tail = append(tail, buf[:n]...)
			if bytes.Contains(tail, marker) {
				t.headEnd = time.Since(start)
				return t, nil
			}
			tail = tail[max(0, len(tail)-len(marker)+1):]
		}
		if err == io.EOF {
			return t, fmt.Errorf("%s: no </head> in the body", url)
		}
		if err != nil {
			return t, err
		}
	}
}

func msMean(d []time.Duration) float64 {
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	return float64(sum) / float64(len(d)) / float64(time.Millisecond)
}

func msMedian(d []time.Duration) float64 {
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(percentile(s, 0.5)) / float64(time.Millisecond)
}
