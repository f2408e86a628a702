package consent

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// An outage of the shared store logs one error per kind of failure, however
// many flushes fail, and one line when it is back; the next outage is news
// again.
func TestStorageReportOncePerKind(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	r := &storageReport{logger: zap.New(core), every: time.Second}
	lockErr := func(i int) error {
		return fmt.Errorf("locking inventory storage: dial tcp 127.0.0.1:%d: connect: connection refused", 40000+i)
	}
	for i := range 5 {
		r.failure(lockErr(i))
	}
	r.failure(errors.Join(lockErr(9), errors.New("storing inventory record caddy-consent/inventory/a.example.json: timeout")))
	r.failure(lockErr(10))
	if n := logs.FilterLevelExact(zapcore.ErrorLevel).Len(); n != 2 {
		t.Fatalf("%d errors logged for 7 failed flushes of 2 kinds, want 2: %v", n, logs.All())
	}
	second := logs.FilterLevelExact(zapcore.ErrorLevel).All()[1].ContextMap()["failure"]
	if fmt.Sprint(second) != "[storing inventory record caddy-consent/inventory/a.example.json]" {
		t.Errorf("second error names %v, want only the new kind", second)
	}
	r.recovered()
	back := logs.FilterMessageSnippet("is back").All()
	if len(back) != 1 || back[0].ContextMap()["failed_flushes"] != int64(7) {
		t.Fatalf("recovery lines %v: want one, counting 7 failed flushes", back)
	}
	r.recovered() // a success after a success says nothing
	r.failure(lockErr(11))
	if n := logs.FilterLevelExact(zapcore.ErrorLevel).Len(); n != 3 {
		t.Errorf("a new outage after recovery logged %d errors in all, want 3", n)
	}
	if n := logs.Len(); n != 4 {
		t.Errorf("%d lines in all, want 4: %v", n, logs.All())
	}
}

// A context without a Caddy config (a Go benchmark, an embedding program)
// has no storage, and asking for it must not panic; under a real config
// TestInventoryKeyedBySites finds the inventory in the configured storage.
func TestStorageWithoutConfig(t *testing.T) {
	ctx, cancel := caddy.NewContext(caddy.Context{Context: t.Context()})
	defer cancel()
	if st := storage(ctx); st != nil {
		t.Fatalf("storage without a config = %T, want nil", st)
	}
}
