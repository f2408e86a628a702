package htmlrewrite

import (
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
)

// Stubs go once, before the first element neutralised outside <noscript>,
// <template> and svg, whatever the split of the input; a page with nothing
// to neutralise gets none.
func TestStubsBeforeFirstNeutralised(t *testing.T) {
	const stubs = "<script data-stubs></script>"
	cases := []struct{ in, want string }{
		{`<html><head><title>x</title><script>a()</script><script>fbq('init')</script><script>b()</script><script>fbq(1)</script>`,
			`<html><head><title>x</title><script>a()</script>` + stubs + `<script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel">fbq('init')</script><script>b()</script><script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel">fbq(1)</script>`},
		{`<noscript><img src="https://www.facebook.com/tr"></noscript><template><script>fbq(1)</script></template><svg><script href="https://connect.facebook.net/a.js"></script></svg><p><iframe src="https://www.youtube.com/embed/x"></iframe>`,
			`<noscript><img data-consent-category="marketing" data-consent-service="meta-pixel" data-consent-src="https://www.facebook.com/tr"></noscript><template><script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel">fbq(1)</script></template><svg><script type="text/plain" data-consent-category="marketing" data-consent-service="meta-pixel" data-consent-href="https://connect.facebook.net/a.js"></script></svg><p>` + stubs + `<iframe data-consent-category="marketing" data-consent-service="youtube" data-consent-src="https://www.youtube.com/embed/x"></iframe>`},
		{`<p>nothing to block</p><script src="/a.js"></script>`, `<p>nothing to block</p><script src="/a.js"></script>`},
		// After the Consent Mode prelude, before the tag.
		{`<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`, `<P>` + stubs + `<script` + gaTag + ` async data-consent-src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`},
	}
	for _, c := range cases {
		o := &Options{Classifier: fake, Stubs: []byte(stubs)}
		o.Prelude, o.PreludeFor = []byte("<P>"), func(s *catalog.Service) bool { return strings.HasPrefix(s.ID, "google-") }
		for i := 0; i <= len(c.in); i++ {
			got, _ := rewrite(t, c.in, o, i)
			if got != c.want {
				t.Fatalf("split at %d:\n%s\nwant\n%s", i, got, c.want)
			}
		}
		if got, _ := rewrite(t, c.in, &Options{Classifier: fake}); strings.Contains(got, stubs) {
			t.Fatal("stubs without Options.Stubs")
		}
	}
}
