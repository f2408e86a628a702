package consent

import (
	"strings"
	"sync"
	"time"

	"go.uber.org/zap"
)

// storageReport logs the inventory's storage failures the way an operator
// wants to read them while a shared store (Redis, a network file system) is
// down: the first failure of each kind as one error, repeats counted but not
// logged, and one line when a flush succeeds again. Requests never touch the
// store, so an outage costs nothing but the inventory's freshness across
// instances; a log line per flush would only bury that news.
type storageReport struct {
	logger *zap.Logger
	every  time.Duration // how often the inventory retries

	mu     sync.Mutex
	kinds  map[string]bool // kinds already logged in this outage
	failed int             // flushes failed in this outage
	since  time.Time       // the first failure
}

// failure is Options.OnError of the inventory.
func (s *storageReport) failure(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == 0 {
		s.since = time.Now()
		s.kinds = map[string]bool{}
	}
	s.failed++
	var fresh []string
	for _, k := range failureKinds(err.Error()) {
		if !s.kinds[k] {
			s.kinds[k] = true
			fresh = append(fresh, k)
		}
	}
	if len(fresh) == 0 {
		return
	}
	s.logger.Error("cookie inventory storage failing: serving from memory and retrying; "+
		"repeats are not logged until a flush succeeds",
		zap.Strings("failure", fresh), zap.Duration("retry_every", s.every), zap.Error(err))
}

// recovered is Options.OnRecover of the inventory.
func (s *storageReport) recovered() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failed == 0 {
		return
	}
	s.logger.Info("cookie inventory storage is back: flushed what this instance saw meanwhile",
		zap.Int("failed_flushes", s.failed), zap.Duration("down_for", time.Since(s.since).Round(time.Second)))
	s.failed, s.kinds = 0, nil
}

// failureKinds names what failed in a flush error: the inventory's own
// context of each joined error ("locking inventory storage", "storing
// inventory record caddy-consent/inventory/example.com.json"), without the
// storage's message, which may carry addresses and timings that differ from
// one try to the next.
func failureKinds(msg string) []string {
	var kinds []string
	for _, line := range strings.Split(msg, "\n") {
		k, _, _ := strings.Cut(line, ": ")
		if k = strings.TrimSpace(k); k != "" {
			kinds = append(kinds, k)
		}
	}
	return kinds
}
