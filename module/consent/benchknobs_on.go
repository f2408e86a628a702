//go:build consentbench

package consent

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// The experiment behind bench/spin.sh (build with -tags consentbench): how
// many requests/s a response costing a given amount of CPU per body byte can
// reach through Caddy, with everything else that the module does unchanged.
//
//	CONSENT_BENCH=null      the body goes through the span buffer, not the rewriter
//	CONSENT_BENCH=spin:720  the same, after spinning 720 ps per body byte
//
// Unset, the body goes through the rewriter as in a real build.
var benchMode, benchSpin = func() (string, time.Duration) {
	mode, arg, _ := strings.Cut(os.Getenv("CONSENT_BENCH"), ":")
	ps, _ := strconv.Atoi(arg)
	return mode, time.Duration(ps)
}()

// writeBody replaces benchknobs_off.go's: the experiment lives here, so a
// real build's Write has no branch for it.
func (w *responseWriter) writeBody(p []byte) (int, error) {
	if benchMode == "" {
		return w.rw.Write(p)
	}
	if benchMode == "spin" {
		d := time.Duration(len(p)) * benchSpin / 1000
		for t := time.Now(); time.Since(t) < d; {
		}
	}
	return w.bw.Write(p)
}
