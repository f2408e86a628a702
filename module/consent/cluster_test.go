package consent

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// caddyBinary builds cmd/caddy once per test binary: cluster behaviour needs
// separate processes, not the in-process Caddy of the other tests.
func caddyBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "caddy")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/caddy")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building caddy: %v\n%s", err, out)
	}
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// caddyProcess is a `caddy run` of its own.
type caddyProcess struct {
	cmd  *exec.Cmd
	base string
	log  *os.File
}

func startProcess(t *testing.T, bin, storage, upstream string) *caddyProcess {
	t.Helper()
	port := freePort(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "Caddyfile")
	// No secret: every instance must find the one generated in shared storage.
	if err := os.WriteFile(cfg, []byte(fmt.Sprintf(`{
	admin off
	auto_https off
	storage file_system %s
}
http://127.0.0.1:%d {
	consent
	reverse_proxy %s
}
`, storage, port, upstream)), 0o644); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(filepath.Join(dir, "caddy.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "run", "--config", cfg, "--adapter", "caddyfile")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_CONFIG_HOME="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &caddyProcess{cmd: cmd, base: fmt.Sprintf("http://127.0.0.1:%d", port), log: logf}
	t.Cleanup(func() { p.stop(t) })
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return p
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("caddy did not start:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the process as an ops team would (SIGINT): the inventory flushes
// one last time on the way out.
func (p *caddyProcess) stop(t *testing.T) {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGINT)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
		t.Errorf("caddy did not stop on SIGINT")
	}
	p.log.Close()
}

// TestClusterSharesSecretAndInventory runs two Caddy processes on one storage
// folder, as a cluster with shared storage would: a choice made on one counts
// on the other, and what each saw ends up in one declaration.
func TestClusterSharesSecretAndInventory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs Caddy processes")
	}
	bin := caddyBinary(t)
	storage := t.TempDir()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/a":
			w.Header().Add("Set-Cookie", "pll_language=nb; Max-Age=31536000; Path=/")
		case "/b":
			w.Header().Add("Set-Cookie", "tap_vid=abc; Max-Age=31536000; Path=/")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, trackerPage)
	}))
	defer up.Close()
	host := strings.TrimPrefix(up.URL, "http://")

	a := startProcess(t, bin, storage, host)
	b := startProcess(t, bin, storage, host)

	ck := decide(t, a.base, url.Values{"action": {"accept-all"}})
	if _, body := page(t, b.base, ck, nil); !loadsGA(body) || !loadsPixel(body) {
		t.Fatal("a choice made on instance A does not count on instance B: they did not agree on the generated secret")
	}
	if _, body := page(t, b.base, "", nil); loadsGA(body) {
		t.Fatal("instance B grants consent without a cookie")
	}

	get(t, "GET", a.base+"/a", nil) // A sees pll_language
	get(t, "GET", b.base+"/b", nil) // B sees tap_vid
	a.stop(t)
	b.stop(t)

	c := startProcess(t, bin, storage, host)
	_, decl := get(t, "GET", c.base+"/_consent/cookies?format=json", nil)
	for _, name := range []string{`"pll_language"`, `"tap_vid"`} {
		if !strings.Contains(string(decl), name) {
			t.Errorf("the declaration after both instances flushed lacks %s:\n%s", name, snippet(decl, 0))
		}
	}
	// The choice made on A still counts on a fresh instance: the key lives in storage.
	if _, body := page(t, c.base, ck, nil); !loadsGA(body) {
		t.Error("a fresh instance on the same storage does not accept an earlier choice")
	}
}
