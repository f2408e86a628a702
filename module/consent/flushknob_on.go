//go:build consente2e

package consent

import (
	"os"
	"time"
)

// inventoryFlushEvery is CONSENT_E2E_FLUSH_EVERY (a Go duration) in a build
// with -tags consente2e: the cluster end-to-end test proves that instances
// converge within two flush intervals, and two of the default minute would
// cost it two minutes. Real builds have flushknob_off.go.
func inventoryFlushEvery() time.Duration {
	d, _ := time.ParseDuration(os.Getenv("CONSENT_E2E_FLUSH_EVERY"))
	return d
}
