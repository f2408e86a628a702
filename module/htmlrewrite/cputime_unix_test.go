//go:build unix

package htmlrewrite

import (
	"syscall"
	"testing"
	"time"
)

// cpuTime is the CPU time the process has used. On a shared machine wall
// time includes waiting for a core; CPU time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports MB per second of CPU time since start, next to the
// wall-clock MB/s of b.SetBytes.
func reportCPU(b *testing.B, start time.Duration, bytes int) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/d.Seconds()/1e6, "cpuMB/s")
	}
}
