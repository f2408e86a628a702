package catalog

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/samtykke/caddy-consent/module/policy"
)

func TestParseHostList(t *testing.T) {
	in := "\ufeff[Adblock Plus 2.0]\n" +
		"! Title: a list\n" +
		"# a hosts-file comment\n" +
		"\n" +
		"0.0.0.0 ads.example-tracker.test\n" +
		"127.0.0.1\tpixel.example-tracker.test  # trailing comment\n" +
		"::1 v6.example-tracker.test\n" +
		"0.0.0.0 a.multi.test b.multi.test\n" +
		"127.0.0.1 localhost\n" +
		"0.0.0.0 0.0.0.0\n" +
		"bare-host.test\n" +
		"Upper.Case.TEST.\n" +
		"||adblock.test^\n" +
		"||opts.test^$third-party,script\n" +
		"||sites-only.test^$domain=example.com\n" +
		"||path.test/ads/*\n" +
		"example.com##.ad-banner\n" +
		"##.global-cosmetic\n" +
		"@@||exception.test^\n" +
		"/regex[0-9]+/\n" +
		"||wild*.test^\n" +
		"0.0.0.0 10.0.0.1\n" +
		"ads.example-tracker.test\n" +
		"nodot\n" +
		"junk junk junk\n"
	hosts, skipped, first, err := ParseHostList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"ads.example-tracker.test", "pixel.example-tracker.test", "v6.example-tracker.test", "a.multi.test", "b.multi.test",
		"bare-host.test", "upper.case.test", "adblock.test", "opts.test"}
	if !slices.Equal(hosts, want) {
		t.Errorf("hosts %q\nwant  %q", hosts, want)
	}
	// domain=, path, two cosmetic, exception, regex, wildcard, IP, nodot, junk
	if skipped != 10 || first != 15 {
		t.Errorf("skipped %d (first on line %d), want 10 (first on line 15)", skipped, first)
	}
}

func TestWithLists(t *testing.T) {
	base := Default()
	ga := base.MatchURL([]byte("https://www.google-analytics.com/analytics.js"))
	if ga == nil {
		t.Fatal("catalog lacks google-analytics.com")
	}
	c, err := base.WithLists(HostList{Name: "my-list.txt", Category: policy.Analytics, Hosts: []string{"tracker.test", "google-analytics.com"}},
		HostList{Name: "ads.txt", Category: policy.Marketing, Hosts: []string{"ads.test", "tracker.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if s := c.MatchURL([]byte("https://www.google-analytics.com/analytics.js")); s != ga {
		t.Errorf("a listed catalog host: %v, want the catalog's own row", s)
	}
	for u, want := range map[string]string{
		"https://tracker.test/a.js": "list-my-list.txt", "//sub.TRACKER.test/p": "list-my-list.txt",
		"https://x.ads.test/": "list-ads.txt", "https://notracker.test/": "", "https://tracker.test.evil/": "", "/local.js": "",
	} {
		s := c.MatchURL([]byte(u))
		got := ""
		if s != nil {
			got = s.ID
		}
		if got != want {
			t.Errorf("%s: %q, want %q", u, got, want)
		}
	}
	if s := c.Service("list-ads.txt"); s == nil || s.Category != policy.Marketing || s.Name != "ads.txt" {
		t.Errorf("list service %+v", s)
	}
	if base.MatchURL([]byte("https://tracker.test/")) != nil {
		t.Error("WithLists changed its receiver")
	}
	// The memo never remembers a listed host as host-free.
	var m URLMemo
	for range 3 {
		if s := c.MatchURLMemo([]byte("https://tracker.test/x"), &m); s == nil {
			t.Fatal("memo lost a listed host")
		}
	}
	// An allow rule still wins.
	a, err := base.With(Rules{Allow: []string{"tracker.test"}})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = a.WithLists(HostList{Name: "l", Category: policy.Marketing, Hosts: []string{"tracker.test"}}); err != nil {
		t.Fatal(err)
	}
	if s := a.MatchURL([]byte("https://tracker.test/")); s != nil {
		t.Errorf("allowed but listed: %v", s.ID)
	}
	if _, err := base.WithLists(HostList{Name: "n", Category: policy.Necessary}); err == nil {
		t.Error("a necessary block list")
	}
}

// syntheticList is a block list of n made-up hosts in both syntaxes.
func syntheticList(n int) []byte {
	var b bytes.Buffer
	b.WriteString("! synthetic\n")
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "0.0.0.0 t%d.tracker%d.test\n", i, i%997)
		} else {
			fmt.Fprintf(&b, "||ads%d.network%d.test^\n", i, i%991)
		}
	}
	return b.Bytes()
}

// A 50,000-line list provisions (parse and build) in under a second.
func TestHostListProvisionTime(t *testing.T) {
	list := syntheticList(50000)
	start := time.Now()
	hosts, _, _, err := ParseHostList(bytes.NewReader(list))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Default().WithLists(HostList{Name: "big", Category: policy.Marketing, Hosts: hosts})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("50,000 lines: %d hosts in %v", len(hosts), took)
	if len(hosts) != 50000 || c.MatchURL([]byte("https://t48.tracker48.test/p")) == nil {
		t.Fatalf("%d hosts", len(hosts))
	}
	if took > time.Second {
		t.Errorf("provisioning took %v", took)
	}
}

func FuzzParseHostList(f *testing.F) {
	for _, s := range []string{"0.0.0.0 a.test\n", "||b.test^$third-party\n", "x.test # c\n", "##.ad\n@@||e.test^\n", "::1 v6.test\n", "||a..b^\n", "0.0.0.0\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		hosts, skipped, first, err := ParseHostList(bytes.NewReader(in))
		if err != nil {
			return // a line longer than the scanner's buffer
		}
		if skipped > 0 && first < 1 || skipped == 0 && first != 0 {
			t.Fatalf("skipped %d, first %d", skipped, first)
		}
		lower := bytes.ToLower(in)
		seen := map[string]bool{}
		for _, h := range hosts {
			if !validListHost(h) || seen[h] || !bytes.Contains(lower, []byte(h)) {
				t.Fatalf("host %q (dup %v) from %q", h, seen[h], in)
			}
			seen[h] = true
		}
	})
}
