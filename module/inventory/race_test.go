package inventory

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// racyStorage is an in-memory certmagic.Storage that makes the flushes of
// several instances race on purpose: every List (the read that starts a
// flush's read-merge-write) waits until all the instances are reading, or
// until wait has passed (all that a storage lock that really excludes leaves
// of it), and every Store lands late. Lock excludes like Redis's or the file
// system's lock, unless noLock makes it a no-op, the control that proves the
// harness races.
type racyStorage struct {
	parties int
	wait    time.Duration
	delay   time.Duration // before each Store lands
	noLock  bool
	down    atomic.Bool // every call fails, as a store that went away

	mu      sync.Mutex
	data    map[string][]byte
	locks   map[string]chan struct{}
	gate    chan struct{}
	arrived int
}

func newRacyStorage(parties int) *racyStorage {
	return &racyStorage{parties: parties, wait: 50 * time.Millisecond, delay: 5 * time.Millisecond,
		data: map[string][]byte{}, locks: map[string]chan struct{}{}, gate: make(chan struct{})}
}

var errDown = errors.New("connection refused")

func (s *racyStorage) Lock(ctx context.Context, name string) error {
	if s.down.Load() {
		return errDown
	}
	if s.noLock {
		return nil
	}
	s.mu.Lock()
	l := s.locks[name]
	if l == nil {
		l = make(chan struct{}, 1)
		s.locks[name] = l
	}
	s.mu.Unlock()
	select {
	case l <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *racyStorage) Unlock(_ context.Context, name string) error {
	if s.noLock {
		return nil
	}
	s.mu.Lock()
	l := s.locks[name]
	s.mu.Unlock()
	select {
	case <-l:
		return nil
	default:
		return errors.New("unlocking a lock not held")
	}
}

// rendezvous holds a reader until parties readers have arrived, or wait.
func (s *racyStorage) rendezvous() {
	s.mu.Lock()
	s.arrived++
	if s.arrived == s.parties {
		close(s.gate)
		s.gate, s.arrived = make(chan struct{}), 0
		s.mu.Unlock()
		return
	}
	gate := s.gate
	s.mu.Unlock()
	select {
	case <-gate:
	case <-time.After(s.wait):
		s.mu.Lock()
		if s.gate == gate {
			s.arrived--
		}
		s.mu.Unlock()
	}
}

func (s *racyStorage) List(_ context.Context, dir string, _ bool) ([]string, error) {
	if s.down.Load() {
		return nil, errDown
	}
	s.rendezvous()
	s.mu.Lock()
	defer s.mu.Unlock()
	var keys []string
	for k := range s.data {
		if path.Dir(k) == dir {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil, fs.ErrNotExist
	}
	return keys, nil
}

func (s *racyStorage) Load(_ context.Context, key string) ([]byte, error) {
	if s.down.Load() {
		return nil, errDown
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.data[key]
	if !ok {
		return nil, fmt.Errorf("%s: %w", key, fs.ErrNotExist)
	}
	return slices.Clone(b), nil
}

func (s *racyStorage) Store(_ context.Context, key string, value []byte) error {
	if s.down.Load() {
		return errDown
	}
	time.Sleep(s.delay)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data[key] = slices.Clone(value)
	return nil
}

// raceFlushes has three instances observe cookies of their own on a shared
// host and a host of their own, and flush all at once, rounds times; it
// returns the cookie names each host should list.
func raceFlushes(t *testing.T, st *racyStorage, invs []*Inventory, rounds int) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	for r := range rounds {
		for i, inv := range invs {
			own := fmt.Sprintf("i%d.example", i)
			shared := fmt.Sprintf("shared_i%d_r%d_x", i, r)
			solo := fmt.Sprintf("solo_r%d_x", r)
			inv.ObserveSetCookie("shared.example", []string{shared + "=1"}, t0)
			inv.ObserveSetCookie(own, []string{solo + "=1"}, t0)
			want["shared.example"] = append(want["shared.example"], shared)
			want[own] = append(want[own], solo)
		}
		var wg sync.WaitGroup
		errs := make([]error, len(invs))
		for i, inv := range invs {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				errs[i] = inv.Flush(ctx, st)
			})
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			t.Fatalf("round %d: %v", r, err)
		}
	}
	return want
}

// missing lists, per host, the wanted cookie names that inv lacks, and the
// names it lists more than once.
func missing(inv *Inventory, want map[string][]string) (lost, doubled []string) {
	for host, names := range want {
		seen := map[string]int{}
		for _, c := range inv.Snapshot(host).Cookies {
			seen[c.Name]++
		}
		for _, n := range names {
			switch seen[n] {
			case 0:
				lost = append(lost, host+"/"+n)
			case 1:
			default:
				doubled = append(doubled, host+"/"+n)
			}
		}
	}
	slices.Sort(lost)
	return lost, doubled
}

// Three instances flushing at the same moment, each reading before any
// writes, must not lose each other's entries: the storage lock serialises
// the read-merge-write, so the store ends with the union, and an instance
// starting afterwards loads all of it.
func TestConcurrentFlushesNeverLoseAnEntry(t *testing.T) {
	st := newRacyStorage(3)
	invs := []*Inventory{newInv(t, Options{}), newInv(t, Options{}), newInv(t, Options{})}
	want := raceFlushes(t, st, invs, 5)

	fresh := newInv(t, Options{})
	if err := fresh.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	if lost, doubled := missing(fresh, want); len(lost)+len(doubled) > 0 {
		t.Fatalf("after concurrent flushes the store lost %v and doubled %v", lost, doubled)
	}
	// The last instance to flush in each round already holds the union; the
	// others do after one more flush each.
	for i, inv := range invs {
		if err := inv.Flush(context.Background(), st); err != nil {
			t.Fatal(err)
		}
		if lost, _ := missing(inv, want); len(lost) > 0 {
			t.Errorf("instance %d lacks %v after flushing again", i, lost)
		}
	}
}

// The control: with a lock that does not exclude (one that expired while a
// flush stalled, say), the same harness loses entries. If it did not, the
// test above would prove nothing.
func TestConcurrentFlushesRaceWithoutALock(t *testing.T) {
	st := newRacyStorage(3)
	st.noLock = true
	invs := []*Inventory{newInv(t, Options{}), newInv(t, Options{}), newInv(t, Options{})}
	want := raceFlushes(t, st, invs, 1)
	fresh := newInv(t, Options{})
	if err := fresh.Load(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	lost, _ := missing(fresh, want)
	if len(lost) == 0 {
		t.Fatal("three unlocked flushes that read before any wrote lost nothing: the harness does not race")
	}
	t.Logf("without a lock, the store lost %s", strings.Join(lost, " "))
}

// While the store is down Run reports each failed flush, and once it is back
// it says so once and writes what was seen meanwhile.
func TestRunReportsOutageAndRecovery(t *testing.T) {
	st := newRacyStorage(1)
	st.down.Store(true)
	var failures, recoveries atomic.Int32
	inv := newInv(t, Options{
		OnError:   func(error) { failures.Add(1) },
		OnRecover: func() { recoveries.Add(1) },
	})
	inv.ObserveSetCookie("example.com", []string{"_ga=1"}, t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- inv.Run(ctx, st, 10*time.Millisecond) }()
	waitFor(t, func() bool { return failures.Load() >= 3 })
	if recoveries.Load() != 0 {
		t.Fatal("recovery reported while the store is down")
	}
	st.down.Store(false)
	waitFor(t, func() bool {
		_, err := st.Load(context.Background(), Key("example.com"))
		return err == nil && recoveries.Load() == 1
	})
	time.Sleep(50 * time.Millisecond) // more good flushes: no second recovery
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := recoveries.Load(); n != 1 {
		t.Errorf("%d recoveries reported for one outage, want 1", n)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// flakyLoads fails the Load of one key, as a store that times out once does.
type flakyLoads struct {
	*racyStorage
	key string
	err error
}

func (s *flakyLoads) Load(ctx context.Context, key string) ([]byte, error) {
	if key == s.key && s.err != nil {
		err := s.err
		s.err = nil
		return nil, err
	}
	return s.racyStorage.Load(ctx, key)
}

// A record that was listed but could not be read is not written over: the
// flush has not merged it, and writing its own view would drop what only
// other instances saw. The next flush merges and writes it.
func TestFlushKeepsRecordsItCouldNotRead(t *testing.T) {
	for _, loadErr := range []error{errors.New("i/o timeout"), context.DeadlineExceeded} {
		t.Run(loadErr.Error(), func(t *testing.T) {
			ctx := context.Background()
			st := newRacyStorage(1)
			st.wait = 0
			other := newInv(t, Options{})
			other.ObserveSetCookie("example.com", []string{"other_seen_x=1"}, t0)
			if err := other.Flush(ctx, st); err != nil {
				t.Fatal(err)
			}
			inv := newInv(t, Options{})
			inv.ObserveSetCookie("example.com", []string{"mine_x=1"}, t0)
			_ = inv.Flush(ctx, &flakyLoads{racyStorage: st, key: Key("example.com"), err: loadErr})
			want := map[string][]string{"example.com": {"other_seen_x"}}
			check := newInv(t, Options{})
			if err := check.Load(ctx, st); err != nil {
				t.Fatal(err)
			}
			if lost, _ := missing(check, want); len(lost) > 0 {
				t.Fatalf("a flush that could not read the record wrote over it and lost %v", lost)
			}
			// The next flush, reading again, merges both.
			if err := inv.Flush(ctx, st); err != nil {
				t.Fatal(err)
			}
			want["example.com"] = append(want["example.com"], "mine_x")
			check = newInv(t, Options{})
			if err := check.Load(ctx, st); err != nil {
				t.Fatal(err)
			}
			if lost, _ := missing(check, want); len(lost) > 0 {
				t.Fatalf("after a good flush the store lacks %v", lost)
			}
		})
	}
}
