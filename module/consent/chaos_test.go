package consent

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/fcgi"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"

	"github.com/samtykke/caddy-consent/internal/testcaddy"
)

// A legacy backend that dies mid-page is an ordinary event: the chaos test
// throws cut, reset, stalled and corrupt bodies, plain and compressed, at a
// real Caddy with the module, under concurrent clients that also hang up,
// behind reverse_proxy, reverse_proxy + encode, and php_fastcgi. Afterwards
// the process must be alive, its goroutines and heap back near where they
// started, and every response that completed must be byte-correct.

// chaosEncodings are the Content-Encodings the backend sends, ignoring what
// the request asked for, as a backend that compresses anyway does.
var chaosEncodings = []string{"identity", "gzip", "deflate", "br", "zstd"}

// chaosModes are how a response goes. Those in intactModes deliver the whole
// body; the rest never do.
var chaosModes = []string{"ok", "drip", "stall-short", "cut", "reset", "stall", "corrupt", "mislabel"}

var intactModes = map[string]bool{"ok": true, "drip": true, "stall-short": true}

func chaosEncode(enc string, page []byte) []byte {
	var b bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "identity":
		return page
	case "gzip":
		w = gzip.NewWriter(&b)
	case "deflate":
		w = zlib.NewWriter(&b)
	case "br":
		w = brotli.NewWriter(&b)
	case "zstd":
		w, _ = zstd.NewWriter(&b)
	}
	w.Write(page)
	w.Close()
	return b.Bytes()
}

// chaosBackend answers /?m=<mode>&e=<encoding>&s=<seed>.
type chaosBackend struct {
	page    []byte
	encoded map[string][]byte
}

func newChaosBackend(page []byte) *chaosBackend {
	b := &chaosBackend{page: page, encoded: map[string][]byte{}}
	// A long page for the slow mode: the visitor hangs up long before its end.
	big := bytes.Repeat(page, 16)
	for _, e := range chaosEncodings {
		b.encoded[e] = chaosEncode(e, page)
		b.encoded["big-"+e] = chaosEncode(e, big)
	}
	return b
}

func (b *chaosBackend) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	mode, enc := q.Get("m"), q.Get("e")
	seed, _ := strconv.ParseUint(q.Get("s"), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 7))
	if enc == "auto" {
		// Compresses only when asked, as mod_deflate, nginx and PHP's
		// zlib.output_compression do.
		enc = "identity"
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			enc = "gzip"
		}
	}
	body, ok := b.encoded[enc]
	if !ok {
		http.Error(w, "bad encoding", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if enc != "identity" {
		w.Header().Set("Content-Encoding", enc)
	}
	fcgiReq := r.Header.Get("X-Chaos-Fcgi") != ""
	cut := 1 + rng.IntN(len(body)-1)
	switch mode {
	case "ok":
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	case "drip":
		for i := 0; i < len(body); {
			n := min(len(body)-i, 1+rng.IntN(9000))
			w.Write(body[i : i+n])
			http.NewResponseController(w).Flush()
			i += n
			if rng.IntN(4) == 0 {
				time.Sleep(time.Millisecond)
			}
		}
	case "slow":
		// A long page generated progressively: 16 KiB every 10 ms.
		body = b.encoded["big-"+enc]
		for i := 0; i < len(body); i += 16 << 10 {
			if _, err := w.Write(body[i:min(len(body), i+16<<10)]); err != nil {
				return
			}
			http.NewResponseController(w).Flush()
			time.Sleep(10 * time.Millisecond)
		}
	case "stall-short":
		w.Write(body[:cut])
		http.NewResponseController(w).Flush()
		time.Sleep(time.Duration(50+rng.IntN(200)) * time.Millisecond)
		w.Write(body[cut:])
	case "cut":
		// Content-Length promises more than comes: net/http drops the
		// connection when the handler returns short.
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body[:cut])
	case "reset":
		if fcgiReq {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		w.Write(body[:cut])
		http.NewResponseController(w).Flush()
		if fcgiReq {
			// A FastCGI child that dies: the record stream ends short of
			// the length it announced (set below before the first write).
			return
		}
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // RST, not FIN
			}
			conn.Close()
		}
	case "stall":
		// Headers and part of the body, then nothing until the client or
		// Caddy gives up.
		w.Write(body[:cut])
		http.NewResponseController(w).Flush()
		// A FastCGI child never learns that Caddy gave up (Caddy's fastcgi
		// transport keeps reading until the child answers), so its stall is
		// shorter: the run must end with every request finished.
		limit := 20 * time.Second
		if fcgiReq {
			limit = 2 * time.Second
		}
		select {
		case <-r.Context().Done():
		case <-time.After(limit):
		}
	case "corrupt":
		// A compressed body that goes bad halfway: bytes flipped after the cut.
		bad := bytes.Clone(body)
		for i := cut; i < len(bad); i += 1 + rng.IntN(64) {
			bad[i] ^= byte(1 + rng.IntN(255))
		}
		w.Write(bad)
	case "mislabel":
		// Labelled as compressed, sent plain.
		w.Write(b.page)
	}
}

// chaosPage is a real WordPress page with trackers, so the rewriter works.
func chaosPage(t *testing.T) []byte {
	t.Helper()
	page, err := os.ReadFile(filepath.Join(pagesDir(), "wordpress-trackers.html"))
	if err != nil {
		t.Fatalf("chaos page fixture: %v", err)
	}
	return page
}

// chaosResult is what a client saw of one response.
type chaosResult struct {
	complete bool // the whole response arrived, framing intact
	status   int
	body     []byte // decoded from the wire's Content-Encoding
}

// chaosFetch makes one request. abortAfter > 0 hangs up after that many body
// bytes, resetting the connection.
func chaosFetch(ctx context.Context, addr, target string, hdr http.Header, abortAfter int) (chaosResult, error) {
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return chaosResult{}, err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+target, nil)
	req.Header = hdr
	req.Close = true
	if err := req.Write(conn); err != nil {
		return chaosResult{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return chaosResult{}, err
	}
	res := chaosResult{status: resp.StatusCode}
	if abortAfter > 0 {
		// Hang up mid-body with a reset. (resp.Body.Close would read the
		// rest first, to keep the connection.)
		buf := make([]byte, abortAfter)
		io.ReadFull(resp.Body, buf)
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
		return res, errors.New("aborted by client")
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return res, err
	}
	res.body, err = decodeBody(resp.Header.Get("Content-Encoding"), raw)
	if err != nil {
		return res, fmt.Errorf("complete response does not decode: %w", err)
	}
	// The banner's no-JS form returns to the page's own URL: the one part of
	// a page that differs between targets.
	// (Escaped once in the banner, twice in a placeholder's srcdoc.)
	res.body = chaosQuery.ReplaceAll(res.body, []byte("{query}"))
	res.complete = true
	return res, nil
}

func decodeBody(enc string, raw []byte) ([]byte, error) {
	var r io.Reader
	switch enc {
	case "", "identity":
		return raw, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		r = zr
	case "deflate":
		r = flate.NewReader(bytes.NewReader(raw))
	case "br":
		r = brotli.NewReader(bytes.NewReader(raw))
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		r = zr
	default:
		return nil, fmt.Errorf("unexpected Content-Encoding %q", enc)
	}
	return io.ReadAll(r)
}

// goroutineCounts returns how many goroutines run in all, and how many of
// them run the module's code or a decompressor (what a response leaves behind
// when its clean-up is missed).
func goroutineCounts() (all, ours int) {
	buf := make([]byte, 8<<20)
	buf = buf[:runtime.Stack(buf, true)]
	for g := range strings.SplitSeq(string(buf), "\n\n") {
		all++
		if strings.Contains(g, "TestChaos") || strings.Contains(g, "inventory.(*Inventory).Run") {
			continue // the test itself; the inventory's one flusher per handler
		}
		if strings.Contains(g, "caddy-consent/module/") || strings.Contains(g, "klauspost/compress") ||
			strings.Contains(g, "andybalholm/brotli") {
			ours++
		}
	}
	return all, ours
}

// chaosQuery is a target's query as the banner writes it, in any escaping.
var chaosQuery = regexp.MustCompile(`m(?:=|%3D)[a-z-]+(?:&(?:amp;)*|%26)e(?:=|%3D)[a-z-]+(?:&(?:amp;)*|%26)s(?:=|%3D)[0-9]+`)

// settledGoroutines waits until the counts fall to at most the limits, and
// returns the last counts.
func settledGoroutines(limitAll, limitOurs int, wait time.Duration) (all, ours int) {
	deadline := time.Now().Add(wait)
	for {
		all, ours = goroutineCounts()
		if all <= limitAll && ours <= limitOurs || time.Now().After(deadline) {
			return all, ours
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func heapInuse() uint64 {
	runtime.GC()
	runtime.GC() // a second cycle empties the sync.Pool victim caches
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func TestChaos(t *testing.T) {
	if testing.Short() {
		t.Skip("chaos run takes ~20 s; it runs in make test")
	}
	page := chaosPage(t)
	httpAddr, fcgiAddr := startChaosBackend(t)
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "index.php"), []byte("<?php // answered by the Go FastCGI responder\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT1} {
	consent
	reverse_proxy %[1]s
}
http://127.0.0.1:{PORT2} {
	encode gzip zstd
	consent
	reverse_proxy %[1]s
}
http://127.0.0.1:{PORT3} {
	root * %[3]s
	encode gzip
	consent
	php_fastcgi %[2]s
}
`, httpAddr, fcgiAddr, root))
	sites := []string{srv.Addr(1), srv.Addr(2), srv.Addr(3)}
	targetFor := func(site int, mode, enc string, seed uint64) string {
		p := "/"
		if site == 2 {
			p = "/index.php"
		}
		return fmt.Sprintf("%s?m=%s&e=%s&s=%d", p, mode, enc, seed)
	}
	header := func(rng *rand.Rand) http.Header {
		h := http.Header{}
		h.Set("Accept-Language", "nb")
		switch rng.IntN(3) {
		case 0:
			h.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		case 1:
			h.Set("Accept", "*/*") // keeps the visitor's Accept-Encoding in old builds
		}
		switch rng.IntN(3) {
		case 0:
			h.Set("Accept-Encoding", "gzip")
		case 1:
			h.Set("Accept-Encoding", "gzip, br, zstd")
		}
		return h
	}

	// What a complete response must be: the same page and headers through
	// the same site, from an intact identity body.
	want := make([][]byte, len(sites))
	for i, addr := range sites {
		res, err := chaosFetch(context.Background(), addr, targetFor(i, "ok", "identity", 1), http.Header{"Accept-Language": {"nb"}}, 0)
		if err != nil || res.status != http.StatusOK {
			t.Fatalf("site %d reference: status %d, %v", i, res.status, err)
		}
		if !bytes.Contains(res.body, []byte("data-consent-banner")) || bytes.Equal(res.body, page) {
			t.Fatalf("site %d reference is not a rewritten page", i)
		}
		want[i] = res.body
	}

	baseAll, baseOurs := settledGoroutines(0, 0, 500*time.Millisecond)
	baseHeap := heapInuse()

	const workers = 12
	duration := 15 * time.Second
	var (
		mu       sync.Mutex
		counts   = map[string]int{}
		failures []string
		total    atomic.Int64
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 20 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	stop := time.Now().Add(duration)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 99))
			for time.Now().Before(stop) {
				site := rng.IntN(len(sites))
				mode := chaosModes[rng.IntN(len(chaosModes))]
				enc := chaosEncodings[rng.IntN(len(chaosEncodings))]
				seed := rng.Uint64()
				abort := 0
				if rng.IntN(4) == 0 {
					abort = 1 + rng.IntN(48<<10)
				}
				timeout := 5 * time.Second
				if mode == "stall" {
					timeout = time.Duration(100+rng.IntN(600)) * time.Millisecond
				}
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				res, err := chaosFetch(ctx, sites[site], targetFor(site, mode, enc, seed), header(rng), abort)
				cancel()
				total.Add(1)
				key := mode + "/" + enc
				mu.Lock()
				if res.complete {
					counts[key+" complete"]++
				} else {
					counts[key+" cut"]++
				}
				mu.Unlock()
				if !res.complete {
					if abort == 0 && intactModes[mode] {
						fail("site %d %s: an intact %s body did not arrive whole: %v", site, key, mode, err)
					}
					continue
				}
				switch {
				case res.status != http.StatusOK:
					fail("site %d %s: status %d", site, key, res.status)
				case intactModes[mode]:
					if !bytes.Equal(res.body, want[site]) {
						i := 0
						for i < len(res.body) && i < len(want[site]) && res.body[i] == want[site][i] {
							i++
						}
						fail("site %d %s: complete body differs from the reference (%d vs %d bytes) at %d: %q vs %q", site, key, len(res.body), len(want[site]), i, snippet(res.body, i), snippet(want[site], i))
					}
				case mode == "mislabel":
					// Passed unchanged, or ended cleanly where it stopped decoding.
					if !bytes.Equal(res.body, page) && !bytes.Contains(res.body, []byte("data-consent-banner")) {
						fail("site %d %s: mislabelled body neither passed unchanged nor ended with the banner", site, key)
					}
				case mode == "corrupt":
					if !bytes.Contains(res.body, []byte("data-consent-banner")) {
						fail("site %d %s: a body that stopped decoding must end with the banner", site, key)
					}
					if enc != "identity" && bytes.Contains(res.body, []byte(` src="https://connect.facebook.net`)) {
						fail("site %d %s: a tracker left live in a corrupt body", site, key)
					}
				default:
					// cut, reset, stall: the body never came whole, so the
					// visitor must not get a response that looks complete.
					fail("site %d %s: a cut body reached the client as complete (%d bytes)", site, key, len(res.body))
				}
			}
		}()
	}
	wg.Wait()

	if len(failures) > 0 {
		t.Errorf("%d requests; failures:\n%s", total.Load(), strings.Join(failures, "\n"))
	}
	// The process is alive: a new request is served as before.
	res, err := chaosFetch(context.Background(), sites[1], targetFor(1, "ok", "gzip", 3), http.Header{"Accept-Language": {"nb"}}, 0)
	if err != nil || !bytes.Equal(res.body, want[1]) {
		t.Fatalf("after the chaos run, a clean request failed: %v", err)
	}
	// Idle keep-alive connections to the backends hold two goroutines each
	// in Caddy's transport; nothing of the module may stay.
	all, ours := settledGoroutines(baseAll+40, baseOurs, 10*time.Second)
	heap := heapInuse()
	t.Logf("%d requests in %v; goroutines %d → %d, of them the module's or a decoder's %d → %d; heap in use %.1f → %.1f MiB",
		total.Load(), duration, baseAll, all, baseOurs, ours, float64(baseHeap)/(1<<20), float64(heap)/(1<<20))
	t.Logf("outcomes: %v", counts)
	if ours > baseOurs || all > baseAll+40 {
		buf := make([]byte, 8<<20)
		n := runtime.Stack(buf, true)
		t.Errorf("goroutines did not come back: %d before, %d after (module/decoder: %d before, %d after)\n%s",
			baseAll, all, baseOurs, ours, firstStacks(buf[:n], 30))
	}
	if heap > baseHeap+16<<20 {
		t.Errorf("heap in use grew from %.1f to %.1f MiB", float64(baseHeap)/(1<<20), float64(heap)/(1<<20))
	}
	for _, key := range []string{"cut/gzip cut", "corrupt/gzip complete", "ok/br complete", "stall/zstd cut"} {
		if counts[key] == 0 {
			t.Errorf("the run never saw %q: too short to mean anything", key)
		}
	}
}

// startChaosBackend runs the backends in a process of their own (this test
// binary again), so that the goroutines and heap measured here are Caddy's,
// the module's and the clients', not the backends'.
func startChaosBackend(t *testing.T) (httpAddr, fcgiAddr string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChaosBackendProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CONSENT_CHAOS_BACKEND=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Process.Kill()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if addrs, ok := strings.CutPrefix(sc.Text(), "chaos-backend "); ok {
			httpAddr, fcgiAddr, _ = strings.Cut(addrs, " ")
			go io.Copy(io.Discard, out)
			return httpAddr, fcgiAddr
		}
	}
	t.Fatalf("chaos backend did not start: %v", sc.Err())
	return "", ""
}

// TestChaosBackendProcess is the backend process of TestChaos; it does
// nothing in a normal run.
func TestChaosBackendProcess(t *testing.T) {
	if os.Getenv("CONSENT_CHAOS_BACKEND") == "" {
		return
	}
	backend := newChaosBackend(chaosPage(t))
	upLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go (&http.Server{Handler: backend}).Serve(upLn)
	// The FastCGI backend: php-fpm's place, answering with the same pages.
	fcLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go fcgi.Serve(fcLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Header.Set("X-Chaos-Fcgi", "1")
		backend.ServeHTTP(w, r)
	}))
	fmt.Printf("chaos-backend %s %s\n", upLn.Addr(), fcLn.Addr())
	io.Copy(io.Discard, os.Stdin) // until the test closes it
	os.Exit(0)
}

// firstStacks returns the first n goroutine stacks of a runtime.Stack dump.
func firstStacks(dump []byte, n int) string {
	parts := strings.SplitN(string(dump), "\n\n", n+1)
	if len(parts) > n {
		parts = parts[:n]
	}
	return strings.Join(parts, "\n\n")
}

// TestAbortedResponsesLeaveNothing is the visitor's side of the leak: a client
// that asks for */* with gzip, reads part of a page the backend compresses on
// request, and hangs up. Each such response used to leave its decoding
// goroutine and ~94 KB behind for ever.
func TestAbortedResponsesLeaveNothing(t *testing.T) {
	httpAddr, _ := startChaosBackend(t)
	srv := testcaddy.Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	consent
	reverse_proxy %s
}
`, httpAddr))
	hdr := http.Header{"Accept": {"*/*"}, "Accept-Encoding": {"gzip"}}
	if res, err := chaosFetch(context.Background(), srv.Addr(1), "/?m=ok&e=auto", hdr, 0); err != nil || !bytes.Contains(res.body, []byte("data-consent-banner")) {
		t.Fatalf("warm-up request: %v", err)
	}
	baseAll, baseOurs := settledGoroutines(0, 0, 300*time.Millisecond)
	baseHeap := heapInuse()
	const aborts = 300
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < aborts; i += 6 {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				// Half from a backend that compresses on request, half from
				// one that compresses anyway (the decoder's path today).
				enc := []string{"auto", "gzip"}[i%2]
				chaosFetch(ctx, srv.Addr(1), fmt.Sprintf("/?m=slow&e=%s&s=%d", enc, i), hdr.Clone(), 16<<10)
				cancel()
			}
		}()
	}
	wg.Wait()
	all, ours := settledGoroutines(baseAll+20, baseOurs, 10*time.Second)
	heap := heapInuse()
	perThousand := func(d float64) float64 { return d * 1000 / aborts }
	t.Logf("%d aborted compressed responses: goroutines %d → %d (module/decoder %d → %d, %+.0f per 1000); heap in use %.1f → %.1f MiB (%+.1f MB per 1000)",
		aborts, baseAll, all, baseOurs, ours, perThousand(float64(ours-baseOurs)),
		float64(baseHeap)/(1<<20), float64(heap)/(1<<20), perThousand((float64(heap)-float64(baseHeap))/1e6))
	if ours > baseOurs {
		t.Errorf("aborted responses left %d goroutines of the module or a decoder behind", ours-baseOurs)
	}
	if heap > baseHeap+8<<20 {
		t.Errorf("heap in use grew by %.1f MiB over %d aborts", float64(heap-baseHeap)/(1<<20), aborts)
	}
}
