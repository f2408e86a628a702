//go:build !consentbench

package consent

// writeBody hands an upstream write to the rewriter. It is its own function
// so that bench/spin.sh's experiment (benchknobs_on.go, compiled only with
// -tags consentbench) can replace it; in every real build it inlines into
// Write, which then has no branch for the experiment.
func (w *responseWriter) writeBody(p []byte) (int, error) { return w.rw.Write(p) }
