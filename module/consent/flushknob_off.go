//go:build !consente2e

package consent

import "time"

// inventoryFlushEvery is 0 in every real build: the inventory flushes every
// inventory.DefaultFlushEvery. flushknob_on.go, compiled only with
// -tags consente2e, lets the cluster end-to-end test shorten it.
func inventoryFlushEvery() time.Duration { return 0 }
