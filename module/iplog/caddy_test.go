package iplog

import (
	"io"
	"net"
	"net/http"
	"net/http/fcgi"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig"
	"github.com/caddyserver/caddy/v2/caddyconfig/httpcaddyfile"
	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	_ "github.com/caddyserver/caddy/v2/modules/standard"
)

// upstreamTruncate stands in for the consent handler's upstream_ip_truncate.
type upstreamTruncate struct{}

func (upstreamTruncate) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "http.handlers.iplog_upstream_test",
		New: func() caddy.Module { return new(upstreamTruncate) },
	}
}

func (upstreamTruncate) ServeHTTP(w http.ResponseWriter, r *http.Request, next caddyhttp.Handler) error {
	Default().UpstreamRequest(r)
	return next.ServeHTTP(w, r)
}

func init() {
	caddy.RegisterModule(upstreamTruncate{})
	httpcaddyfile.RegisterHandlerDirective("iplog_upstream_test", func(h httpcaddyfile.Helper) (caddyhttp.MiddlewareHandler, error) {
		h.Next()
		return upstreamTruncate{}, nil
	})
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// seen records what an upstream received.
type seen struct {
	mu     sync.Mutex
	remote string
	header http.Header
}

func (s *seen) record(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.remote, s.header = r.RemoteAddr, r.Header.Clone()
}

func (s *seen) get() (string, http.Header) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.remote, s.header
}

// TestCaddy runs a real Caddy with ip_truncate on the access log and on the
// default (error) log, sends requests full of addresses, and reads the logs.
// It also checks what reverse_proxy and php_fastcgi pass upstream after
// UpstreamRequest.
func TestCaddy(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", filepath.Join(dir, "data"))
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(dir, "config"))
	t.Setenv("HOME", dir)

	var proxied, fastcgi seen
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.record(r)
		io.WriteString(w, "proxied")
	}))
	defer backend.Close()
	fcgiLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer fcgiLn.Close()
	go fcgi.Serve(fcgiLn, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fastcgi.record(r) // net/http/fcgi builds RemoteAddr from REMOTE_ADDR and REMOTE_PORT
		io.WriteString(w, "php")
	}))

	port := freePort(t)
	caddyfile := strings.NewReplacer(
		"{DIR}", dir,
		"{PORT}", port,
		"{BACKEND}", strings.TrimPrefix(backend.URL, "http://"),
		"{FCGI}", fcgiLn.Addr().String(),
	).Replace(`{
	admin off
	persist_config off
	auto_https off
	storage file_system {DIR}/storage
	servers {
		trusted_proxies static 127.0.0.1/32
		client_ip_headers X-Forwarded-For
	}
	log {
		output file {DIR}/default.log
		format ip_truncate
		level DEBUG
	}
}

http://127.0.0.1:{PORT} {
	log {
		output file {DIR}/access.log
		format ip_truncate 24 48 {
			wrap json
		}
	}
	handle /proxy/* {
		route {
			iplog_upstream_test
			reverse_proxy {BACKEND} {
				header_up X-Client {client_ip}
			}
		}
	}
	handle /index.php {
		route {
			iplog_upstream_test
			root * {DIR}
			php_fastcgi {FCGI}
		}
	}
	handle /err {
		error "upstream 203.0.113.99 failed" 502
	}
	handle {
		respond "ok"
	}
}
`)
	cfg, warnings, err := caddyconfig.GetAdapter("caddyfile").Adapt([]byte(caddyfile), map[string]any{"filename": "Caddyfile"})
	if err != nil {
		t.Fatalf("adapting: %v", err)
	}
	for _, w := range warnings {
		t.Logf("adapt warning: %s", w)
	}
	if !strings.Contains(string(cfg), `"encoder":{"format":"ip_truncate","ipv4_bits":24,"ipv6_bits":48,"wrap":{"format":"json"}}`) {
		t.Errorf("adapted config lacks the access log encoder:\n%s", cfg)
	}
	if err := caddy.Load(cfg, true); err != nil {
		t.Fatalf("loading: %v", err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			if err := caddy.Stop(); err != nil {
				t.Errorf("stopping: %v", err)
			}
		}
	}
	defer stop()

	headers := map[string]string{
		"X-Forwarded-For":  "203.0.113.77, 2001:db8:1234:5678::9",
		"X-Real-Ip":        "203.0.113.78",
		"Forwarded":        `for="[2001:db8:cafe:1::17]:4711";proto=https, For=198.51.100.23;by=203.0.113.79, for=_hidden`,
		"Cf-Connecting-Ip": "2001:db8:cafe:2::18",
		"True-Client-Ip":   "203.0.113.80",
		"Referer":          "http://[2001:db8:cafe:3::19]:8080/from",
		// Security audit L2: names the old fixed list missed.
		"X-Azure-Clientip":         "203.0.113.83",
		"X-Appengine-User-Ip":      "203.0.113.84",
		"X-Envoy-External-Address": "203.0.113.85",
		"X-Originating-Ip":         "[203.0.113.86]",
		"X-Remote-Addr":            "203.0.113.87",
		"Akamai-Client-Ip":         "203.0.113.88",
		"X-Akamai-Edgescape":       "georegion=1,country_code=NO,ip=203.0.113.89",
		"Via":                      "1.1 203.0.113.90",
		"User-Agent":               "Mozilla/5.0 Chrome/120.0.6099.109", // versions are not addresses
	}
	client := &http.Client{}
	get := func(path string) string {
		t.Helper()
		req, err := http.NewRequest("GET", "http://127.0.0.1:"+port+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return strconv.Itoa(resp.StatusCode) + " " + string(body)
	}
	for path, want := range map[string]string{
		"/203.0.113.81/?ip=203.0.113.82&v6=2001%3Adb8%3A1%3A2%3A%3A1": "200 ok",
		"/err":           "502 ",
		"/proxy/x":       "200 proxied",
		"/index.php?a=1": "200 php",
	} {
		if got := get(path); got != want {
			t.Errorf("GET %s = %q, want %q", path, got, want)
		}
	}

	// upstream side
	remote, h := proxied.get()
	if h == nil {
		t.Fatal("reverse_proxy upstream saw no request")
	}
	for name, want := range map[string]string{
		"X-Forwarded-For":          "203.0.113.0, 2001:db8:1234::, 127.0.0.0", // client list kept (trusted peer), peer appended
		"X-Real-Ip":                "203.0.113.0",
		"Forwarded":                `for="[2001:db8:cafe::]:4711";proto=https, For=198.51.100.0;by=203.0.113.0, for=_hidden`,
		"Cf-Connecting-Ip":         "2001:db8:cafe::",
		"True-Client-Ip":           "203.0.113.0",
		"X-Client":                 "203.0.113.0", // {client_ip}
		"X-Azure-Clientip":         "203.0.113.0",
		"X-Appengine-User-Ip":      "203.0.113.0",
		"X-Envoy-External-Address": "203.0.113.0",
		"X-Originating-Ip":         "[203.0.113.0]",
		"X-Remote-Addr":            "203.0.113.0",
		"Akamai-Client-Ip":         "203.0.113.0",
		"X-Akamai-Edgescape":       "georegion=1,country_code=NO,ip=203.0.113.0",
		"Referer":                  "http://[2001:db8:cafe::]:8080/from",
		"User-Agent":               "Mozilla/5.0 Chrome/120.0.6099.109",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("upstream %s = %q, want %q", name, got, want)
		}
	}
	if host, _, _ := net.SplitHostPort(remote); host != "127.0.0.1" {
		t.Errorf("upstream connection from %q", remote) // sanity: the test talks over loopback
	}
	remote, h = fastcgi.get()
	if h == nil {
		t.Fatal("php_fastcgi upstream saw no request")
	}
	if host, _, _ := net.SplitHostPort(remote); host != "127.0.0.0" {
		t.Errorf("php_fastcgi REMOTE_ADDR = %q, want 127.0.0.0", host)
	}
	if got := h.Get("X-Forwarded-For"); got != "203.0.113.0, 2001:db8:1234::, 127.0.0.0" {
		t.Errorf("php_fastcgi HTTP_X_FORWARDED_FOR = %q", got)
	}

	client.CloseIdleConnections()
	stop()

	access := readLog(t, filepath.Join(dir, "access.log"))
	def := readLog(t, filepath.Join(dir, "default.log"))
	all := access + def
	for _, full := range []string{
		"127.0.0.1", "203.0.113.77", "2001:db8:1234:5678", "203.0.113.78", "2001:db8:cafe:1:", "198.51.100.23",
		"203.0.113.79", "2001:db8:cafe:2:", "203.0.113.80", "2001:db8:cafe:3:", "203.0.113.81", "203.0.113.82",
		"2001%3Adb8%3A1%3A2", "203.0.113.99",
	} {
		if strings.Contains(all, full) {
			t.Errorf("a log holds the full address %q", full)
		}
	}
	for _, want := range []string{
		`"remote_ip":"127.0.0.0"`,
		`"client_ip":"203.0.113.0"`,
		`"uri":"/203.0.113.0/?ip=203.0.113.0&v6=2001%3Adb8%3A1%3A%3A"`,
		`"X-Forwarded-For":["203.0.113.0, 2001:db8:1234::"]`,
		`"Forwarded":["for=\"[2001:db8:cafe::]:4711\";proto=https, For=198.51.100.0;by=203.0.113.0, for=_hidden"]`,
		`"Cf-Connecting-Ip":["2001:db8:cafe::"]`,
		`"True-Client-Ip":["203.0.113.0"]`,
		`"X-Real-Ip":["203.0.113.0"]`,
		`"Referer":["http://[2001:db8:cafe::]:8080/from"]`,
	} {
		if !strings.Contains(access, want) {
			t.Errorf("access log lacks %s", want)
		}
	}
	// the error entry lands in the default log, with the request and the message
	for _, want := range []string{`"logger":"http.log.error.log0"`, `upstream 203.0.113.0 failed`, `"remote_ip":"127.0.0.0"`} {
		if !strings.Contains(def, want) {
			t.Errorf("default log lacks %s", want)
		}
	}
	if t.Failed() {
		t.Logf("access log:\n%s\ndefault log:\n%s", access, def)
	}
}

func readLog(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return string(b)
}
