package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"strings"
	"time"

	"github.com/samtykke/caddy-consent/internal/urlhost"
)

// Storage is where inventories persist and meet. certmagic.Storage, which
// Caddy's ctx.Storage() returns (the file system by default; Redis, Consul
// and the like in clusters), satisfies it. Load must return an error that
// wraps fs.ErrNotExist for a missing key, as certmagic requires.
type Storage interface {
	Lock(ctx context.Context, name string) error
	Unlock(ctx context.Context, name string) error
	Load(ctx context.Context, key string) ([]byte, error)
	Store(ctx context.Context, key string, value []byte) error
	List(ctx context.Context, path string, recursive bool) ([]string, error)
}

// StoragePrefix is the folder of the records; each site is
// StoragePrefix + "/" + <host> + ".json".
const StoragePrefix = "caddy-consent/inventory"

// lockName serialises flushes of every instance that shares the storage.
const lockName = "caddy-consent-inventory"

// DefaultFlushEvery is how often Run flushes when given no interval.
const DefaultFlushEvery = time.Minute

// maxRecordBytes bounds a stored record read back: 512 cookies and 256 hosts
// with all their attributes stay well under it.
const maxRecordBytes = 4 << 20

// Key returns the storage key of a host's record, or "" for a host that
// urlhost.Normalise rejects. IPv6 colons become "_" so the key is a file name
// everywhere.
func Key(host string) string {
	h := urlhost.NormaliseString(host)
	if h == "" {
		return ""
	}
	return StoragePrefix + "/" + strings.ReplaceAll(h, ":", "_") + ".json"
}

// Load merges every record in st into the inventory, as at start-up. A
// missing folder is an empty inventory. Records that cannot be read are
// skipped and reported together in the error; the rest are loaded.
func (inv *Inventory) Load(ctx context.Context, st Storage) error {
	_, _, err := inv.loadAll(ctx, st)
	return err
}

// loadAll merges every stored record and returns the raw bytes by key, and
// the keys listed whose Load failed (other than for a missing key).
func (inv *Inventory) loadAll(ctx context.Context, st Storage) (stored map[string][]byte, unread map[string]bool, err error) {
	keys, err := st.List(ctx, StoragePrefix, false)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, nil, fmt.Errorf("listing inventory records: %v", err)
	}
	stored, unread = make(map[string][]byte, len(keys)), map[string]bool{}
	var errs []error
	for _, k := range keys {
		if !strings.HasSuffix(k, ".json") || path.Dir(k) != StoragePrefix {
			continue
		}
		data, err := st.Load(ctx, k)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted between List and Load
		}
		if err != nil {
			// Not merged, so Flush must not write over it.
			unread[k] = true
			errs = append(errs, fmt.Errorf("loading inventory record %s: %v", k, err))
			continue
		}
		stored[k] = data
		if len(data) > maxRecordBytes {
			errs = append(errs, fmt.Errorf("inventory record %s: %d bytes is more than %d", k, len(data), maxRecordBytes))
			continue
		}
		var rec Site
		if err := json.Unmarshal(data, &rec); err != nil {
			errs = append(errs, fmt.Errorf("decoding inventory record %s: %v", k, err))
			continue
		}
		if Key(rec.Host) != k {
			errs = append(errs, fmt.Errorf("inventory record %s names host %q", k, rec.Host))
			continue
		}
		if inv.opts.Keep != nil && !inv.opts.Keep(rec.Host) {
			continue
		}
		inv.merge(&rec)
	}
	return stored, unread, errors.Join(errs...)
}

// Flush merges what st holds (other instances may have written since) into
// the inventory and writes back every record that the merge made different
// from what is stored, all under one storage lock. Instances that share a
// storage converge: after each has flushed once more, all hold the union.
func (inv *Inventory) Flush(ctx context.Context, st Storage) error {
	if err := st.Lock(ctx, lockName); err != nil {
		return fmt.Errorf("locking inventory storage: %v", err)
	}
	defer func() {
		// Unlock even when ctx is done, or the lock lingers until it is stale.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = st.Unlock(uctx, lockName)
	}()
	stored, unread, loadErr := inv.loadAll(ctx, st)
	if stored == nil {
		return loadErr
	}
	errs := []error{loadErr}
	for _, h := range inv.Sites() {
		k := Key(h)
		if k == "" || unread[k] {
			// A record listed but not read holds what this instance has not
			// merged: writing its own view would drop what only others saw.
			// The next flush reads it again.
			continue
		}
		rec := inv.Snapshot(h)
		data, err := json.Marshal(&rec)
		if err != nil {
			errs = append(errs, fmt.Errorf("encoding inventory record %s: %v", k, err))
			continue
		}
		if bytes.Equal(data, stored[k]) {
			continue
		}
		if err := st.Store(ctx, k, data); err != nil {
			errs = append(errs, fmt.Errorf("storing inventory record %s: %v", k, err))
		}
	}
	return errors.Join(errs...)
}

// Run flushes to st every interval (DefaultFlushEvery when every <= 0) until
// ctx is done, then flushes once more and returns that flush's error. Errors
// of the periodic flushes go to Options.OnError, and the first success after
// a failure to Options.OnRecover. Start it in a goroutine at provisioning and
// cancel ctx at cleanup.
//
// Each wait is drawn between 80 % and 100 % of every: instances of a cluster
// started together would otherwise flush in step for ever, and each would
// queue for the storage lock behind the others (a Redis lock is polled once
// a second), so that the last one's flush could run out of time.
func (inv *Inventory) Run(ctx context.Context, st Storage, every time.Duration) error {
	if every <= 0 {
		every = DefaultFlushEvery
	}
	wait := func() time.Duration { return every - rand.N(every/5+1) }
	t := time.NewTimer(wait())
	defer t.Stop()
	failing := false
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			return inv.Flush(fctx, st)
		case <-t.C:
			start := time.Now()
			fctx, cancel := context.WithTimeout(ctx, every)
			err := inv.Flush(fctx, st)
			cancel()
			// A flush cut short by shutdown is no error: the final one follows.
			switch {
			case ctx.Err() != nil:
			case err != nil:
				failing = true
				if inv.opts.OnError != nil {
					inv.opts.OnError(err)
				}
			case failing:
				failing = false
				if inv.opts.OnRecover != nil {
					inv.opts.OnRecover()
				}
			}
			// The wait counts from the flush's start, as a ticker's would: a
			// slow flush (a store timing out) does not stretch the interval.
			t.Reset(wait() - time.Since(start))
		}
	}
}
