package inventory

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/caddyserver/certmagic"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// Caddy's storage is what the handler passes: ctx.Storage() is a
// certmagic.Storage. The guard lives in a test so the package itself needs no
// certmagic import.
var _ Storage = (certmagic.Storage)(nil)

func snapshotJSON(t *testing.T, inv *Inventory, host string) string {
	t.Helper()
	data, err := json.Marshal(inv.Snapshot(host))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestTwoInstancesShareFileStorage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	stA, stB := &certmagic.FileStorage{Path: dir}, &certmagic.FileStorage{Path: dir}
	a, b := newInv(t, Options{}), newInv(t, Options{})
	yt := catalog.Default().Service("youtube")
	a.ObserveSetCookie("example.com", []string{"_ga=1; Max-Age=100; Secure"}, t0)
	a.ObservePage("example.com", []*catalog.Service{yt}, nil, t0)
	a.ObservePage("example.com", []*catalog.Service{yt}, nil, t0.Add(time.Minute))
	b.ObserveSetCookie("example.com", []string{"_ga=2; Max-Age=500", "_fbp=1; Max-Age=9"}, t0.Add(time.Hour))
	b.ObservePage("example.com", []*catalog.Service{yt}, []string{"cdn.other.example"}, t0.Add(-time.Hour))
	b.ObserveSetCookie("other.example", []string{"has_js=1"}, t0)

	if a.Version("example.com", "auto") == b.Version("example.com", "auto") {
		t.Fatal("test setup: the instances should disagree before flushing")
	}
	for _, step := range []struct {
		inv *Inventory
		st  Storage
	}{{a, stA}, {b, stB}, {a, stA}} {
		if err := step.inv.Flush(ctx, step.st); err != nil {
			t.Fatalf("flush: %v", err)
		}
	}
	for _, h := range []string{"example.com", "other.example"} {
		if ja, jb := snapshotJSON(t, a, h), snapshotJSON(t, b, h); ja != jb {
			t.Errorf("%s: instances disagree after flushing:\n%s\n%s", h, ja, jb)
		}
	}
	if va, vb := a.Version("example.com", "auto"), b.Version("example.com", "auto"); va != vb {
		t.Errorf("versions disagree after flushing: %s vs %s", va, vb)
	}
	s := a.Snapshot("example.com")
	ga := cookieNamed(t, s, "_ga")
	if ga.MaxAge != 500 || ga.Secure || !ga.FirstSeen.Equal(t0) || !ga.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("merged _ga = %+v", ga)
	}
	if yt := s.Trackers[0]; yt.Pages != 2 || !yt.FirstSeen.Equal(t0.Add(-time.Hour)) || !yt.LastSeen.Equal(t0.Add(time.Minute)) {
		t.Errorf("merged youtube = %+v: want the larger count and the widest interval", yt)
	}

	// The records are files under caddy-consent/inventory, one per host.
	for _, h := range []string{"example.com", "other.example"} {
		if _, err := os.Stat(filepath.Join(dir, "caddy-consent", "inventory", h+".json")); err != nil {
			t.Errorf("record of %s: %v", h, err)
		}
	}

	// A third instance starting later loads the union, and what it loaded is
	// not drift.
	c := newInv(t, Options{})
	if err := c.Load(ctx, &certmagic.FileStorage{Path: dir}); err != nil {
		t.Fatal(err)
	}
	if jc, ja := snapshotJSON(t, c, "example.com"), snapshotJSON(t, a, "example.com"); jc != ja {
		t.Errorf("loaded record differs:\n%s\n%s", jc, ja)
	}
	if news := c.ObserveSetCookie("example.com", []string{"_fbp=1"}, t0); news != nil {
		t.Errorf("drift for a loaded cookie: %+v", news)
	}
}

func TestFlushWritesOnlyChanges(t *testing.T) {
	ctx := context.Background()
	st := &countingStorage{FileStorage: certmagic.FileStorage{Path: t.TempDir()}}
	inv := newInv(t, Options{})
	inv.ObserveSetCookie("example.com", []string{"_ga=1"}, t0)
	if err := inv.Flush(ctx, st); err != nil {
		t.Fatal(err)
	}
	if err := inv.Flush(ctx, st); err != nil {
		t.Fatal(err)
	}
	if st.stores != 1 {
		t.Errorf("%d stores for one change, want 1", st.stores)
	}
	inv.ObserveSetCookie("example.com", []string{"_ga=1"}, t0.Add(time.Minute))
	if err := inv.Flush(ctx, st); err != nil {
		t.Fatal(err)
	}
	if st.stores != 2 {
		t.Errorf("%d stores after a later observation, want 2", st.stores)
	}
	if st.locks != 3 || st.unlocks != 3 {
		t.Errorf("%d locks, %d unlocks; want 3 each", st.locks, st.unlocks)
	}
}

type countingStorage struct {
	certmagic.FileStorage
	stores, locks, unlocks int
}

func (s *countingStorage) Store(ctx context.Context, key string, value []byte) error {
	s.stores++
	return s.FileStorage.Store(ctx, key, value)
}

func (s *countingStorage) Lock(ctx context.Context, name string) error {
	s.locks++
	return s.FileStorage.Lock(ctx, name)
}

func (s *countingStorage) Unlock(ctx context.Context, name string) error {
	s.unlocks++
	return s.FileStorage.Unlock(ctx, name)
}

func TestLoadSkipsBadRecords(t *testing.T) {
	ctx := context.Background()
	st := &certmagic.FileStorage{Path: t.TempDir()}
	good := newInv(t, Options{})
	good.ObserveSetCookie("example.com", []string{"_ga=1"}, t0)
	if err := good.Flush(ctx, st); err != nil {
		t.Fatal(err)
	}
	// A corrupt record, and one whose host does not match its key.
	if err := st.Store(ctx, StoragePrefix+"/broken.example.json", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	if err := st.Store(ctx, StoragePrefix+"/victim.example.json", []byte(`{"host":"attacker.example","cookies":[{"name":"_fbp"}]}`)); err != nil {
		t.Fatal(err)
	}
	inv := newInv(t, Options{})
	err := inv.Load(ctx, st)
	if err == nil || !strings.Contains(err.Error(), "broken.example") || !strings.Contains(err.Error(), "victim.example") {
		t.Errorf("load error = %v, want both bad records named", err)
	}
	if got := strings.Join(inv.Sites(), " "); got != "example.com" {
		t.Errorf("sites = %q, want only the good record", got)
	}
}

func TestLoadEmptyStorage(t *testing.T) {
	inv := newInv(t, Options{})
	if err := inv.Load(context.Background(), &certmagic.FileStorage{Path: t.TempDir()}); err != nil {
		t.Errorf("empty storage: %v", err)
	}
}

func TestRunFlushesPeriodicallyAndAtTheEnd(t *testing.T) {
	dir := t.TempDir()
	st := &certmagic.FileStorage{Path: dir}
	flushErrs := make(chan error, 16)
	inv := newInv(t, Options{OnError: func(err error) { flushErrs <- err }})
	inv.ObserveSetCookie("example.com", []string{"_ga=1"}, t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- inv.Run(ctx, st, 20*time.Millisecond) }()

	record := filepath.Join(dir, "caddy-consent", "inventory", "example.com.json")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(record); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no periodic flush within 10s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	inv.ObserveSetCookie("late.example", []string{"_fbp=1"}, t0)
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("final flush: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "caddy-consent", "inventory", "late.example.json")); err != nil {
		t.Errorf("the final flush did not write what came after the last tick: %v", err)
	}
	select {
	case err := <-flushErrs:
		t.Errorf("periodic flush error: %v", err)
	default:
	}
}

func TestFlushReportsStorageErrors(t *testing.T) {
	inv := newInv(t, Options{})
	inv.ObserveSetCookie("example.com", []string{"_ga=1"}, t0)
	err := inv.Flush(context.Background(), failingStorage{})
	if err == nil || !strings.Contains(err.Error(), "locking inventory storage") {
		t.Errorf("flush error = %v, want the lock failure", err)
	}
}

type failingStorage struct{}

func (failingStorage) Lock(context.Context, string) error   { return errors.New("storage down") }
func (failingStorage) Unlock(context.Context, string) error { return nil }
func (failingStorage) Load(context.Context, string) ([]byte, error) {
	return nil, errors.New("storage down")
}
func (failingStorage) Store(context.Context, string, []byte) error { return errors.New("storage down") }
func (failingStorage) List(context.Context, string, bool) ([]string, error) {
	return nil, errors.New("storage down")
}
