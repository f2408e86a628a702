//go:build !consentbench

package consent

// benchKnobs is false in every real build: the experiment in
// benchknobs_on.go is compiled only with -tags consentbench.
const (
	benchKnobs = false
	benchMode  = ""
)

func (w *responseWriter) benchWrite(p []byte) (int, error) { return w.rw.Write(p) }
