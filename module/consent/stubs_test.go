package consent

import (
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestStubsScript(t *testing.T) {
	for _, c := range []struct {
		granted   policy.Set
		has, lack []string
	}{
		{policy.SetOf(policy.Necessary), []string{`ga:"analytics_storage"`, `fbq:"ad_storage"`, `_gaq:`, `_paq:`, `ttq:`, `uetq:`, `_hsq:`}, nil},
		{policy.SetOf(policy.Necessary, policy.Analytics), []string{`fbq:"ad_storage"`}, []string{`ga:`, `_paq:`}},
		{policy.SetOf(policy.Necessary, policy.Marketing, policy.Preferences), []string{`ga:`}, []string{`fbq:`}},
	} {
		ex := &exchange{granted: c.granted, scriptNonce: "n0nce"}
		s := string(stubsScript(ex))
		if !strings.HasPrefix(s, `<script data-consent-stubs nonce="n0nce">`) || !strings.HasSuffix(s, `</script>`) {
			t.Fatalf("%v: %s", c.granted, s)
		}
		for _, h := range c.has {
			if !strings.Contains(s, h) {
				t.Errorf("%v: no %s", c.granted, h)
			}
		}
		for _, l := range c.lack {
			if strings.Contains(s, l) {
				t.Errorf("%v: %s stubbed though granted", c.granted, l)
			}
		}
	}
	if s := string(stubsScript(&exchange{granted: policy.SetOf(policy.Necessary)})); s != `<script data-consent-stubs>`+stubScripts[policy.Necessary]+`</script>` {
		t.Errorf("without a nonce: %s", s)
	}
	if s := stubsScript(&exchange{granted: policy.All}); s != nil {
		t.Errorf("everything granted: %s", s)
	}
	if n := len(stubScripts[0]); n > 1200 {
		t.Errorf("stubs are %d bytes, want them tiny", n)
	}
}
