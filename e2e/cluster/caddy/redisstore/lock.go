package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/zap"
)

// A lock is a lease: SET <key> <token> NX PX <ttl>, renewed every third of
// its lifetime while held, and released only by the holder of the token.
// A holder that dies or loses Redis for longer than the lease loses the
// lock, which then expires for the others: certmagic's Locker asks for
// exclusion that fails only on such rare partitions.

// renewScript extends a lease only for its owner.
var renewScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)

// releaseScript deletes a lock only for its owner: a holder whose lease ran
// out must not delete the lock another instance took since.
var releaseScript = redis.NewScript(`
if redis.call("GET", KEYS[1]) == ARGV[1] then
	return redis.call("DEL", KEYS[1])
end
return 0`)

// leases are the locks a Storage holds, by name.
type leases struct {
	mu     sync.Mutex
	byName map[string]*lease
}

// lease is a lock this Storage holds.
type lease struct {
	key, token string
	stop, done chan struct{}
}

func (s *Storage) lockKey(name string) string { return s.prefix + ":lock:" + name }

// Lock takes the lock name, waiting while another holder has it, until ctx
// is done. A failing Redis is an error at once: a caller that waits on a
// lock should not also wait out an outage.
func (s *Storage) Lock(ctx context.Context, name string) error {
	key := s.lockKey(name)
	for {
		if err := context.Cause(ctx); err != nil {
			return fmt.Errorf("redis storage: locking %s: %w", name, err)
		}
		token, err := newToken()
		if err != nil {
			return fmt.Errorf("redis storage: locking %s: %v", name, err)
		}
		err = s.client.Do(ctx, "SET", key, token, "NX", "PX", s.lockTTL.Milliseconds()).Err()
		switch {
		case err == nil:
			l := &lease{key: key, token: token, stop: make(chan struct{}), done: make(chan struct{})}
			s.held.mu.Lock()
			s.held.byName[name] = l
			s.held.mu.Unlock()
			go s.renew(name, l)
			return nil
		case errors.Is(err, redis.Nil): // held by another
		default:
			if mayHaveRun(err) {
				go s.abandon(key, token)
			}
			return fmt.Errorf("redis storage: locking %s: %w", name, err)
		}
		t := time.NewTimer(s.lockPoll)
		select {
		case <-ctx.Done():
			t.Stop()
		case <-t.C:
		}
	}
}

// Unlock releases the lock name if this Storage still holds its lease. A
// lease that ran out (Redis away for longer than it) is an error: the
// critical section may have overlapped another holder's.
func (s *Storage) Unlock(ctx context.Context, name string) error {
	s.held.mu.Lock()
	l := s.held.byName[name]
	delete(s.held.byName, name)
	s.held.mu.Unlock()
	if l == nil {
		return fmt.Errorf("redis storage: unlocking %s: not locked here", name)
	}
	close(l.stop)
	<-l.done
	n, err := releaseScript.Run(ctx, s.client, []string{l.key}, l.token).Int()
	if err != nil {
		if mayHaveRun(err) {
			go s.abandon(l.key, l.token)
		}
		return fmt.Errorf("redis storage: unlocking %s: %w", name, err)
	}
	if n == 0 {
		return fmt.Errorf("redis storage: unlocking %s: the lease had run out", name)
	}
	return nil
}

// renew extends l every third of its lifetime until Unlock stops it, or
// until Redis says the lease is gone.
func (s *Storage) renew(name string, l *lease) {
	defer close(l.done)
	t := time.NewTicker(s.lockTTL / 3)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		n, err := renewScript.Run(ctx, s.client, []string{l.key}, l.token, s.lockTTL.Milliseconds()).Int()
		cancel()
		if err == nil && n == 0 {
			s.logger.Warn("redis storage: lost the lease of a lock while holding it", zap.String("lock", name))
			return
		}
		// A failed renewal is tried again next tick; if Redis stays away
		// past the lease, the next answer is the 0 above.
	}
}

// abandon releases a lock whose SET (or release) was sent but not answered,
// such as to a Redis that hung: Redis may still run it when it wakes, and
// the lock would then shut every instance out for a whole lease. It tries
// until the release deletes the lock, or until Redis has answered for a
// whole lease (a SET it was still to run has run by then), or for a few
// leases at most. While Redis fails it tries every fifth of a lease, not
// to add a dial error to the log every poll.
func (s *Storage) abandon(key, token string) {
	start := time.Now()
	var answered time.Time
	for time.Since(start) < 10*s.lockTTL {
		ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
		n, err := releaseScript.Run(ctx, s.client, []string{key}, token).Int()
		cancel()
		wait := s.lockPoll
		switch {
		case err != nil:
			wait = max(wait, s.lockTTL/5)
		case n == 1:
			return
		case answered.IsZero():
			answered = time.Now()
		case time.Since(answered) > s.lockTTL:
			return
		}
		time.Sleep(wait)
	}
}

// mayHaveRun reports whether a command that failed with err may still have
// run on the server: a timeout or a broken connection may hide a command
// Redis took; a refused dial or an error reply did not.
func mayHaveRun(err error) bool {
	var reply redis.Error
	if errors.As(err, &reply) {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return false
	}
	return true
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
