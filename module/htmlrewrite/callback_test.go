package htmlrewrite

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// elementLog records what Options.Element reports, one line per element:
// "kind service category blocked|live", "-" for an unclassified service.
func elementLog(o Options) (*Options, *[]string) {
	var log []string
	o.Element = func(_ *Page, e Element) {
		id := "-"
		if e.Service != nil {
			id = e.Service.ID
		}
		verdict := "live"
		if e.Blocked {
			verdict = "blocked"
		}
		cat := "-"
		if e.Category != 0 {
			cat = e.Category.String()
		}
		log = append(log, fmt.Sprintf("%s %s %s %s", e.Kind, id, cat, verdict))
	}
	return &o, &log
}

// holdAll holds every absolute URL no rule names, as unknown_hosts hold does
// for a site's third parties.
func holdAll(_ *Page, u []byte) (bool, bool) { return true, false }

func TestElementCallback(t *testing.T) {
	const fbImg = `https://www.facebook.com/tr?id=1`
	analytics := policy.SetOf(policy.Analytics)
	marketing := policy.SetOf(policy.Marketing)
	tests := []struct {
		name    string
		in      string
		granted policy.Set
		hold    bool
		want    []string
	}{
		{"script src", `<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`, 0, false,
			[]string{"script google-analytics analytics blocked"}},
		{"script src granted", `<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>`, analytics, false,
			[]string{"script google-analytics analytics live"}},
		{"inline", `<script>gtag('js', new Date())</script>`, 0, false,
			[]string{"inline google-analytics analytics blocked"}},
		{"inline granted", `<script>gtag('js', new Date())</script>`, analytics, false,
			[]string{"inline google-analytics analytics live"}},
		{"inline of two services, one granted: the other's category", `<script>gtag('js'); fbq('init', '1')</script>`, analytics, false,
			[]string{"inline google-analytics marketing blocked"}},
		{"svg script", `<svg><script href="https://connect.facebook.net/en_US/fbevents.js"></script></svg>`, 0, false,
			[]string{"script meta-pixel marketing blocked"}},
		{"iframe", `<iframe src="https://www.youtube.com/embed/x"></iframe>`, 0, false,
			[]string{"iframe youtube marketing blocked"}},
		{"iframe granted", `<iframe src="https://www.youtube.com/embed/x"></iframe>`, marketing, false,
			[]string{"iframe youtube marketing live"}},
		{"frame", `<frameset><frame src="https://www.youtube.com/embed/x"></frameset>`, 0, false,
			[]string{"iframe youtube marketing blocked"}},
		{"img", `<img src="` + fbImg + `" width="1" height="1">`, 0, false,
			[]string{"img meta-pixel marketing blocked"}},
		{"link", `<link rel="preconnect" href="https://www.googletagmanager.com">`, 0, false,
			[]string{"link google-tag-manager marketing blocked"}},
		{"base", `<base href="https://www.youtube.com/">`, 0, false,
			[]string{"link youtube marketing blocked"}},
		{"style element", `<style>.v{background:url(https://i.ytimg.com/vi/x/hq.jpg)}</style>`, 0, false,
			[]string{"link youtube marketing blocked"}},
		{"style element granted", `<style>.v{background:url(https://i.ytimg.com/vi/x/hq.jpg)}</style>`, marketing, false,
			[]string{"link youtube marketing live"}},
		{"embed and object", `<object data="https://www.youtube.com/v/x"></object><embed src="https://www.youtube.com/v/x">`, 0, false,
			[]string{"object youtube marketing blocked", "embed youtube marketing blocked"}},
		{"media", `<video poster="https://i.ytimg.com/x.jpg"><source src="https://www.youtube.com/x.mp4"><track src="https://www.youtube.com/t.vtt"></video><audio src="https://www.youtube.com/a.mp3"></audio>`, 0, false,
			[]string{"source youtube marketing blocked", "source youtube marketing blocked", "source youtube marketing blocked", "source youtube marketing blocked"}},
		{"ping, image button, CSS: images", `<a href="/" ping="` + fbImg + `">x</a><input type="image" src="` + fbImg + `"><p style="background:url(//i.ytimg.com/x.jpg)">x</p>`, 0, false,
			[]string{"img meta-pixel marketing blocked", "img meta-pixel marketing blocked", "img youtube marketing blocked"}},
		{"WP Rocket's lazy YouTube is an iframe", `<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/x" data-id="x"></div>`, 0, false,
			[]string{"iframe youtube marketing blocked"}},
		{"WP Rocket's lazy YouTube granted", `<div class="rll-youtube-player" data-src="https://www.youtube.com/embed/x" data-id="x"></div>`, marketing, false,
			[]string{"iframe youtube marketing live"}},
		{"necessary: live with nothing granted", `<img src="https://necessary.example/a.png"><script>NECESSARY_MARKER()</script>`, 0, false,
			[]string{"img consent-helper necessary live", "inline consent-helper necessary live"}},
		{"two services: the one not granted decides", `<img src="https://necessary.example/a.png" srcset="` + fbImg + ` 1x">`, 0, false,
			[]string{"img meta-pixel marketing blocked"}},
		{"a script's body decides over its tag's granted service", `<script data-src="https://necessary.example/a.js">fbq('init', '1')</script>`, 0, false,
			[]string{"inline meta-pixel marketing blocked"}},
		{"a body that decides nothing leaves the tag's service", `<script data-src="https://necessary.example/a.js">var a = 1</script>`, 0, false,
			[]string{"script consent-helper necessary live"}},
		{"held as unclassified", `<script src="https://cdn.unknown.example/t.js"></script><iframe src="https://w.unknown.example/"></iframe>`, 0, true,
			[]string{"script - - blocked", "iframe - - blocked"}},
		{"held inline loader", `<script>var s=document.createElement('script');s.src="https://cdn.unknown.example/t.js";document.head.appendChild(s)</script>`, 0, true,
			[]string{"inline - - blocked"}},
		{"an ordinary unknown image passes unreported", `<img src="https://img.unknown.example/a.png" width="300"><p>text</p>`, 0, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := Options{Classifier: fake, Granted: tt.granted}
			if tt.hold {
				base.Unknown = holdAll
			}
			plain, _ := rewrite(t, tt.in, &base)
			// Whole, and split at every byte: each element reported once.
			for split := -1; split <= len(tt.in); split++ {
				o, log := elementLog(base)
				var out string
				var page *Page
				if split < 0 {
					out, page = rewrite(t, tt.in, o)
				} else {
					out, page = rewrite(t, tt.in, o, split)
				}
				if !slices.Equal(*log, tt.want) {
					t.Fatalf("split %d: reported\n%s\nwant\n%s", split, strings.Join(*log, "\n"), strings.Join(tt.want, "\n"))
				}
				if out != plain {
					t.Fatalf("the callback changed the output:\n%s\nwithout it\n%s", out, plain)
				}
				blocked := 0
				for _, l := range *log {
					if strings.HasSuffix(l, " blocked") {
						blocked++
					}
				}
				if blocked != page.Blocked {
					t.Fatalf("%d reported blocked, Page.Blocked %d", blocked, page.Blocked)
				}
			}
		})
	}
}

// TestElementCallbackAgreesWithPage: over real pages, the callback's blocked
// reports add up to the Page counters the metrics use, every service it
// names is in Page.Found, and granting everything leaves the same elements
// reported, all live.
func TestElementCallbackAgreesWithPage(t *testing.T) {
	cat := catalog.Default()
	pages := []string{"wordpress-trackers.html", "wordpress-median.html", "drupal7-median.html"}
	for _, name := range pages {
		t.Run(name, func(t *testing.T) {
			in := readPage(t, name)
			var byKind [2][NumKinds]int // nothing granted, everything granted
			for g, granted := range []policy.Set{0, policy.All} {
				var kinds, blocked, unclassified [NumKinds]int
				var by [policy.NumCategories][NumKinds]int
				var services []*catalog.Service
				o := &Options{Classifier: cat, Granted: granted, Unknown: holdAll, Element: func(p *Page, e Element) {
					kinds[e.Kind]++
					switch {
					case e.Service == nil:
						unclassified[e.Kind]++
					case e.Blocked:
						by[e.Category.Index()][e.Kind]++
					}
					if e.Blocked {
						blocked[e.Kind]++
					}
					if e.Service != nil {
						services = append(services, e.Service)
					}
				}}
				if granted == policy.All {
					o.Unknown = nil // all granted holds nothing either
				}
				_, page := rewrite(t, in, o, chunk)
				if blocked != page.BlockedByKind || by != page.BlockedBy || unclassified != page.UnclassifiedByKind {
					t.Errorf("granted %v: reported blocked %v by category %v unclassified %v; Page %v %v %v",
						granted, blocked, by, unclassified, page.BlockedByKind, page.BlockedBy, page.UnclassifiedByKind)
				}
				for _, s := range services {
					if !slices.Contains(page.Found, s) {
						t.Errorf("%s reported, not found", s.ID)
					}
				}
				if len(services) == 0 && name == "wordpress-trackers.html" {
					t.Errorf("no element reported")
				}
				for k := range kinds {
					byKind[g][k] = kinds[k] - unclassified[k]
				}
			}
			if byKind[0] != byKind[1] {
				t.Errorf("elements by kind: %v with nothing granted, %v with everything", byKind[0], byKind[1])
			}
		})
	}
}

// FuzzElement: however the page is split, Options.Element reports the same
// elements, its blocked ones add up to Page.Blocked by kind, and setting it
// changes no byte of the output.
func FuzzElement(f *testing.F) {
	for _, s := range snippets {
		f.Add([]byte(s), uint64(3), uint8(0))
	}
	for _, s := range tricky {
		f.Add([]byte(s), uint64(7), uint8(policy.Analytics))
	}
	f.Fuzz(func(t *testing.T, in []byte, seed uint64, granted uint8) {
		var asked []string
		base := *holdOptions(&asked)
		base.Granted, base.MaxTag, base.MaxInline = policy.Set(granted), 200, 300
		plain, _ := rewrite(t, string(in), &base)
		o, whole := elementLog(base)
		out, page := rewrite(t, string(in), o)
		if out != plain {
			t.Fatalf("the callback changed the output:\n%q\n%q", out, plain)
		}
		var byKind [NumKinds]int
		for _, l := range *whole {
			if kind, _, _ := strings.Cut(l, " "); strings.HasSuffix(l, " blocked") {
				for k := range NumKinds {
					if k.String() == kind {
						byKind[k]++
					}
				}
			}
		}
		if byKind != page.BlockedByKind {
			t.Fatalf("reported blocked by kind %v, Page %v:\n%s", byKind, page.BlockedByKind, strings.Join(*whole, "\n"))
		}
		o, chunked := elementLog(base)
		rewriteChunks(in, o, seed)
		if !slices.Equal(*whole, *chunked) {
			t.Fatalf("chunked reports differ:\n%s\nwhole:\n%s", strings.Join(*chunked, "\n"), strings.Join(*whole, "\n"))
		}
	})
}
