package inventory

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/caddyserver/certmagic"

	"github.com/samtykke/caddy-consent/internal/urlhost"
	"github.com/samtykke/caddy-consent/module/catalog"
)

func TestObserveRunTime(t *testing.T) {
	inv := newInv(t, Options{MaxHosts: 3})
	cat := catalog.Default()
	pixel := cat.Service("meta-pixel")
	if pixel == nil {
		t.Fatal("catalog has no meta-pixel")
	}
	if !inv.ObserveRunTime("shop.example", RunTimeReport{Host: "Connect.Facebook.net", Service: pixel, Directive: "script-src-elem", Page: "/shop"}, t0) {
		t.Fatal("a new host should be reported as new")
	}
	if inv.ObserveRunTime("shop.example", RunTimeReport{Host: "connect.facebook.net", Service: pixel, Directive: "connect-src", Page: "/cart"}, t0.Add(time.Hour)) {
		t.Error("a known host is not new")
	}
	inv.ObserveRunTime("shop.example", RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src 'self'", Page: "/shop"}, t0)
	// The site's own hosts are no third party.
	if inv.ObserveRunTime("shop.example", RunTimeReport{Host: "static.shop.example", Directive: "img-src", Page: "/"}, t0) {
		t.Error("a host of the site's own registrable domain was recorded")
	}
	for _, bad := range []string{"", "bad host", "a..b", "x\"><script>"} {
		if inv.ObserveRunTime("shop.example", RunTimeReport{Host: bad, Directive: "img-src"}, t0) {
			t.Errorf("invalid host %q recorded", bad)
		}
	}
	// Pages are bounded, and only site paths are kept.
	for i := range 20 {
		inv.ObserveRunTime("shop.example", RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: fmt.Sprintf("/p%02d", i)}, t0)
	}
	inv.ObserveRunTime("shop.example", RunTimeReport{Host: "x.example", Directive: "frame-src", Page: "javascript:alert(1)"}, t0)
	// The host bound holds.
	if inv.ObserveRunTime("shop.example", RunTimeReport{Host: "fourth.example", Directive: "img-src"}, t0) {
		t.Error("a host past MaxHosts was kept")
	}
	s := inv.Snapshot("shop.example")
	if len(s.RunTimeHosts) != 3 {
		t.Fatalf("run-time hosts %+v", s.RunTimeHosts)
	}
	fb := s.RunTimeHosts[1] // sorted: cdn.nobody, connect.facebook, x
	if fb.Host != "connect.facebook.net" || fb.Service != "meta-pixel" || fb.Reports != 2 ||
		!slices.Equal(fb.Directives, []string{"script", "connect"}) || !slices.Equal(fb.Pages, []string{"/cart", "/shop"}) ||
		!fb.FirstSeen.Equal(t0) || !fb.LastSeen.Equal(t0.Add(time.Hour)) {
		t.Errorf("facebook entry %+v", fb)
	}
	if n := len(s.RunTimeHosts[0].Pages); s.RunTimeHosts[0].Host != "cdn.nobody.example" || n != maxRunTimePages {
		t.Errorf("pages not bounded: %+v", s.RunTimeHosts[1])
	}
	if x := s.RunTimeHosts[2]; x.Host != "x.example" || len(x.Pages) != 0 || !slices.Equal(x.Directives, []string{"frame"}) {
		t.Errorf("x.example %+v", x)
	}
}

// TestRunTimeNeverTeachesThePolicy: whatever browsers report, PolicyInputs
// (what the module's CSP allows from the inventory) and its generation stay
// as the markup made them.
func TestRunTimeNeverTeachesThePolicy(t *testing.T) {
	inv := newInv(t, Options{})
	cat := catalog.Default()
	inv.ObservePage("shop.example", []*catalog.Service{cat.Service("youtube")}, []string{"cdn.markup.example"}, t0)
	svcs, hosts, gen := inv.PolicyInputs("shop.example")
	if !slices.Equal(svcs, []string{"youtube"}) || !slices.Equal(hosts, []string{"cdn.markup.example"}) {
		t.Fatalf("inputs %v %v", svcs, hosts)
	}
	if g := inv.PolicyGeneration("shop.example"); g != gen {
		t.Fatalf("PolicyGeneration %d, PolicyInputs %d", g, gen)
	}
	for i := range 50 {
		inv.ObserveRunTime("shop.example", RunTimeReport{Host: fmt.Sprintf("evil%d.attacker.example", i), Service: cat.Service("youtube"), Directive: "script-src", Page: "/"}, t0)
	}
	svcs2, hosts2, gen2 := inv.PolicyInputs("shop.example")
	if !slices.Equal(svcs, svcs2) || !slices.Equal(hosts, hosts2) || gen2 != gen {
		t.Errorf("reports changed the policy inputs: %v %v %d", svcs2, hosts2, gen2)
	}
	// Markup does move the generation.
	inv.ObservePage("shop.example", nil, []string{"cdn.second.example"}, t0)
	if inv.PolicyGeneration("shop.example") == gen {
		t.Error("a new markup host did not change the generation")
	}
	if inv.PolicyGeneration("nowhere.example") != 0 {
		t.Error("an unknown site has generation 0")
	}
}

func TestRunTimePersistsAndMerges(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := newInv(t, Options{}), newInv(t, Options{})
	pixel := catalog.Default().Service("meta-pixel")
	a.ObserveRunTime("shop.example", RunTimeReport{Host: "connect.facebook.net", Service: pixel, Directive: "script-src", Page: "/shop"}, t0)
	b.ObserveRunTime("shop.example", RunTimeReport{Host: "connect.facebook.net", Directive: "connect-src", Page: "/"}, t0.Add(time.Hour))
	b.ObserveRunTime("shop.example", RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: "/"}, t0)
	for _, inv := range []*Inventory{a, b, a} {
		if err := inv.Flush(ctx, &certmagic.FileStorage{Path: dir}); err != nil {
			t.Fatal(err)
		}
	}
	ja, _ := json.Marshal(a.Snapshot("shop.example"))
	jb, _ := json.Marshal(b.Snapshot("shop.example"))
	if !bytes.Equal(ja, jb) {
		t.Fatalf("instances disagree:\n%s\n%s", ja, jb)
	}
	fb := a.Snapshot("shop.example").RunTimeHosts[1]
	if fb.Service != "meta-pixel" || !slices.Equal(fb.Directives, []string{"script", "connect"}) || !slices.Equal(fb.Pages, []string{"/", "/shop"}) {
		t.Errorf("merged %+v", fb)
	}
	// Run-time hosts merged from storage do not teach the policy either.
	if _, hosts, _ := a.PolicyInputs("shop.example"); len(hosts) != 0 {
		t.Errorf("stored reports became policy hosts: %v", hosts)
	}
}

func TestDeclarationRunTime(t *testing.T) {
	inv := newInv(t, Options{})
	cat := catalog.Default()
	inv.ObserveRunTime("shop.example", RunTimeReport{Host: "connect.facebook.net", Service: cat.Service("meta-pixel"), Directive: "script-src-elem", Page: "/shop"}, t0)
	inv.ObserveRunTime("shop.example", RunTimeReport{Host: "cdn.nobody.example", Directive: "img-src", Page: "/a<b>"}, t0)
	site := inv.Snapshot("shop.example")
	data, err := json.Marshal(Declare(site, cat, DeclareOptions{}))
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		RunTime []DeclaredRunTimeHost `json:"run_time_hosts"`
	}
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.RunTime) != 2 || d.RunTime[0].Host != "cdn.nobody.example" || d.RunTime[0].Category != "unknown" ||
		d.RunTime[1].Host != "connect.facebook.net" || d.RunTime[1].Category != "marketing" || d.RunTime[1].Service != "meta-pixel" ||
		!slices.Equal(d.RunTime[1].Pages, []string{"/shop"}) {
		t.Errorf("run-time hosts in JSON: %s", data)
	}
}

// FuzzMergeRunTime: a stored record's run-time hosts, whatever they hold,
// merge within the bounds, only as valid hosts and site paths, and merging
// the same record again changes nothing.
func FuzzMergeRunTime(f *testing.F) {
	f.Add(`{"host":"shop.example","run_time_hosts":[{"host":"connect.facebook.net","service":"meta-pixel","directives":["script","connect"],"pages":["/shop"],"reports":3,"first_seen":"2025-03-01T12:00:00Z","last_seen":"2025-03-01T13:00:00Z"}]}`)
	f.Add(`{"host":"shop.example","run_time_hosts":[{"host":"a..b","pages":["javascript:x","/\xff"],"directives":["bogus"],"reports":-5}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		var rec Site
		if json.Unmarshal([]byte(data), &rec) != nil {
			return
		}
		inv := New(catalog.Default(), Options{MaxHosts: 4})
		inv.merge(&rec)
		if inv.merge(&rec) {
			t.Fatal("merging the same record twice changed something")
		}
		for _, h := range inv.Sites() {
			s := inv.Snapshot(h)
			if len(s.RunTimeHosts) > 4 {
				t.Fatalf("%d run-time hosts past the bound", len(s.RunTimeHosts))
			}
			for _, rh := range s.RunTimeHosts {
				if urlhost.NormaliseString(rh.Host) != rh.Host || len(rh.Pages) > maxRunTimePages || rh.Reports < 0 {
					t.Fatalf("kept %+v", rh)
				}
				for _, p := range rh.Pages {
					if p == "" || p[0] != '/' {
						t.Fatalf("kept page %q", p)
					}
				}
			}
		}
	})
}
