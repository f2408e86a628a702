package testcaddy

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/adapt")

// TestStartServesAndRestarts serves respond, file_server and reverse_proxy
// sites, twice in a row in one binary: the second round proves the first
// config was stopped and its ports released.
func TestStartServesAndRestarts(t *testing.T) {
	root, err := filepath.Abs("testdata/site")
	if err != nil {
		t.Fatal(err)
	}
	var previous []int
	for round := 1; round <= 2; round++ {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) {
			upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Upstream-Saw-XFF", r.Header.Get("X-Forwarded-For"))
				fmt.Fprintf(w, "upstream round %d got %s", round, r.URL.RequestURI())
			}))
			defer upstream.Close()

			s := Start(t, fmt.Sprintf(`
http://127.0.0.1:{PORT} {
	respond "hello from respond, round %d" 200
}
http://127.0.0.1:{PORT2} {
	root * %s
	file_server
}
http://127.0.0.1:{PORT3} {
	reverse_proxy %s
}
`, round, root, upstream.Listener.Addr()))

			for i, old := range previous {
				if slices.Contains(s.ports, old) {
					continue // the kernel handed the port out again; nothing to prove
				}
				if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", old), time.Second); err == nil {
					c.Close()
					t.Errorf("port %d of the previous round still accepts connections after cleanup", i+1)
				}
			}
			previous = slices.Clone(s.ports)

			tests := []struct {
				name       string
				url        string
				wantStatus int
				wantBody   string
				wantHeader [2]string
			}{
				{"respond", s.URL(1) + "/", 200, fmt.Sprintf("hello from respond, round %d", round), [2]string{}},
				{"file_server index", s.URL(2) + "/", 200, "served by file_server", [2]string{}},
				{"file_server missing", s.URL(2) + "/missing.html", 404, "", [2]string{}},
				{"reverse_proxy", s.URL(3) + "/path?q=1", 200, fmt.Sprintf("upstream round %d got /path?q=1", round), [2]string{"X-Upstream-Saw-XFF", "127.0.0.1"}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					status, body, header := get(t, tt.url)
					if status == 0 {
						return
					}
					if status != tt.wantStatus {
						t.Errorf("GET %s: status %d, want %d", tt.url, status, tt.wantStatus)
					}
					if !strings.Contains(body, tt.wantBody) {
						t.Errorf("GET %s: body %q does not contain %q", tt.url, body, tt.wantBody)
					}
					if k := tt.wantHeader[0]; k != "" && header.Get(k) != tt.wantHeader[1] {
						t.Errorf("GET %s: %s = %q, want %q", tt.url, k, header.Get(k), tt.wantHeader[1])
					}
				})
			}
		})
	}
}

// TestStartConfig checks the test settings Start applies to the JSON.
func TestStartConfig(t *testing.T) {
	s := Start(t, `
:{PORT} {
	respond "catch-all"
}
`)
	var cfg struct {
		Admin struct {
			Disabled bool `json:"disabled"`
			Config   struct {
				Persist *bool `json:"persist"`
			} `json:"config"`
		} `json:"admin"`
		Storage struct {
			Module string `json:"module"`
			Root   string `json:"root"`
		} `json:"storage"`
		Apps struct {
			HTTP struct {
				GracePeriod int64 `json:"grace_period"`
				Servers     map[string]struct {
					Listen         []string `json:"listen"`
					AutomaticHTTPS struct {
						Disable bool `json:"disable"`
					} `json:"automatic_https"`
				} `json:"servers"`
			} `json:"http"`
		} `json:"apps"`
	}
	if err := json.Unmarshal(s.Config(), &cfg); err != nil {
		t.Fatalf("decoding config: %v", err)
	}
	if !cfg.Admin.Disabled || cfg.Admin.Config.Persist == nil || *cfg.Admin.Config.Persist {
		t.Errorf("admin = %+v, want disabled without persistence", cfg.Admin)
	}
	if cfg.Storage.Module != "file_system" || !strings.HasPrefix(filepath.Base(cfg.Storage.Root), "testcaddy-storage-") {
		t.Errorf("storage = %+v, want a temporary file_system", cfg.Storage)
	}
	if cfg.Apps.HTTP.GracePeriod != 1 {
		t.Errorf("grace_period = %d, want 1", cfg.Apps.HTTP.GracePeriod)
	}
	if len(cfg.Apps.HTTP.Servers) != 1 {
		t.Fatalf("servers = %+v, want one", cfg.Apps.HTTP.Servers)
	}
	for name, srv := range cfg.Apps.HTTP.Servers {
		want := []string{s.Addr(1)}
		if !slices.Equal(srv.Listen, want) {
			t.Errorf("server %s listens on %q, want %q", name, srv.Listen, want)
		}
		if !srv.AutomaticHTTPS.Disable {
			t.Errorf("server %s: automatic HTTPS not disabled", name)
		}
	}
	if status, body, _ := get(t, s.URL(1)); status != 200 || body != "catch-all" {
		t.Errorf("GET %s = %d %q", s.URL(1), status, body)
	}
}

// TestStartFails drives Start with a recording testing.TB to check the
// message of every way it refuses a Caddyfile.
func TestStartFails(t *testing.T) {
	tests := []struct {
		name      string
		caddyfile string
		want      []string
	}{
		{
			name: "unknown directive names its line",
			caddyfile: `http://127.0.0.1:{PORT} {
	respond "ok"
	bogus_directive arg
}
`,
			want: []string{"adapting Caddyfile", "Caddyfile:3", "bogus_directive", "    3 | \tbogus_directive arg"},
		},
		{
			name: "wrong argument count names its line",
			caddyfile: `# comment

http://127.0.0.1:{PORT} {
	respond a 200 b c d
}
`,
			want: []string{"Caddyfile:4", "    4 | \trespond a 200 b c d"},
		},
		{
			name:      "unclosed block",
			caddyfile: "http://127.0.0.1:{PORT} {\n\trespond ok\n",
			want:      []string{"adapting Caddyfile", "Caddyfile:"},
		},
		{
			name: "non-loopback bind",
			caddyfile: `http://127.0.0.1:{PORT} {
	bind 0.0.0.0
	respond ok
}
`,
			want: []string{"not loopback"},
		},
		{
			name:      "port zero",
			caddyfile: "http://127.0.0.1:{PORT0} {\n\trespond ok\n}\n",
			want:      []string{"{PORT0}", "numbered from 1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := runRecorded(t, func(tb testing.TB) { Start(tb, tt.caddyfile) })
			if !rec.fatal {
				t.Fatalf("Start accepted the Caddyfile; log:\n%s", rec.log())
			}
			for _, w := range tt.want {
				if !strings.Contains(rec.log(), w) {
					t.Errorf("failure message does not contain %q:\n%s", w, rec.log())
				}
			}
		})
	}
}

// TestStartTwiceInOneTest checks that the lock refuses a second Server in the
// same test at once instead of deadlocking, and that the first still serves.
func TestStartTwiceInOneTest(t *testing.T) {
	const caddyfile = "http://127.0.0.1:{PORT} {\n\trespond first\n}\n"
	var first *Server
	rec := runRecorded(t, func(tb testing.TB) {
		first = Start(tb, caddyfile)
		if status, body, _ := get(t, first.URL(1)); status != 200 || body != "first" {
			t.Errorf("first server: %d %q", status, body)
		}
		Start(tb, caddyfile)
	})
	if !rec.fatal || !strings.Contains(rec.log(), "Start called twice") {
		t.Fatalf("second Start did not fail as expected:\n%s", rec.log())
	}
	// The recorded cleanups have run: Caddy is stopped and the lock is free.
	s := Start(t, "http://127.0.0.1:{PORT} {\n\trespond again\n}\n")
	if status, body, _ := get(t, s.URL(1)); status != 200 || body != "again" {
		t.Errorf("after cleanup: %d %q", status, body)
	}
}

// TestLockWaitsForOtherTest checks that a Start in a parallel test waits for
// the holder's cleanup rather than replacing its config.
func TestLockWaitsForOtherTest(t *testing.T) {
	saved := lockWait
	lockWait = 200 * time.Millisecond
	defer func() { lockWait = saved }()

	rec := runRecorded(t, func(tb testing.TB) {
		Start(tb, "http://127.0.0.1:{PORT} {\n\trespond holder\n}\n")
		// A different test asks while the holder still runs.
		other := runRecorded(t, func(tb testing.TB) { Start(tb, "http://127.0.0.1:{PORT} {\n\trespond other\n}\n") })
		if !other.fatal || !strings.Contains(other.log(), "must not run in parallel") {
			t.Errorf("second test did not fail with the parallel hint:\n%s", other.log())
		}
	})
	if rec.fatal {
		t.Fatalf("holder failed:\n%s", rec.log())
	}
}

func TestPortPlaceholders(t *testing.T) {
	tests := []struct {
		in        string
		wantCount int
		wantErr   bool
		want      string
	}{
		{"no ports", 0, false, "no ports"},
		{":{PORT}", 1, false, ":1001"},
		{":{PORT1} :{PORT}", 1, false, ":1001 :1001"},
		{":{PORT} :{PORT3} {host} {PORTX}", 3, false, ":1001 :1003 {host} {PORTX}"},
		{":{PORT0}", 0, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := portCount(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("portCount(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if n != tt.wantCount {
				t.Errorf("portCount(%q) = %d, want %d", tt.in, n, tt.wantCount)
			}
			ports := []int{1001, 1002, 1003}[:n]
			if got := substitutePorts(tt.in, ports); got != tt.want {
				t.Errorf("substitutePorts(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLoopback(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		waitFor []listener
		wantErr bool
	}{
		{":8080", "127.0.0.1:8080", []listener{{"127.0.0.1", "8080"}}, false},
		{"127.0.0.1:8080", "127.0.0.1:8080", []listener{{"127.0.0.1", "8080"}}, false},
		{"[::1]:8080", "[::1]:8080", []listener{{"::1", "8080"}}, false},
		{"udp/:8443", "udp/127.0.0.1:8443", nil, false},
		{"unix//tmp/x.sock", "unix//tmp/x.sock", nil, false},
		{"0.0.0.0:8080", "", nil, true},
		{"192.0.2.1:80", "", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, waitFor, err := loopback(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("loopback(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want || !slices.Equal(waitFor, tt.waitFor) {
				t.Errorf("loopback(%q) = %q %v, want %q %v", tt.in, got, waitFor, tt.want, tt.waitFor)
			}
		})
	}
}

// TestAdaptGolden compares Adapt with testdata/adapt/*.json; run with
// -update to rewrite them after a reviewed change.
func TestAdaptGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/adapt/*.caddyfile")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, in := range files {
		t.Run(filepath.Base(in), func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			got, warnings, err := Adapt(string(src))
			if err != nil {
				t.Fatalf("Adapt: %v", err)
			}
			if len(warnings) > 0 {
				t.Errorf("warnings: %v", warnings)
			}
			golden := strings.TrimSuffix(in, ".caddyfile") + ".json"
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file (run with -update to create it): %v", err)
			}
			if strings.TrimSpace(string(got)) != strings.TrimSpace(string(want)) {
				t.Errorf("Adapt(%s) differs from %s:\ngot:\n%s", in, golden, got)
			}
		})
	}
}

func TestAdaptError(t *testing.T) {
	_, _, err := Adapt("http://127.0.0.1:8080 {\n\trespond ok\n\tnope\n}\n")
	if err == nil || !regexp.MustCompile(`Caddyfile:3\b`).MatchString(err.Error()) {
		t.Fatalf("Adapt error = %v, want one naming Caddyfile:3", err)
	}
}

// FuzzSubstitutePorts compares the regexp-based substitution with a plain
// left-to-right scanner.
func FuzzSubstitutePorts(f *testing.F) {
	f.Add(":{PORT} :{PORT2}")
	f.Add("{PORT9}{PORT}{PORT1}")
	f.Add("{PORT{PORT}} {PORT12x} {PORT")
	f.Fuzz(func(t *testing.T, in string) {
		n, err := portCount(in)
		if err != nil || n > 1000 {
			return
		}
		ports := make([]int, n)
		for i := range ports {
			ports[i] = 40000 + i
		}
		if got, want := substitutePorts(in, ports), scanSubstitute(in, ports); got != want {
			t.Errorf("substitutePorts(%q) = %q, scanner gives %q", in, got, want)
		}
	})
}

func scanSubstitute(in string, ports []int) string {
	var b strings.Builder
	for i := 0; i < len(in); {
		if strings.HasPrefix(in[i:], "{PORT") {
			j := i + len("{PORT")
			k := j
			for k < len(in) && in[k] >= '0' && in[k] <= '9' {
				k++
			}
			if k < len(in) && in[k] == '}' {
				idx := 1
				if k > j {
					idx, _ = strconv.Atoi(in[j:k])
				}
				b.WriteString(strconv.Itoa(ports[idx-1]))
				i = k + 1
				continue
			}
		}
		b.WriteByte(in[i])
		i++
	}
	return b.String()
}

// get fetches url; an error is reported with t.Errorf (safe off the test
// goroutine) and returns status 0.
func get(t *testing.T, url string) (int, string, http.Header) {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return 0, "", nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("reading %s: %v", url, err)
		return 0, "", nil
	}
	return resp.StatusCode, string(body), resp.Header
}

// recorder is a testing.TB whose Fatal ends only the goroutine running the
// function under test, so a test can inspect how Start fails.
type recorder struct {
	testing.TB
	name string

	mu       sync.Mutex
	lines    []string
	fatal    bool
	cleanups []func()
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Helper()      {}

func (r *recorder) Logf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Errorf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	r.mu.Lock()
	r.fatal = true
	r.mu.Unlock()
	runtime.Goexit()
}

func (r *recorder) Fatal(args ...any) { r.Fatalf("%s", fmt.Sprint(args...)) }
func (r *recorder) FailNow()          { r.Fatalf("FailNow") }

func (r *recorder) Cleanup(f func()) {
	r.mu.Lock()
	r.cleanups = append(r.cleanups, f)
	r.mu.Unlock()
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.lines = append(r.lines, s)
	r.mu.Unlock()
}

func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines, "\n")
}

// runRecorded runs f with a recorder on its own goroutine, then runs the
// recorded cleanups in reverse order, as the testing package does.
func runRecorded(t *testing.T, f func(testing.TB)) *recorder {
	r := &recorder{TB: t, name: t.Name() + "/recorded"}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(r)
	}()
	<-done
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
	return r
}
