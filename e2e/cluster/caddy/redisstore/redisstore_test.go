package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/caddy/v2/caddyconfig/caddyfile"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// server is a private redis-server on a random loopback port, killed with
// the test.
type server struct {
	addr string
	cmd  *exec.Cmd
}

func startRedis(t *testing.T) *server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: run e2e/cluster/setup.sh (make e2e does)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	dir := t.TempDir()
	cmd := exec.Command("redis-server", "--bind", "127.0.0.1", "--port", fmt.Sprint(port),
		"--save", "", "--appendonly", "no", "--dir", dir,
		"--logfile", filepath.Join(dir, "redis.log"), "--daemonize", "no")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	s := &server{addr: fmt.Sprintf("127.0.0.1:%d", port), cmd: cmd}
	for deadline := time.Now().Add(10 * time.Second); ; {
		c, err := net.Dial("tcp", s.addr)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(filepath.Join(dir, "redis.log"))
			t.Fatalf("redis-server did not start: %v\n%s", err, b)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// raw is a plain client, to look at and tamper with what the storage wrote.
func (s *server) raw(t *testing.T) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: s.addr, Protocol: 2})
	t.Cleanup(func() { c.Close() })
	return c
}

// open returns a provisioned Storage; each has its own timeout, so its own
// client, as separate processes would.
func open(t *testing.T, addr, prefix string, timeout time.Duration) *Storage {
	t.Helper()
	s := &Storage{Address: addr, KeyPrefix: prefix, Timeout: caddy.Duration(timeout)}
	if err := s.open(zap.NewNop()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreLoadStatDelete(t *testing.T) {
	srv := startRedis(t)
	st := open(t, srv.addr, "t1", time.Second)
	ctx := context.Background()

	if _, err := st.Load(ctx, "a/b.json"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("load of a missing key: %v, want fs.ErrNotExist", err)
	}
	if _, err := st.Stat(ctx, "a"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("stat of a missing key: %v, want fs.ErrNotExist", err)
	}
	before := time.Now()
	for k, v := range map[string]string{"a/b.json": `{"x":1}`, "a/c/d": "deep", "ab": "sibling"} {
		if err := st.Store(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Store(ctx, "a/b.json", []byte(`{"x":2}`)); err != nil {
		t.Fatal(err)
	}
	if b, err := st.Load(ctx, "a/b.json"); err != nil || string(b) != `{"x":2}` {
		t.Fatalf("load after an overwrite: %q, %v", b, err)
	}
	fi, err := st.Stat(ctx, "a/b.json")
	if err != nil || !fi.IsTerminal || fi.Size != 7 || fi.Key != "a/b.json" || fi.Modified.Before(before.Add(-time.Second)) {
		t.Fatalf("stat of a value: %+v, %v", fi, err)
	}
	if fi, err := st.Stat(ctx, "a/c"); err != nil || fi.IsTerminal {
		t.Fatalf("stat of a directory: %+v, %v", fi, err)
	}
	if !st.Exists(ctx, "a") || !st.Exists(ctx, "a/c/d") || st.Exists(ctx, "a/c/e") {
		t.Error("Exists is wrong about a directory, a value or a missing key")
	}
	if got := srv.raw(t).HGet(ctx, "t1/a/b.json", "value").Val(); got != `{"x":2}` {
		t.Errorf("the hash at t1/a/b.json holds %q", got)
	}

	if err := st.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if st.Exists(ctx, "a/b.json") || st.Exists(ctx, "a/c/d") || !st.Exists(ctx, "ab") {
		t.Error("deleting a directory must delete what is under it, and only that")
	}
	if err := st.Delete(ctx, "a"); err != nil {
		t.Errorf("deleting a missing key: %v, want nil", err)
	}
}

func TestList(t *testing.T) {
	srv := startRedis(t)
	st := open(t, srv.addr, "t2", time.Second)
	other := open(t, srv.addr, "t2x", time.Second)
	ctx := context.Background()
	for _, k := range []string{"inv/a.json", "inv/b.json", "inv/sub/c.json", "inv/sub/deep/d", "invx/e", "inv/[*]?.json"} {
		if err := st.Store(ctx, k, []byte("v")); err != nil {
			t.Fatal(err)
		}
	}
	if err := other.Store(ctx, "inv/other.json", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		dir       string
		recursive bool
		want      []string
	}{
		{"inv", false, []string{"inv/[*]?.json", "inv/a.json", "inv/b.json", "inv/sub"}},
		{"inv/", false, []string{"inv/[*]?.json", "inv/a.json", "inv/b.json", "inv/sub"}},
		{"inv", true, []string{"inv/[*]?.json", "inv/a.json", "inv/b.json", "inv/sub", "inv/sub/c.json", "inv/sub/deep", "inv/sub/deep/d"}},
		{"inv/sub", false, []string{"inv/sub/c.json", "inv/sub/deep"}},
		{"", false, []string{"inv", "invx"}},
	} {
		got, err := st.List(ctx, tc.dir, tc.recursive)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("List(%q, %v) = %q, %v; want %q", tc.dir, tc.recursive, got, err, tc.want)
		}
	}
	if got, err := st.List(ctx, "nothing", true); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("listing a missing directory: %q, %v; want fs.ErrNotExist", got, err)
	}
	// "inv/[*" must not read as a pattern that matches inv/a.json.
	if got, err := st.List(ctx, "inv/[*", false); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("listing inv/[*: %q, %v; want fs.ErrNotExist", got, err)
	}
}

// A store that fails is an error, never "no such key": caddy-consent would
// otherwise generate a new signing key, or write an inventory record over
// one it could not read.
func TestFailuresAreErrors(t *testing.T) {
	srv := startRedis(t)
	ctx := context.Background()
	st := open(t, srv.addr, "t3", 300*time.Millisecond)
	if err := st.Store(ctx, "k", []byte("v")); err != nil {
		t.Fatal(err)
	}
	check := func(t *testing.T, st *Storage, limit time.Duration) {
		t.Helper()
		start := time.Now()
		_, err := st.Load(ctx, "k")
		if err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("load: %v, want an error that is not fs.ErrNotExist", err)
		}
		if took := time.Since(start); took > limit {
			t.Errorf("load failed after %v, more than %v", took, limit)
		}
		if _, err := st.Load(ctx, "missing"); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("load of a missing key from a failing store: %v, want an error that is not fs.ErrNotExist", err)
		}
		if _, err := st.Stat(ctx, "k"); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("stat: %v", err)
		}
		if _, err := st.List(ctx, "", true); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("list: %v", err)
		}
		if err := st.Store(ctx, "k", []byte("w")); err == nil {
			t.Error("store on a failing Redis succeeded")
		}
		if err := st.Lock(ctx, "l"); err == nil {
			t.Error("lock on a failing Redis succeeded")
		}
		if st.Exists(ctx, "k") {
			t.Error("Exists on a failing Redis says true")
		}
	}
	t.Run("hung", func(t *testing.T) {
		// Connections are accepted, nothing answers: each call ends at
		// the timeout (300 ms), or the caller's deadline.
		if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		defer srv.cmd.Process.Signal(syscall.SIGCONT)
		check(t, st, 2*time.Second)
		dctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		slow := open(t, srv.addr, "t3", 10*time.Second)
		start := time.Now()
		if _, err := slow.Load(dctx, "k"); err == nil || time.Since(start) > 2*time.Second {
			t.Errorf("load with a 100 ms deadline on a hung Redis: %v after %v", err, time.Since(start))
		}
	})
	t.Run("nothing listens", func(t *testing.T) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		check(t, open(t, addr, "t3", 300*time.Millisecond), time.Second)
	})
}

// Instances (each its own client, as separate processes) that contend for
// one lock never overlap in it.
func TestLockExcludes(t *testing.T) {
	srv := startRedis(t)
	var members []*Storage
	for i := range 3 {
		st := open(t, srv.addr, "t4", time.Duration(i+1)*time.Second)
		st.lockPoll = 10 * time.Millisecond
		members = append(members, st)
	}
	var inside, most, total atomic.Int32
	var wg sync.WaitGroup
	for i := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := members[i%len(members)]
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := st.Lock(ctx, "flush"); err != nil {
				t.Error(err)
				return
			}
			n := inside.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			time.Sleep(15 * time.Millisecond)
			inside.Add(-1)
			total.Add(1)
			if err := st.Unlock(context.Background(), "flush"); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if most.Load() != 1 || total.Load() != 12 {
		t.Errorf("%d of 12 got the lock, at most %d at once; want 12, 1", total.Load(), most.Load())
	}
	if n := srv.raw(t).Exists(context.Background(), "t4:lock:flush").Val(); n != 0 {
		t.Error("the lock is still in Redis after every holder released it")
	}

	// A waiter gives up when its context does.
	a, b := members[0], members[1]
	if err := a.Lock(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := b.Lock(ctx, "x"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("lock held elsewhere, waiter's deadline passed: %v", err)
	}
	if took := time.Since(start); took < 150*time.Millisecond || took > time.Second {
		t.Errorf("the waiter gave up after %v, want its 200 ms", took)
	}
	if err := b.Unlock(context.Background(), "x"); err == nil {
		t.Error("unlocking a lock this Storage does not hold succeeded")
	}
	if err := a.Unlock(context.Background(), "x"); err != nil {
		t.Error(err)
	}
}

func TestLockLease(t *testing.T) {
	srv := startRedis(t)
	raw := srv.raw(t)
	ctx := context.Background()
	lease := func(prefix string) *Storage {
		st := open(t, srv.addr, prefix, time.Second)
		st.lockTTL, st.lockPoll = 600*time.Millisecond, 20*time.Millisecond
		return st
	}

	t.Run("renewed while held", func(t *testing.T) {
		a, b := lease("t5"), lease("t5")
		if err := a.Lock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		// Three leases long: b still waits, and the lease stays short.
		wctx, cancel := context.WithTimeout(ctx, 1800*time.Millisecond)
		defer cancel()
		if err := b.Lock(wctx, "l"); err == nil {
			t.Fatal("b took a lock a holds and renews")
		}
		if ttl := raw.PTTL(ctx, "t5:lock:l").Val(); ttl <= 0 || ttl > 600*time.Millisecond {
			t.Errorf("the lock's time to live is %v, want within its 600 ms lease", ttl)
		}
		if err := a.Unlock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := b.Lock(ctx, "l"); err != nil || time.Since(start) > 200*time.Millisecond {
			t.Fatalf("b after a released: %v after %v", err, time.Since(start))
		}
		_ = b.Unlock(ctx, "l")
	})

	t.Run("expires when its owner dies", func(t *testing.T) {
		b := lease("t6")
		// A holder that crashed: its token, and nobody renewing it.
		if err := raw.Do(ctx, "SET", "t6:lock:l", "dead-owner", "NX", "PX", 600).Err(); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if err := b.Lock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took < 450*time.Millisecond || took > 2*time.Second {
			t.Errorf("b took a dead owner's lock after %v, want about its 600 ms lease", took)
		}
		_ = b.Unlock(ctx, "l")
	})

	t.Run("released only by its owner", func(t *testing.T) {
		a, b := lease("t7"), lease("t7")
		if err := a.Lock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		// a's lease is gone (as after a partition longer than it) and b
		// holds the lock: a's renewals and release must leave it alone.
		raw.Del(ctx, "t7:lock:l")
		if err := b.Lock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		bToken := raw.Get(ctx, "t7:lock:l").Val()
		time.Sleep(500 * time.Millisecond) // a's renewer ran
		if err := a.Unlock(ctx, "l"); err == nil || !strings.Contains(err.Error(), "lease had run out") {
			t.Errorf("a released a lock it had lost: %v", err)
		}
		if got := raw.Get(ctx, "t7:lock:l").Val(); got != bToken {
			t.Fatalf("b's lock holds %q after a's release, want b's token %q", got, bToken)
		}
		if err := b.Unlock(ctx, "l"); err != nil {
			t.Error(err)
		}
	})

	t.Run("a lock sent to a hung Redis is released", func(t *testing.T) {
		// Redis takes the SET while stopped and runs it when it resumes,
		// after its client gave up: the lock would shut everyone out for
		// a lease, unless its sender releases it.
		a, b := lease("t8"), lease("t8")
		a.lockTTL, b.lockTTL = 5*time.Second, 5*time.Second
		a.timeout = 200 * time.Millisecond
		if err := srv.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		lctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		err := a.Lock(lctx, "l")
		cancel()
		_ = srv.cmd.Process.Signal(syscall.SIGCONT)
		if err == nil {
			t.Fatal("a took a lock on a hung Redis")
		}
		start := time.Now()
		if err := b.Lock(ctx, "l"); err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("b got the lock %v after Redis resumed, want well within the 5 s lease", took)
		}
		_ = b.Unlock(ctx, "l")
	})
}

func TestCaddyfile(t *testing.T) {
	d := caddyfile.NewTestDispenser(`consent_test_redis {
		address 10.0.0.5:6380
		db 3
		key_prefix shop
		timeout 750ms
	}`)
	var st Storage
	if err := st.UnmarshalCaddyfile(d); err != nil {
		t.Fatal(err)
	}
	if st.Address != "10.0.0.5:6380" || st.DB != 3 || st.KeyPrefix != "shop" || st.Timeout != caddy.Duration(750*time.Millisecond) {
		t.Errorf("parsed %+v", st)
	}
	for _, bad := range []string{
		"consent_test_redis extra",
		"consent_test_redis {\n db -1\n}",
		"consent_test_redis {\n timeout soon\n}",
		"consent_test_redis {\n address\n}",
		"consent_test_redis {\n\n colour blue\n}",
	} {
		var st Storage
		err := st.UnmarshalCaddyfile(caddyfile.NewTestDispenser(bad))
		if err == nil || !strings.Contains(err.Error(), "Testfile:") {
			t.Errorf("%q: %v, want an error with its file and line", bad, err)
		}
	}
	for _, bad := range []Storage{{Address: "no-port"}, {KeyPrefix: "/"}, {DB: -2}} {
		if err := bad.open(zap.NewNop()); err == nil {
			t.Errorf("%+v provisioned", bad)
		}
	}
}
