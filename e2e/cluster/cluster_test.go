//go:build e2e

package cluster

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// host is the site every request names; the balancer passes it on.
	host = "cluster.example"
	// flushEvery is the instances' inventory flush interval
	// (CONSENT_E2E_FLUSH_EVERY, honoured by a -tags consente2e build only).
	// Production's is a minute; two of those would cost this test two.
	flushEvery = 2 * time.Second
	// lockPoll is how long the Redis storage (caddy/redisstore) waits
	// before retrying a lock another instance holds: a flush may wait that
	// long on the flushes of the other instances.
	lockPoll = 250 * time.Millisecond
	// outage is how long Redis is away. The issue asks for 30 s; 8 s is four
	// failed flushes per instance, which is what the assertions need (one
	// error line per failure kind, however many flushes fail), and keeps the
	// test within its budget.
	outage = 8 * time.Second
	// lockTTL is the lease of the Redis storage's locks: a lock taken by a
	// command that Redis ran after its client gave up lingers at most that
	// long (the storage releases it as soon as Redis answers again).
	lockTTL = 5 * time.Second
	// keyPrefix and redisDB are the Redis storage's key_prefix and db.
	keyPrefix = "consent-e2e"
	redisDB   = 2
)

// The upstream: one site whose pages load trackers and whose paths each set
// one cookie, so that each instance can be shown something of its own.
const trackerPage = `<!doctype html><html lang="en"><head><title>shop</title>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-DEMO000000"></script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}gtag('js',new Date());gtag('config','G-DEMO000000');</script>
</head><body><p>Welcome</p>%s
<noscript><img height="1" width="1" style="display:none" src="https://www.facebook.com/tr?id=000000000000000&ev=PageView&noscript=1"/></noscript>
</body></html>`

var setCookies = map[string]string{
	"/ga":      "_ga=GA1.1.123.456; Max-Age=63072000; Path=/",
	"/fbp":     "_fbp=fb.1.1700000000.123; Max-Age=7776000; Path=/",
	"/unknown": "cluster_probe=1; Path=/; HttpOnly",
	"/ads":     "_gcl_au=1.1.123.456; Max-Age=7776000; Path=/",
	"/outage":  "outage_probe=1; Path=/",
}

func upstream(t *testing.T) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := setCookies[r.URL.Path]; ok {
			w.Header().Add("Set-Cookie", c)
		}
		extra := ""
		if r.URL.Path == "/unknown" {
			// A third party no catalog row knows: the inventory reports it.
			extra = `<script src="https://cdn.cluster-partner.example/widget.js"></script>`
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, trackerPage, extra)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func loadsGA(body string) bool {
	return strings.Contains(body, `<script async src="https://www.googletagmanager.com`)
}

// asks reports whether the page shows the consent bar: a visitor with no
// choice, or one whose choice does not count.
func asks(body string) bool { return strings.Contains(body, `<div class="cb-bar" style=`) }

// decided reports whether the page carries the banner with its bar hidden:
// a visitor whose choice counts.
func decided(body string) bool { return strings.Contains(body, `<div class="cb-bar" hidden`) }

// --- processes --------------------------------------------------------------

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(port int, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// buildCaddy builds caddy/ (Caddy, every caddy-consent module, the test's
// Redis storage module) once, with the shared build cache, into a temporary folder.
func buildCaddy(t *testing.T) string {
	t.Helper()
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "caddy")
	cmd := exec.Command("go", "build", "-tags", "consente2e", "-buildvcs=false", "-o", bin, ".")
	cmd.Dir = "caddy"
	cmd.Env = append(os.Environ(), "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the cluster's caddy: %v\n%s", err, out)
	}
	t.Logf("built caddy with the Redis storage module in %v", time.Since(start).Round(100*time.Millisecond))
	return bin
}

// orphanKill ends a child when the test binary dies (a -timeout panic, a
// kill): no Redis or Caddy outlives the test.
var orphanKill = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}

// redis is a private redis-server: loopback, a random port, its append-only
// file in a temporary folder, so that a stop and a start keep the data as a
// production Redis does.
type redis struct {
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

func startRedis(t *testing.T) *redis {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: run e2e/cluster/setup.sh (make e2e does)")
	}
	r := &redis{port: freePort(t), dir: t.TempDir()}
	r.start(t)
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *redis) start(t *testing.T) {
	t.Helper()
	r.cmd = exec.Command("redis-server",
		"--bind", "127.0.0.1", "--port", fmt.Sprint(r.port), "--protected-mode", "yes",
		"--dir", r.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
		"--logfile", filepath.Join(r.dir, "redis.log"), "--daemonize", "no")
	r.cmd.SysProcAttr = orphanKill
	if err := r.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(r.cmd, r.done)
	if err := waitPort(r.port, 10*time.Second); err != nil {
		b, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
		t.Fatalf("redis-server did not start: %v\n%s", err, b)
	}
}

func (r *redis) stop(t *testing.T) {
	select {
	case <-r.done:
		return
	default:
	}
	_ = r.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		_ = r.cmd.Process.Kill()
		<-r.done
		t.Error("redis-server did not stop on SIGTERM")
	}
}

// cli runs redis-cli against r and returns its raw output.
func (r *redis) cli(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("redis-cli", append([]string{"-h", "127.0.0.1", "-p", fmt.Sprint(r.port), "-n", fmt.Sprint(redisDB), "--raw"}, args...)...).Output()
	if err != nil {
		t.Fatalf("redis-cli %v: %v", args, err)
	}
	return strings.TrimRight(string(out), "\n")
}

// value reads a storage key as the Redis storage keeps it: the field
// "value" of the hash <key_prefix>/<key>.
func (r *redis) value(t *testing.T, key string) []byte {
	t.Helper()
	return []byte(r.cli(t, "HGET", keyPrefix+"/"+key, "value"))
}

// instance is one `caddy run`.
type instance struct {
	name string
	port int
	bin  string
	cfg  string
	dir  string
	env  []string
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
}

func (in *instance) base() string { return fmt.Sprintf("http://127.0.0.1:%d", in.port) }

// newInstance writes the Caddyfile of a cluster member: Redis storage, the
// consent module with no secret and policy_version auto, the upstream.
func newInstance(t *testing.T, bin, name string, redisPort int, up string) *instance {
	in := &instance{name: name, port: freePort(t), bin: bin, dir: t.TempDir()}
	in.cfg = filepath.Join(in.dir, "Caddyfile")
	in.write(t, fmt.Sprintf(`{
	admin off
	auto_https off
	storage consent_test_redis {
		address 127.0.0.1:%d
		db %d
		key_prefix %s
		timeout 2s
	}
}
http://%s:%d {
	bind 127.0.0.1
	header X-Instance %s
	consent {
		policy_version auto
	}
	reverse_proxy %s
}
`, redisPort, redisDB, keyPrefix, host, in.port, name, up))
	in.env = append(os.Environ(), "HOME="+in.dir, "XDG_DATA_HOME="+in.dir, "XDG_CONFIG_HOME="+in.dir,
		"CONSENT_E2E_FLUSH_EVERY="+flushEvery.String())
	t.Cleanup(func() { in.stop(t) })
	return in
}

func (in *instance) write(t *testing.T, cfg string) {
	if err := os.WriteFile(in.cfg, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

// start launches the process; wait for it with ready.
func (in *instance) start(t *testing.T) {
	t.Helper()
	logf, err := os.OpenFile(filepath.Join(in.dir, "caddy.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	in.log = logf
	in.cmd = exec.Command(in.bin, "run", "--config", in.cfg, "--adapter", "caddyfile")
	in.cmd.Stdout, in.cmd.Stderr = logf, logf
	in.cmd.Env = in.env
	in.cmd.SysProcAttr = orphanKill
	if err := in.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	in.done = make(chan struct{})
	go func(cmd *exec.Cmd, done chan struct{}) { _ = cmd.Wait(); close(done) }(in.cmd, in.done)
}

func (in *instance) ready(t *testing.T) {
	t.Helper()
	if err := waitPort(in.port, 30*time.Second); err != nil {
		t.Fatalf("%s did not start: %v\n%s", in.name, err, in.logText(t))
	}
}

// stop ends the process as an operator would (SIGINT): the inventory
// flushes one last time on the way out.
func (in *instance) stop(t *testing.T) {
	if in.cmd == nil {
		return
	}
	select {
	case <-in.done:
	default:
		_ = in.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-in.done:
		case <-time.After(20 * time.Second):
			_ = in.cmd.Process.Kill()
			<-in.done
			t.Errorf("%s did not stop on SIGINT", in.name)
		}
	}
	in.log.Close()
	in.cmd = nil
}

func (in *instance) logText(t *testing.T) string {
	b, err := os.ReadFile(filepath.Join(in.dir, "caddy.log"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// logEntry is one JSON line of Caddy's default log.
type logEntry struct {
	TS      float64  `json:"ts"`
	Level   string   `json:"level"`
	Logger  string   `json:"logger"`
	Msg     string   `json:"msg"`
	Failure []string `json:"failure"`
	Version string   `json:"policy_version"`
	Failed  int      `json:"failed_flushes"`
	Err     string   `json:"error"`
}

func (e logEntry) at() time.Time { return time.UnixMicro(int64(e.TS * 1e6)) }

func (in *instance) entries(t *testing.T) []logEntry {
	var out []logEntry
	sc := bufio.NewScanner(strings.NewReader(in.logText(t)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e logEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// --- HTTP -------------------------------------------------------------------

var client = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{DisableKeepAlives: true},
}

type reply struct {
	status   int
	instance string // X-Instance: which member answered
	body     string
	cookies  []*http.Cookie
	took     time.Duration
}

func (r reply) expired() []string {
	var out []string
	for _, c := range r.cookies {
		if c.MaxAge < 0 {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}

func do(t *testing.T, method, base, path, cookie string, form url.Values) reply {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", "http://"+host)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, base, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, base, path, err)
	}
	return reply{status: resp.StatusCode, instance: resp.Header.Get("X-Instance"), body: string(b),
		cookies: resp.Cookies(), took: time.Since(start)}
}

// decide posts a choice and returns the consent cookie ("consent=…") and
// the reply.
func decide(t *testing.T, base, action string, extraCookie string) (string, reply) {
	t.Helper()
	r := do(t, "POST", base, "/_consent", extraCookie, url.Values{"action": {action}, "return": {"/"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("consent post to %s (%s): status %d", base, r.instance, r.status)
	}
	for _, c := range r.cookies {
		if c.Name == "consent" && c.MaxAge >= 0 {
			return c.Name + "=" + c.Value, r
		}
	}
	t.Fatalf("consent post to %s (%s) set no consent cookie", base, r.instance)
	return "", r
}

// declaration is what GET /_consent/cookies?format=json says: the observed
// cookie names (each as often as listed), the services, the unknown hosts.
type declaration struct {
	cookies  map[string]int
	services map[string]bool
	hosts    map[string]bool
}

func declared(t *testing.T, base string) declaration {
	t.Helper()
	r := do(t, "GET", base, "/_consent/cookies?format=json", "", nil)
	if r.status != http.StatusOK {
		t.Fatalf("declaration of %s: status %d", base, r.status)
	}
	var d struct {
		Categories []struct {
			Cookies []struct {
				Name     string `json:"name"`
				Observed bool   `json:"observed"`
			} `json:"cookies"`
			Services []struct {
				ID string `json:"id"`
			} `json:"services"`
		} `json:"categories"`
		Unclassified []struct {
			Name string `json:"name"`
		} `json:"unclassified"`
		Hosts []struct {
			Host string `json:"host"`
		} `json:"unknown_script_hosts"`
	}
	if err := json.Unmarshal([]byte(r.body), &d); err != nil {
		t.Fatalf("declaration of %s: %v", base, err)
	}
	out := declaration{cookies: map[string]int{}, services: map[string]bool{}, hosts: map[string]bool{}}
	for _, c := range d.Categories {
		for _, ck := range c.Cookies {
			if ck.Observed {
				out.cookies[ck.Name]++
			}
		}
		for _, s := range c.Services {
			out.services[s.ID] = true
		}
	}
	for _, c := range d.Unclassified {
		out.cookies[c.Name]++
	}
	for _, h := range d.Hosts {
		out.hosts[h.Host] = true
	}
	return out
}

// lacks lists what d does not show of the cookie names, and the names it
// lists more than once.
func (d declaration) lacks(names ...string) (missing, doubled []string) {
	for _, n := range names {
		switch d.cookies[n] {
		case 0:
			missing = append(missing, n)
		case 1:
		default:
			doubled = append(doubled, n)
		}
	}
	return missing, doubled
}

// waitUnion polls every instance's declaration until it lists names, and
// returns how long the slowest took.
func waitUnion(t *testing.T, members []*instance, limit time.Duration, names ...string) time.Duration {
	t.Helper()
	start := time.Now()
	var slowest time.Duration
	for _, in := range members {
		for {
			missing, doubled := declared(t, in.base()).lacks(names...)
			if len(doubled) > 0 {
				t.Fatalf("%s declares %v more than once", in.name, doubled)
			}
			if len(missing) == 0 {
				slowest = max(slowest, time.Since(start))
				break
			}
			if time.Since(start) > limit {
				t.Fatalf("%s still lacks %v %v after its peers saw them (limit %v)", in.name, missing,
					time.Since(start).Round(time.Millisecond), limit)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return slowest
}

// storedRecord reads the inventory record of host from Redis, each record
// a key under the folder's prefix, and returns its cookie names.
func storedRecord(t *testing.T, r *redis) []string {
	t.Helper()
	dir := "caddy-consent/inventory"
	var names []string
	found := 0
	for _, full := range strings.Fields(r.cli(t, "KEYS", keyPrefix+"/"+dir+"/*")) {
		k := strings.TrimPrefix(full, keyPrefix+"/"+dir+"/")
		var rec struct {
			Host    string `json:"host"`
			Cookies []struct {
				Name string `json:"name"`
			} `json:"cookies"`
		}
		if err := json.Unmarshal(r.value(t, dir+"/"+k), &rec); err != nil {
			t.Fatalf("inventory record %s in Redis: %v", k, err)
		}
		if rec.Host != host {
			continue
		}
		found++
		for _, c := range rec.Cookies {
			names = append(names, c.Name)
		}
	}
	if found != 1 {
		t.Fatalf("%d inventory records of %s in Redis, want 1", found, host)
	}
	sort.Strings(names)
	return names
}

// --- the test ---------------------------------------------------------------

func TestClusterOnRedis(t *testing.T) {
	testStart := time.Now()
	bin := buildCaddy(t)
	rd := startRedis(t)
	up := upstream(t)

	// Three members started at once, so that they race for the secret.
	members := []*instance{
		newInstance(t, bin, "a", rd.port, up),
		newInstance(t, bin, "b", rd.port, up),
		newInstance(t, bin, "c", rd.port, up),
	}
	a, b, c := members[0], members[1], members[2]
	for _, in := range members {
		in.start(t)
	}
	for _, in := range members {
		in.ready(t)
	}
	lb := &instance{name: "lb", port: freePort(t), bin: bin, dir: t.TempDir()}
	lb.cfg = filepath.Join(lb.dir, "Caddyfile")
	lb.write(t, fmt.Sprintf(`{
	admin off
	auto_https off
}
http://%s:%d {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:%d 127.0.0.1:%d 127.0.0.1:%d {
		lb_policy round_robin
		lb_try_duration 5s
		fail_duration 2s
	}
}
`, host, lb.port, a.port, b.port, c.port))
	lb.env = append(os.Environ(), "HOME="+lb.dir, "XDG_DATA_HOME="+lb.dir, "XDG_CONFIG_HOME="+lb.dir)
	t.Cleanup(func() { lb.stop(t) })
	lb.start(t)
	lb.ready(t)
	t.Logf("redis, three members and the balancer up after %v", time.Since(testStart).Round(100*time.Millisecond))

	// Every member sees the tracker page once, so that policy_version auto
	// starts equal everywhere: it hashes what each member has seen.
	for _, in := range members {
		if r := do(t, "GET", in.base(), "/", "", nil); r.status != 200 || !asks(r.body) || loadsGA(r.body) {
			t.Fatalf("%s: a first visit got status %d, consent bar %v, GA loading %v", in.name, r.status, asks(r.body), loadsGA(r.body))
		}
	}

	t.Run("one secret", func(t *testing.T) {
		stored := rd.value(t, "caddy-consent/secret")
		key, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(stored)))
		if err != nil || len(key) < 32 {
			t.Fatalf("the secret in Redis is %q (%v): want a generated key of 32 bytes", stored, err)
		}
		generated := 0
		for _, in := range members {
			for _, e := range in.entries(t) {
				if strings.HasPrefix(e.Msg, "generated a consent signing key") {
					generated++
				}
			}
		}
		if generated != 1 {
			t.Errorf("%d members generated a key, want exactly 1", generated)
		}
		// A choice signed by any member counts on every member.
		for _, from := range members {
			ck, _ := decide(t, from.base(), "accept-all", "")
			for _, to := range members {
				if r := do(t, "GET", to.base(), "/", ck, nil); !loadsGA(r.body) || !decided(r.body) {
					t.Errorf("a choice made on %s does not count on %s", from.name, to.name)
				}
			}
		}
		if r := do(t, "GET", b.base(), "/", "consent=forged", nil); loadsGA(r.body) {
			t.Error("a forged cookie counts")
		}
	})

	t.Run("round robin", func(t *testing.T) {
		// Through the balancer each request lands on the next member: a
		// choice made on one is honoured by the two others.
		ck, first := decide(t, lb.base(), "accept-all", "")
		seen := map[string]bool{first.instance: true}
		for range 3 {
			r := do(t, "GET", lb.base(), "/", ck, nil)
			seen[r.instance] = true
			if !loadsGA(r.body) || !decided(r.body) {
				t.Errorf("a choice made through %s is not honoured by %s", first.instance, r.instance)
			}
		}
		if len(seen) != 3 {
			t.Errorf("the balancer reached %v, want all three members", seen)
		}
	})

	t.Run("withdrawal", func(t *testing.T) {
		trackers := "_ga=GA1.1.123.456; _fbp=fb.1.1700000000.123"
		accepted, _ := decide(t, a.base(), "accept-all", "")
		if r := do(t, "GET", c.base(), "/", accepted+"; "+trackers, nil); len(r.expired()) > 0 {
			t.Fatalf("c expires %v of a visitor who accepted all", r.expired())
		}
		// Withdrawn on b; the browser still holds the trackers' cookies (a
		// tab that missed the expiry, say): c's next response expires them.
		rejected, _ := decide(t, b.base(), "reject-all", accepted+"; "+trackers)
		r := do(t, "GET", c.base(), "/", rejected+"; "+trackers, nil)
		if got := r.expired(); !slices.Contains(got, "_ga") || !slices.Contains(got, "_fbp") {
			t.Errorf("after a withdrawal on b, c expires %v, want _ga and _fbp", got)
		}
		if loadsGA(r.body) || !decided(r.body) {
			t.Errorf("after a withdrawal on b, c loads GA %v, counts the choice %v; want no and yes", loadsGA(r.body), decided(r.body))
		}
	})

	// The version a member asks consent under, as its decision record says.
	version := func(t *testing.T, in *instance) string {
		t.Helper()
		decide(t, in.base(), "reject-all", "")
		var v string
		for _, e := range in.entries(t) {
			if e.Logger == "http.handlers.consent.records" && e.Version != "" {
				v = e.Version
			}
		}
		if !strings.HasPrefix(v, "auto-") {
			t.Fatalf("%s records policy_version %q, want auto-…", in.name, v)
		}
		return v
	}
	var versionBefore string

	t.Run("inventory merges", func(t *testing.T) {
		versionBefore = version(t, a)
		seenOn := map[*instance]string{a: "/ga", b: "/fbp", c: "/unknown"}
		for in, path := range seenOn {
			do(t, "GET", in.base(), path, "", nil)
		}
		took := waitUnion(t, members, 2*flushEvery+lockPoll+time.Second, "_ga", "_fbp", "cluster_probe")
		t.Logf("every member declares what each saw after %v (flush interval %v)", took.Round(time.Millisecond), flushEvery)
		if took > 2*flushEvery+lockPoll {
			t.Errorf("the union took %v, more than two flush intervals and a lock poll", took)
		}
		for _, in := range members {
			d := declared(t, in.base())
			if !d.hosts["cdn.cluster-partner.example"] || !d.services["google-analytics"] {
				t.Errorf("%s declares hosts %v, services %v: want the partner CDN c saw and GA", in.name, d.hosts, d.services)
			}
		}
		// policy_version auto: the same everywhere, and new, since _ga and
		// _fbp need consent.
		va, vb, vc := version(t, a), version(t, b), version(t, c)
		if va != vb || vb != vc {
			t.Errorf("policy_version auto differs: a %s, b %s, c %s", va, vb, vc)
		}
		if va == versionBefore {
			t.Errorf("policy_version auto is still %s after the site started setting _ga and _fbp", va)
		}
		ck, _ := decide(t, c.base(), "accept-all", "")
		if r := do(t, "GET", a.base(), "/", ck, nil); !loadsGA(r.body) {
			t.Error("after the merge, a choice made on c does not count on a")
		}
		if got := storedRecord(t, rd); !slices.Equal(got, []string{"_fbp", "_ga", "cluster_probe"}) {
			t.Errorf("Redis holds %v, want each of _fbp _ga cluster_probe once", got)
		}
	})

	t.Run("restart", func(t *testing.T) {
		before := declared(t, a.base())
		accepted, _ := decide(t, a.base(), "accept-all", "")
		c.stop(t)
		// While c is away the balancer sends everything to a and b.
		for range 4 {
			if r := do(t, "GET", lb.base(), "/", accepted, nil); r.status != 200 || r.instance == "c" {
				t.Fatalf("with c stopped the balancer answered %d from %q", r.status, r.instance)
			}
		}
		do(t, "GET", b.base(), "/ads", "", nil) // b sees _gcl_au while c is down
		c.start(t)
		c.ready(t)
		after := declared(t, c.base())
		for name := range before.cookies {
			if after.cookies[name] != 1 {
				t.Errorf("restarted c declares %s %d times, want once", name, after.cookies[name])
			}
		}
		took := waitUnion(t, members, 2*flushEvery+lockPoll+time.Second, "_ga", "_fbp", "cluster_probe", "_gcl_au")
		t.Logf("restarted c and its peers declare _gcl_au after %v", took.Round(time.Millisecond))
		if got := storedRecord(t, rd); !slices.Equal(got, []string{"_fbp", "_ga", "_gcl_au", "cluster_probe"}) {
			t.Errorf("Redis holds %v after the restart, want each name once", got)
		}
		// c read the secret back from Redis: a choice signed on a counts
		// on c (made now, since _gcl_au changed the version).
		ck, _ := decide(t, a.base(), "accept-all", "")
		if r := do(t, "GET", c.base(), "/", ck, nil); !loadsGA(r.body) {
			t.Error("restarted c does not honour a choice made on a")
		}
		if va, vc := version(t, a), version(t, c); va != vc {
			t.Errorf("policy_version auto after the restart: a %s, c %s", va, vc)
		}
	})

	t.Run("store down", func(t *testing.T) {
		accepted, _ := decide(t, lb.base(), "accept-all", "")
		secret := string(rd.value(t, "caddy-consent/secret"))
		var baseline []time.Duration
		for range 30 {
			baseline = append(baseline, do(t, "GET", lb.base(), "/", "", nil).took)
		}
		rd.stop(t)
		downAt := time.Now()

		var mu sync.Mutex
		var during []time.Duration
		var failures []string
		note := func(f string, args ...any) {
			mu.Lock()
			failures = append(failures, fmt.Sprintf(f, args...))
			mu.Unlock()
		}
		// Visitors keep coming through the balancer: banners for newcomers,
		// choices made and honoured on the next member, the accepted
		// visitor's trackers.
		time.Sleep(500 * time.Millisecond)
		do(t, "GET", a.base(), "/outage", "", nil) // seen while the store is away
		requests := 0
		for i := 0; time.Since(downAt) < outage; i++ {
			r := do(t, "GET", lb.base(), "/", "", nil)
			if r.status != 200 || !asks(r.body) || loadsGA(r.body) {
				note("newcomer on %s: status %d, consent bar %v", r.instance, r.status, asks(r.body))
			}
			ck, d := decide(t, lb.base(), "accept-all", "")
			r2 := do(t, "GET", lb.base(), "/", ck, nil)
			if !loadsGA(r2.body) || r2.instance == d.instance {
				note("a choice made on %s during the outage not honoured on %s", d.instance, r2.instance)
			}
			r3 := do(t, "GET", lb.base(), "/", accepted, nil)
			if !loadsGA(r3.body) {
				note("%s forgot a choice made before the outage", r3.instance)
			}
			in := members[i%len(members)]
			r4 := do(t, "GET", in.base(), "/", ck, nil)
			if !loadsGA(r4.body) {
				note("a choice made on %s during the outage not honoured on %s", d.instance, in.name)
			}
			during = append(during, r.took, d.took, r2.took, r3.took, r4.took)
			requests += 5
			time.Sleep(20 * time.Millisecond)
		}
		for _, f := range failures {
			t.Error(f)
		}
		// A member that starts while the store is down cannot read the
		// key: the storage says the store failed, not that the key is
		// missing, so the newcomer refuses to start instead of generating
		// a key of its own that would void every choice made so far.
		d := newInstance(t, bin, "d", rd.port, up)
		d.start(t)
		select {
		case <-d.done:
		case <-time.After(15 * time.Second):
			t.Fatalf("d, started with the store down, still runs after 15 s:\n%s", tail(d.logText(t), 20))
		}
		if dlog := d.logText(t); d.cmd.ProcessState.Success() || !strings.Contains(dlog, "secret: loading caddy-consent/secret") ||
			strings.Contains(dlog, "generated a consent signing key") {
			t.Errorf("d, started with the store down, exited %v; want a failure to load the key, no key generated:\n%s",
				d.cmd.ProcessState, tail(dlog, 20))
		}
		slices.Sort(baseline)
		slices.Sort(during)
		p := func(d []time.Duration, q float64) time.Duration { return d[int(q*float64(len(d)-1))] }
		t.Logf("latency before the outage: p50 %v max %v; during (%d requests): p50 %v p99 %v max %v",
			p(baseline, .5), baseline[len(baseline)-1], requests, p(during, .5), p(during, .99), during[len(during)-1])
		// A request that waited on the store would wait for a flush's lock
		// or Redis's timeouts: seconds. Generous for a loaded 2-core machine.
		if worst := during[len(during)-1]; worst > time.Second {
			t.Errorf("a request took %v while the store was down", worst)
		}

		rd.start(t)
		upAt := time.Now()
		took := waitUnion(t, members, 2*flushEvery+lockPoll+2*time.Second, "outage_probe")
		t.Logf("store back: every member declares what a saw during the outage after %v", took.Round(time.Millisecond))
		if got := storedRecord(t, rd); !slices.Contains(got, "outage_probe") || !slices.Contains(got, "_gcl_au") {
			t.Errorf("Redis after the outage holds %v", got)
		}
		if got := string(rd.value(t, "caddy-consent/secret")); got != secret {
			t.Errorf("the key in Redis changed over the outage: %q, was %q", got, secret)
		}
		// One error per failure kind and member, however many flushes and
		// requests; one line when the store is back.
		deadline := time.Now().Add(2*flushEvery + lockPoll)
		for _, in := range members {
			for {
				var errs, backs, failedFlushes int
				kinds := map[string]int{}
				for _, e := range in.entries(t) {
					switch {
					case e.Level == "error":
						errs++
						for _, k := range e.Failure {
							kinds[k]++
						}
					case strings.HasPrefix(e.Msg, "cookie inventory storage is back"):
						backs++
						failedFlushes = e.Failed
					}
				}
				if backs == 0 && time.Now().Before(deadline) {
					time.Sleep(100 * time.Millisecond)
					continue
				}
				// go-redis, under the storage module, prints a plain line of
				// its own for each connection it fails to dial.
				goRedis := strings.Count(in.logText(t), "redis: connection pool: failed to dial")
				t.Logf("%s: %d error lines (kinds %v) for %d failed flushes and %d requests through the balancer; %d recovery line; go-redis printed %d dial failures",
					in.name, errs, kinds, failedFlushes, requests, backs, goRedis)
				if limit := 3 * int(outage/time.Second); goRedis > limit {
					t.Errorf("%s: go-redis printed %d dial failures in a %v outage, more than %d: per request?", in.name, goRedis, outage, limit)
				}
				if backs != 1 {
					t.Errorf("%s logged %d recovery lines, want 1", in.name, backs)
				}
				if failedFlushes < int(outage/flushEvery)-2 {
					t.Errorf("%s counted %d failed flushes in a %v outage", in.name, failedFlushes, outage)
				}
				if errs == 0 || errs > len(kinds) {
					t.Errorf("%s logged %d errors for %d failure kinds, want one per kind", in.name, errs, len(kinds))
				}
				for k, n := range kinds {
					if n != 1 {
						t.Errorf("%s logged failure %q %d times, want once", in.name, k, n)
					}
				}
				break
			}
		}
		t.Logf("outage %v, back to the union %v after the store returned", upAt.Sub(downAt).Round(100*time.Millisecond), time.Since(upAt).Round(100*time.Millisecond))
	})

	// Last, since what it leaves (locks taken by commands Redis ran after
	// their clients gave up) would blur the counts above.
	t.Run("store hangs", func(t *testing.T) {
		// SIGSTOP: the kernel still accepts connections and takes commands,
		// Redis answers nothing. Anything that waited on it would wait for
		// a timeout.
		if err := rd.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		hungAt := time.Now()
		resumed := false
		resume := func() {
			if !resumed {
				_ = rd.cmd.Process.Signal(syscall.SIGCONT)
				resumed = true
			}
		}
		defer resume()
		failedSince := func(since time.Time) (failed, back int) {
			for _, in := range members {
				f, b := false, false
				for _, e := range in.entries(t) {
					if e.at().Before(since) {
						continue
					}
					f = f || e.Level == "error"
					b = b || strings.HasPrefix(e.Msg, "cookie inventory storage is back")
				}
				if f {
					failed++
				}
				if b {
					back++
				}
			}
			return failed, back
		}
		var worst time.Duration
		requests := 0
		// Hung until every member has had a flush run out of time on it.
		for i := 0; ; i++ {
			r := do(t, "GET", lb.base(), "/", "", nil)
			ck, d := decide(t, lb.base(), "accept-all", "")
			r2 := do(t, "GET", lb.base(), "/", ck, nil)
			if !asks(r.body) || !loadsGA(r2.body) {
				t.Errorf("with Redis hung: a newcomer on %s asked %v; a choice made on %s honoured on %s %v",
					r.instance, asks(r.body), d.instance, r2.instance, loadsGA(r2.body))
			}
			worst = max(worst, r.took, d.took, r2.took)
			requests += 3
			if i%10 == 9 {
				if f, _ := failedSince(hungAt); f == len(members) {
					break
				}
				if time.Since(hungAt) > 3*flushEvery+lockPoll {
					f, _ := failedSince(hungAt)
					t.Fatalf("%d of 3 members logged a failed flush %v into the hang", f, time.Since(hungAt).Round(time.Millisecond))
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		hung := time.Since(hungAt)
		resume()
		t.Logf("Redis hung %v: %d requests through the balancer, the slowest %v", hung.Round(100*time.Millisecond), requests, worst)
		if worst > time.Second {
			t.Errorf("a request took %v while Redis hung", worst)
		}
		deadline := time.Now().Add(2*flushEvery + lockTTL + lockPoll + time.Second)
		for {
			if _, back := failedSince(hungAt); back == len(members) {
				break
			}
			if time.Now().After(deadline) {
				_, back := failedSince(hungAt)
				t.Fatalf("%d of 3 members said the store is back %v after Redis resumed", back, time.Since(hungAt.Add(hung)).Round(time.Millisecond))
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("every member flushed again %v after Redis resumed", time.Since(hungAt.Add(hung)).Round(100*time.Millisecond))
		for _, in := range members {
			var lines []string
			for _, e := range in.entries(t) {
				if !e.at().Before(hungAt) && (e.Level == "error" || strings.HasPrefix(e.Msg, "cookie inventory storage is back")) {
					lines = append(lines, fmt.Sprintf("%s %v %d", e.Level, e.Failure, e.Failed))
				}
			}
			t.Logf("%s since the hang: %s", in.name, strings.Join(lines, "; "))
		}
	})
	t.Logf("cluster test took %v in all", time.Since(testStart).Round(100*time.Millisecond))
	if t.Failed() {
		for _, in := range append(members, lb) {
			t.Logf("--- %s log, without decision records:\n%s", in.name, tail(in.logText(t), 80))
		}
	}
}

// tail returns the last n lines of a log that are not decision records.
func tail(s string, n int) string {
	var lines [][]byte
	for _, l := range bytes.Split([]byte(strings.TrimRight(s, "\n")), []byte("\n")) {
		if !bytes.Contains(l, []byte(`"logger":"http.handlers.consent.records"`)) {
			lines = append(lines, l)
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
