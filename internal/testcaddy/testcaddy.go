// Package testcaddy runs a real Caddy, in-process, from a Caddyfile inside a Go
// test, so integration tests exercise the same adapter, provisioning and
// listeners that production does.
//
// Caddy keeps one running config per process. Tests of one package that call
// Start therefore must not run in parallel: Start takes a package-level lock
// that it holds until the test's cleanup has stopped Caddy, so parallel tests
// are serialised, and a subtest that calls Start while its parent still holds
// a Server fails after a wait instead of hanging. Different packages are
// different processes and may run at the same time.
//
// The package blank-imports Caddy's standard modules. Tests of our own modules
// import those modules themselves.
package testcaddy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	_ "github.com/caddyserver/caddy/v2/caddyconfig/caddyfile" // registers the "caddyfile" adapter
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

// Filename is the file name the adapter puts in its errors and warnings,
// e.g. "Caddyfile:3: unrecognized directive: foo".
const Filename = "Caddyfile"

// These are variables so this package's own test can shorten them.
var (
	// lockWait bounds how long Start waits for another test's Server.
	lockWait = 2 * time.Minute
	// readyWait bounds how long Start waits for the listeners to accept TCP.
	readyWait = 10 * time.Second
)

// bindAttempts is how often Start picks new ports when another process took
// one between picking and binding.
const bindAttempts = 3

// Server is a running Caddy started by Start. It is stopped by the test's
// cleanup.
type Server struct {
	t     testing.TB
	ports []int
	cfg   []byte
}

// Start adapts caddyfile, loads it into the process-wide Caddy and waits until
// every listener accepts TCP connections. Caddy is stopped by t.Cleanup.
//
// The Caddyfile may contain {PORT} (also spelled {PORT1}), {PORT2}, {PORT3}…:
// Start replaces each with a distinct free port on 127.0.0.1. Ports are
// numbered from 1, as the placeholders are, for URL and Port.
//
// Before loading, Start makes the config fit a test. Each setting is applied
// only when the Caddyfile does not set it itself:
//   - admin endpoint off and config autosave off ("admin" absent);
//   - automatic HTTPS off on every server, unless the global auto_https
//     option chose another mode;
//   - grace_period 1ns, so stopping never waits for clients;
//   - storage in a temporary directory removed at cleanup;
//   - every log without a writer goes to t.Logf (shown on failure or with
//     -v) in console format, and the default log is at WARN unless a level
//     is set.
//
// Listeners without a host bind 127.0.0.1; a listener on a non-loopback host
// fails the test. A Caddyfile the adapter rejects fails the test with the
// adapter's error, which names the file and line, followed by that line.
func Start(t testing.TB, caddyfile string) *Server {
	t.Helper()
	acquire(t)
	t.Cleanup(release)
	setLogTarget(t)
	t.Cleanup(func() { setLogTarget(nil) })

	storage, err := os.MkdirTemp("", "testcaddy-storage-")
	if err != nil {
		t.Fatalf("testcaddy: creating storage directory: %v", err)
	}
	t.Cleanup(func() { os.RemoveAll(storage) })

	count, err := portCount(caddyfile)
	if err != nil {
		t.Fatalf("testcaddy: %v", err)
	}

	var lastErr error
	for range bindAttempts {
		ports, err := freePorts(count)
		if err != nil {
			t.Fatalf("testcaddy: picking free ports: %v", err)
		}
		text := substitutePorts(caddyfile, ports)

		adapted, warnings, err := adapt(text)
		if err != nil {
			t.Fatalf("testcaddy: adapting Caddyfile: %v%s", err, quoteLine(text, err))
		}
		for _, w := range warnings {
			if isFormattingWarning(w) {
				continue // indentation of a Go raw string says nothing about behaviour
			}
			t.Logf("testcaddy: adapter warning: %s", w)
		}
		cfg, listeners, err := prepare(adapted, storage)
		if err != nil {
			t.Fatalf("testcaddy: preparing config: %v", err)
		}

		err = caddy.Load(cfg, true)
		if errors.Is(err, syscall.EADDRINUSE) || (err != nil && strings.Contains(err.Error(), "address already in use")) {
			// Another process bound a port between freePorts and Load.
			lastErr = err
			caddy.Stop()
			continue
		}
		if err != nil {
			caddy.Stop()
			t.Fatalf("testcaddy: loading config: %v\nconfig: %s", err, cfg)
		}
		// Registered after release, so it runs before it (cleanups are LIFO).
		t.Cleanup(func() {
			if err := caddy.Stop(); err != nil {
				t.Errorf("testcaddy: stopping caddy: %v", err)
			}
		})
		if err := waitAccepting(listeners, readyWait); err != nil {
			t.Fatalf("testcaddy: %v", err)
		}
		return &Server{t: t, ports: ports, cfg: cfg}
	}
	t.Fatalf("testcaddy: no free ports after %d attempts: %v", bindAttempts, lastErr)
	return nil
}

// Adapt converts caddyfile to Caddy's JSON, tab-indented, exactly as the
// caddyfile adapter does: no port substitution and none of Start's test
// settings. It is for golden adapt tests, whose Caddyfiles use fixed ports.
func Adapt(caddyfile string) ([]byte, []caddyconfig.Warning, error) {
	out, warnings, err := adapt(caddyfile)
	if err != nil {
		return nil, warnings, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, out, "", "\t"); err != nil {
		return nil, warnings, fmt.Errorf("indenting adapted config: %v", err)
	}
	return buf.Bytes(), warnings, nil
}

// URL returns "http://127.0.0.1:<port>" for the port of {PORTi}; URL(1) is
// {PORT}.
func (s *Server) URL(i int) string {
	s.t.Helper()
	return "http://" + s.Addr(i)
}

// Addr returns "127.0.0.1:<port>" for the port of {PORTi}.
func (s *Server) Addr(i int) string {
	s.t.Helper()
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port(i)))
}

// Port returns the port that replaced {PORTi}; Port(1) is {PORT}.
func (s *Server) Port(i int) int {
	s.t.Helper()
	if i < 1 || i > len(s.ports) {
		s.t.Fatalf("testcaddy: port %d does not exist: the Caddyfile has %d, numbered from 1 like {PORT}/{PORT1}, {PORT2}", i, len(s.ports))
	}
	return s.ports[i-1]
}

// Config returns the JSON config that Caddy runs, after Start's changes.
func (s *Server) Config() []byte { return s.cfg }

// The lock that serialises Servers in one process.
var (
	slot     = make(chan struct{}, 1)
	holderMu sync.Mutex
	holder   testing.TB
)

func acquire(t testing.TB) {
	t.Helper()
	holderMu.Lock()
	h := holder
	holderMu.Unlock()
	if h == t {
		t.Fatalf("testcaddy: Start called twice in %s; Caddy runs one config per process", t.Name())
	}
	select {
	case slot <- struct{}{}:
	case <-time.After(lockWait):
		name := "another test"
		holderMu.Lock()
		if holder != nil {
			name = holder.Name()
		}
		holderMu.Unlock()
		t.Fatalf("testcaddy: %s still holds Caddy after %v: tests using testcaddy in one package must not run in parallel, and a subtest cannot Start while its parent holds a Server", name, lockWait)
	}
	holderMu.Lock()
	holder = t
	holderMu.Unlock()
}

func release() {
	holderMu.Lock()
	holder = nil
	holderMu.Unlock()
	<-slot
}

var portPlaceholder = regexp.MustCompile(`\{PORT(\d*)\}`)

// portCount returns the highest placeholder number in caddyfile.
func portCount(caddyfile string) (int, error) {
	n := 0
	for _, m := range portPlaceholder.FindAllStringSubmatch(caddyfile, -1) {
		i := 1
		if m[1] != "" {
			v, err := strconv.Atoi(m[1])
			if err != nil || v < 1 {
				return 0, fmt.Errorf("placeholder %s: ports are numbered from 1", m[0])
			}
			i = v
		}
		n = max(n, i)
	}
	return n, nil
}

func substitutePorts(caddyfile string, ports []int) string {
	return portPlaceholder.ReplaceAllStringFunc(caddyfile, func(m string) string {
		i := 1
		if d := m[len("{PORT") : len(m)-1]; d != "" {
			i, _ = strconv.Atoi(d) // validated by portCount
		}
		return strconv.Itoa(ports[i-1])
	})
}

// freePorts returns n distinct ports that were free on 127.0.0.1 a moment
// ago. All listeners stay open until every port is picked, so the kernel
// cannot hand out one port twice.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

func adapt(caddyfile string) ([]byte, []caddyconfig.Warning, error) {
	a := caddyconfig.GetAdapter("caddyfile")
	if a == nil {
		return nil, nil, errors.New("caddyfile adapter not registered")
	}
	return a.Adapt([]byte(caddyfile), map[string]any{"filename": Filename})
}

func isFormattingWarning(w caddyconfig.Warning) bool {
	return strings.Contains(w.Message, "not formatted")
}

var errLine = regexp.MustCompile(regexp.QuoteMeta(Filename) + `:(\d+)`)

// quoteLine returns the Caddyfile line an adapter error names, so the test
// log shows it next to the error.
func quoteLine(caddyfile string, err error) string {
	m := errLine.FindStringSubmatch(err.Error())
	if m == nil {
		return ""
	}
	n, _ := strconv.Atoi(m[1])
	lines := strings.Split(caddyfile, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return fmt.Sprintf("\n%5d | %s", n, strings.TrimRight(lines[n-1], "\r"))
}

// listener is a TCP address Start waits for.
type listener struct{ host, port string }

// prepare applies Start's test settings to an adapted config and returns it
// with the TCP listeners to wait for.
func prepare(adapted []byte, storage string) ([]byte, []listener, error) {
	dec := json.NewDecoder(bytes.NewReader(adapted))
	dec.UseNumber() // keep big integers (sizes, durations) exact
	var cfg map[string]any
	if err := dec.Decode(&cfg); err != nil {
		return nil, nil, fmt.Errorf("decoding adapted config: %v", err)
	}

	switch admin := cfg["admin"].(type) {
	case nil:
		cfg["admin"] = map[string]any{"disabled": true, "config": map[string]any{"persist": false}}
	case map[string]any:
		conf, _ := admin["config"].(map[string]any)
		if conf == nil {
			conf = map[string]any{}
			admin["config"] = conf
		}
		conf["persist"] = false // never write autosave.json from a test
	}
	if _, ok := cfg["storage"]; !ok {
		cfg["storage"] = map[string]any{"module": "file_system", "root": storage}
	}
	routeLogs(cfg)

	var listeners []listener
	apps, _ := cfg["apps"].(map[string]any)
	httpApp, _ := apps["http"].(map[string]any)
	if httpApp != nil {
		if _, ok := httpApp["grace_period"]; !ok {
			httpApp["grace_period"] = 1 // nanoseconds
		}
		servers, _ := httpApp["servers"].(map[string]any)
		for _, name := range sortedKeys(servers) {
			srv, _ := servers[name].(map[string]any)
			if srv == nil {
				continue
			}
			disableAutoHTTPS(srv)
			list, _ := srv["listen"].([]any)
			for i, v := range list {
				addr, _ := v.(string)
				rewritten, tcp, err := loopback(addr)
				if err != nil {
					return nil, nil, fmt.Errorf("server %s: %v", name, err)
				}
				list[i] = rewritten
				listeners = append(listeners, tcp...)
			}
		}
	}
	out, err := json.Marshal(cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("encoding config: %v", err)
	}
	return out, listeners, nil
}

// disableAutoHTTPS turns automatic HTTPS off unless the Caddyfile's global
// auto_https option chose another mode. The adapter itself adds a "skip"
// list for http:// sites, which is not a choice of mode.
func disableAutoHTTPS(srv map[string]any) {
	ah, _ := srv["automatic_https"].(map[string]any)
	if ah == nil {
		ah = map[string]any{}
		srv["automatic_https"] = ah
	}
	for _, k := range []string{"disable", "disable_redirects", "disable_certificates", "ignore_loaded_certificates"} {
		if _, ok := ah[k]; ok {
			return
		}
	}
	ah["disable"] = true
}

// loopback makes a listen address without a host bind 127.0.0.1 and refuses
// one on a non-loopback host. It returns the TCP listeners to wait for.
func loopback(addr string) (string, []listener, error) {
	na, err := caddy.ParseNetworkAddress(addr)
	if err != nil {
		return "", nil, fmt.Errorf("listen address %q: %v", addr, err)
	}
	if na.IsUnixNetwork() || na.IsFdNetwork() {
		return addr, nil, nil
	}
	if na.Host == "" {
		na.Host = "127.0.0.1"
	}
	if !isLoopback(na.Host) {
		return "", nil, fmt.Errorf("listen address %q is not loopback: tests listen on 127.0.0.1 only", addr)
	}
	var tcp []listener
	if strings.HasPrefix(na.Network, "tcp") || na.Network == "" {
		for p := na.StartPort; p <= na.EndPort; p++ {
			tcp = append(tcp, listener{host: na.Host, port: strconv.FormatUint(uint64(p), 10)})
		}
	}
	return na.String(), tcp, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// waitAccepting waits until every listener accepts a TCP connection.
func waitAccepting(listeners []listener, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for _, l := range listeners {
		addr := net.JoinHostPort(l.host, l.port)
		for {
			c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
			if err == nil {
				c.Close()
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s does not accept connections after %v: %v", addr, limit, err)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
