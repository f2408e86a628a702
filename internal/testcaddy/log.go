package testcaddy

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/caddyserver/caddy/v2"
)

func init() {
	caddy.RegisterModule(testWriter{})
}

// testWriter is the log writer "caddy.logging.writers.testcaddy": it sends
// Caddy's log lines to t.Logf of the test holding the Server, so they appear
// with the test that caused them and only on failure or with -v. Lines that
// arrive when no test holds Caddy are dropped: t.Logf after a test ends
// panics.
type testWriter struct{}

var (
	logMu     sync.Mutex
	logTarget testing.TB
)

func setLogTarget(t testing.TB) {
	logMu.Lock()
	logTarget = t
	logMu.Unlock()
}

// CaddyModule returns the Caddy module information.
func (testWriter) CaddyModule() caddy.ModuleInfo {
	return caddy.ModuleInfo{
		ID:  "caddy.logging.writers.testcaddy",
		New: func() caddy.Module { return new(testWriter) },
	}
}

func (testWriter) String() string { return "testcaddy" }

// WriterKey is constant: Caddy keeps one writer per key across reloads, and
// the target test is looked up per line anyway.
func (testWriter) WriterKey() string { return "testcaddy" }

// OpenWriter returns the sink that forwards to the current test.
func (testWriter) OpenWriter() (io.WriteCloser, error) { return logSink{}, nil }

type logSink struct{}

func (logSink) Write(p []byte) (int, error) {
	logMu.Lock()
	defer logMu.Unlock()
	if logTarget != nil {
		logTarget.Logf("caddy: %s", bytes.TrimRight(p, "\n"))
	}
	return len(p), nil
}

func (logSink) Close() error { return nil }

// routeLogs points every log without a writer at testWriter, in console
// format, and quiets the default log to WARN unless it has a level.
func routeLogs(cfg map[string]any) {
	logging, _ := cfg["logging"].(map[string]any)
	if logging == nil {
		logging = map[string]any{}
		cfg["logging"] = logging
	}
	logs, _ := logging["logs"].(map[string]any)
	if logs == nil {
		logs = map[string]any{}
		logging["logs"] = logs
	}
	if _, ok := logs["default"]; !ok {
		logs["default"] = map[string]any{}
	}
	for name, v := range logs {
		l, _ := v.(map[string]any)
		if l == nil {
			continue
		}
		if _, ok := l["writer"]; !ok {
			l["writer"] = map[string]any{"output": "testcaddy"}
			if _, ok := l["encoder"]; !ok {
				l["encoder"] = map[string]any{"format": "console", "level_format": "upper", "time_format": "wall_milli"}
			}
		}
		if _, ok := l["level"]; !ok && name == "default" {
			l["level"] = "WARN"
		}
	}
}

// Interface guards
var (
	_ caddy.WriterOpener = (*testWriter)(nil)
	_ io.WriteCloser     = logSink{}
)
