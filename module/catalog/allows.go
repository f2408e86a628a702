package catalog

// Allows reports whether an allow rule names the resource URL u (the forms
// MatchURL takes). MatchURL returns nil both for such a URL and for one no
// rule names; the difference matters to a caller that holds third parties no
// rule names (unknown_hosts hold): an allowed host is never held.
func (c *Catalog) Allows(u []byte) bool {
	if c.allowOnly == nil {
		return false
	}
	return c.allowOnly.MatchURL(u) == allowed
}
