// Package redisstore is the Redis storage of the cluster end-to-end test: a
// Caddy storage module, caddy.storage.consent_test_redis, that keeps
// certmagic.Storage in one Redis database through go-redis, so that several
// Caddy processes share caddy-consent's signing key, its inventory and its
// lock.
//
// It is written for the test and is small on purpose: values are Redis
// hashes, List walks the key space with SCAN (fine for the few keys of a
// test, not for a Redis holding millions), and locks are SET NX PX leases.
// It reports failures as they are: a missing key is fs.ErrNotExist, a
// timeout or a refused connection is an error of its own, which is the
// distinction caddy-consent's secret and inventory rely on. Production
// clusters should use a maintained storage module; this one has a distinct
// module ID so that it never clashes with one.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/caddyserver/caddy/v2"
	"github.com/caddyserver/certmagic"
	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// Storage keeps Caddy's storage in Redis. Each value is a hash at
// <key_prefix>/<key> with the fields "value" and "modified" (Unix
// nanoseconds); each lock is a string at <key_prefix>:lock:<name> holding
// its owner's random token.
type Storage struct {
	// Address of the Redis server, host:port. Default: 127.0.0.1:6379.
	Address string `json:"address,omitempty"`
	// DB is the Redis database number. Default: 0.
	DB int `json:"db,omitempty"`
	// KeyPrefix starts every key this storage writes, so that several
	// Caddy clusters can share one Redis. Default: caddy.
	KeyPrefix string `json:"key_prefix,omitempty"`
	// Timeout bounds each dial, read and write. Default: 2s.
	Timeout caddy.Duration `json:"timeout,omitempty"`

	client  *redis.Client
	logger  *zap.Logger
	prefix  string
	timeout time.Duration
	// lockTTL is how long a lock outlives a holder that stops renewing it
	// (a crash, a partition); lockPoll how often a waiter tries again.
	// Fields, not constants, so that the tests need not wait 5 s.
	lockTTL  time.Duration
	lockPoll time.Duration

	held *leases // the locks this Storage holds
}

// Defaults for the fields of Storage and its locks.
const (
	DefaultAddress   = "127.0.0.1:6379"
	DefaultKeyPrefix = "caddy"
	DefaultTimeout   = 2 * time.Second
	// A lock's lease is renewed every third of it, so a holder loses it
	// only after two renewals in a row failed.
	defaultLockTTL  = 5 * time.Second
	defaultLockPoll = 250 * time.Millisecond
)

// CaddyModule returns the Caddy module information.
func (Storage) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "caddy.storage.consent_test_redis",
		New: func() caddy.Module { return new(Storage) },
	}
}

// Provision sets defaults and connects the client. It does not reach Redis:
// the first command does, and a Redis that is away then is an error of that
// command, as it is later.
func (s *Storage) Provision(ctx caddy.Context) error {
	return s.open(ctx.Logger())
}

// open is Provision without a Caddy context, for the tests.
func (s *Storage) open(logger *zap.Logger) error {
	if s.Address == "" {
		s.Address = DefaultAddress
	}
	if s.KeyPrefix == "" {
		s.KeyPrefix = DefaultKeyPrefix
	}
	if err := s.Validate(); err != nil {
		return err
	}
	s.prefix = strings.Trim(s.KeyPrefix, "/")
	s.timeout = time.Duration(s.Timeout)
	if s.timeout == 0 {
		s.timeout = DefaultTimeout
	}
	if s.lockTTL == 0 {
		s.lockTTL = defaultLockTTL
	}
	if s.lockPoll == 0 {
		s.lockPoll = defaultLockPoll
	}
	s.logger = logger
	s.held = &leases{byName: map[string]*lease{}}
	s.client = sharedClient(clientKey{s.Address, s.DB, s.timeout})
	return nil
}

// Validate checks the configuration.
func (s *Storage) Validate() error {
	if _, _, err := net.SplitHostPort(s.Address); err != nil {
		return fmt.Errorf("redis storage: address %q: %v", s.Address, err)
	}
	if s.DB < 0 {
		return fmt.Errorf("redis storage: db %d is negative", s.DB)
	}
	if strings.Trim(s.KeyPrefix, "/") == "" {
		return fmt.Errorf("redis storage: key_prefix %q is empty", s.KeyPrefix)
	}
	if s.Timeout < 0 {
		return fmt.Errorf("redis storage: timeout %v is negative", time.Duration(s.Timeout))
	}
	return nil
}

// CertMagicStorage returns s: it is the storage.
func (s *Storage) CertMagicStorage() (certmagic.Storage, error) { return s, nil }

// clientKey is what makes two clients different.
type clientKey struct {
	addr    string
	db      int
	timeout time.Duration
}

var (
	clientsMu sync.Mutex
	clients   = map[clientKey]*redis.Client{}
)

// sharedClient returns the one client of a configuration, kept for the
// life of the process and never closed: a config reload provisions a new
// Storage before the old config is cleaned up, and Caddy cleans up a
// config's modules in no set order, so closing a client in Cleanup would
// cut off caddy-consent's last inventory flush, which runs in its own
// Cleanup.
func sharedClient(k clientKey) *redis.Client {
	clientsMu.Lock()
	defer clientsMu.Unlock()
	if c := clients[k]; c != nil {
		return c
	}
	c := redis.NewClient(&redis.Options{
		Addr:         k.addr,
		DB:           k.db,
		DialTimeout:  k.timeout,
		ReadTimeout:  k.timeout,
		WriteTimeout: k.timeout,
		// Callers' deadlines count: a flush that has run out of time
		// stops waiting on a Redis that does not answer.
		ContextTimeoutEnabled: true,
		// One try each: a command that failed is reported, not retried
		// behind the caller's back for several timeouts.
		MaxRetries:    -1,
		DialerRetries: 1,
		// Redis 7 answers HELLO 3, but nothing here needs RESP3.
		Protocol: 2,
	})
	clients[k] = c
	return c
}

// key is the Redis key of a storage key.
func (s *Storage) key(k string) string { return s.prefix + "/" + strings.Trim(k, "/") }

// storageErr says which operation on which key failed.
func storageErr(op, key string, err error) error {
	return fmt.Errorf("redis storage: %s %s: %w", op, key, err)
}

// Store puts value at key.
func (s *Storage) Store(ctx context.Context, key string, value []byte) error {
	err := s.client.HSet(ctx, s.key(key),
		"value", value, "modified", strconv.FormatInt(time.Now().UnixNano(), 10)).Err()
	if err != nil {
		return storageErr("storing", key, err)
	}
	return nil
}

// Load returns the value at key, an error wrapping fs.ErrNotExist when there
// is none, and any other failure as itself.
func (s *Storage) Load(ctx context.Context, key string) ([]byte, error) {
	b, err := s.client.HGet(ctx, s.key(key), "value").Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, storageErr("loading", key, fs.ErrNotExist)
	}
	if err != nil {
		return nil, storageErr("loading", key, err)
	}
	return b, nil
}

// Delete removes key and every key under it. A missing key is no error.
func (s *Storage) Delete(ctx context.Context, key string) error {
	if err := s.client.Del(ctx, s.key(key)).Err(); err != nil {
		return storageErr("deleting", key, err)
	}
	under, err := s.scan(ctx, s.key(key)+"/")
	if err != nil {
		return storageErr("deleting", key, err)
	}
	for len(under) > 0 {
		n := min(len(under), 100)
		if err := s.client.Del(ctx, under[:n]...).Err(); err != nil {
			return storageErr("deleting", key, err)
		}
		under = under[n:]
	}
	return nil
}

// Exists reports whether key is a value or a directory, false when that
// cannot be told.
func (s *Storage) Exists(ctx context.Context, key string) bool {
	_, err := s.Stat(ctx, key)
	return err == nil
}

// Stat describes key: a value, or a directory when keys live under it.
func (s *Storage) Stat(ctx context.Context, key string) (certmagic.KeyInfo, error) {
	var size *redis.IntCmd
	var modified *redis.StringCmd
	_, err := s.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		size = p.HStrLen(ctx, s.key(key), "value")
		modified = p.HGet(ctx, s.key(key), "modified")
		return nil
	})
	if err == nil || errors.Is(err, redis.Nil) {
		if m, err := modified.Int64(); err == nil {
			return certmagic.KeyInfo{Key: key, Modified: time.Unix(0, m), Size: size.Val(), IsTerminal: true}, nil
		}
		under, err := s.scanOne(ctx, s.key(key)+"/")
		if err != nil {
			return certmagic.KeyInfo{}, storageErr("describing", key, err)
		}
		if !under {
			return certmagic.KeyInfo{}, storageErr("describing", key, fs.ErrNotExist)
		}
		return certmagic.KeyInfo{Key: key, IsTerminal: false}, nil
	}
	return certmagic.KeyInfo{}, storageErr("describing", key, err)
}

// List returns the keys under dir: its direct children (values and
// directories), or with recursive every key and directory below it, as
// certmagic's FileStorage does. A directory with nothing under it is
// fs.ErrNotExist.
func (s *Storage) List(ctx context.Context, dir string, recursive bool) ([]string, error) {
	dir = strings.Trim(dir, "/")
	base := s.prefix + "/"
	if dir != "" {
		base += dir + "/"
	}
	found, err := s.scan(ctx, base)
	if err != nil {
		return nil, storageErr("listing", dir, err)
	}
	seen := map[string]bool{}
	for _, k := range found {
		parts := strings.Split(strings.TrimPrefix(k, base), "/")
		n := 1
		if recursive {
			n = len(parts)
		}
		for i := 1; i <= n; i++ {
			rel := strings.Join(parts[:i], "/")
			if dir != "" {
				rel = dir + "/" + rel
			}
			seen[rel] = true
		}
	}
	if len(seen) == 0 {
		return nil, storageErr("listing", dir, fs.ErrNotExist)
	}
	keys := make([]string, 0, len(seen))
	for k := range seen {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys, nil
}

// scan returns every Redis key that starts with prefix.
func (s *Storage) scan(ctx context.Context, prefix string) ([]string, error) {
	var keys []string
	it := s.client.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	return keys, it.Err()
}

// scanOne reports whether any Redis key starts with prefix.
func (s *Storage) scanOne(ctx context.Context, prefix string) (bool, error) {
	it := s.client.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
	found := it.Next(ctx)
	return found, it.Err()
}

// globEscape quotes what SCAN's MATCH pattern would read as a wildcard.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Interface guards
var (
	_ caddy.Provisioner      = (*Storage)(nil)
	_ caddy.Validator        = (*Storage)(nil)
	_ caddy.StorageConverter = (*Storage)(nil)
	_ certmagic.Storage      = (*Storage)(nil)
)
