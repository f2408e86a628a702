package htmlrewrite

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// chunk is the size of Caddy's reverse-proxy copy buffer: the writes a
// Rewriter sees in production.
const chunk = 32 << 10

func writeAll(r *Rewriter, page []byte, size int) {
	for p := page; len(p) > 0; {
		n := min(size, len(p))
		r.Write(p[:n])
		p = p[n:]
	}
	r.Close()
}

func benchOptions() *Options {
	return &Options{
		Classifier:  catalog.Default(),
		Banner:      func(*Page) []byte { return []byte(`<div data-consent-banner lang="nb"></div>`) },
		Placeholder: func(p *Page, s *catalog.Service) []byte { return []byte("<p>" + s.Name + "</p>") },
	}
}

// benchRewrite rewrites page per iteration with a Rewriter reused through
// Reset, as from a sync.Pool.
func benchRewrite(b *testing.B, page []byte, o *Options, size int) {
	b.SetBytes(int64(len(page)))
	b.ReportAllocs()
	r := New(io.Discard, o)
	start := cpuTime()
	fastest := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		r.Reset(io.Discard, o)
		writeAll(r, page, size)
		fastest = min(fastest, time.Since(t0))
	}
	reportCPU(b, start, len(page))
	// The fastest response is the best estimate of an unshared core.
	b.ReportMetric(float64(len(page))/fastest.Seconds()/1e6, "peakMB/s")
}

func benchPage(b *testing.B, name string) []byte {
	return []byte(readPage(b, name))
}

func BenchmarkRewrite(b *testing.B) {
	median := benchPage(b, "wordpress-median.html")
	trackers := benchPage(b, "wordpress-trackers.html")
	big := bytes.Repeat(median, 11<<20/len(median)+1)
	b.Run("wordpress-median", func(b *testing.B) { benchRewrite(b, median, benchOptions(), chunk) })
	b.Run("wordpress-median/match-nothing", func(b *testing.B) {
		benchRewrite(b, median, &Options{Classifier: nothing{}}, chunk)
	})
	b.Run("wordpress-median/no-classifier", func(b *testing.B) { benchRewrite(b, median, &Options{}, chunk) })
	b.Run("wordpress-median/new-per-response", func(b *testing.B) {
		o := benchOptions()
		b.SetBytes(int64(len(median)))
		b.ReportAllocs()
		start := cpuTime()
		for b.Loop() {
			writeAll(New(io.Discard, o), median, chunk)
		}
		reportCPU(b, start, len(median))
	})
	// unknown_hosts hold as the consent handler asks it, with the saved
	// page's own host first party, and a 50,000-host block_list.
	b.Run("wordpress-median/hold", func(b *testing.B) { benchRewrite(b, median, holdBenchOptions(), chunk) })
	b.Run("wordpress-median/block-list-50k", func(b *testing.B) {
		o := benchOptions()
		o.Classifier = blockList50k(b)
		benchRewrite(b, median, o, chunk)
	})
	b.Run("wordpress-trackers", func(b *testing.B) { benchRewrite(b, trackers, benchOptions(), chunk) })
	b.Run("wordpress-trackers/hold", func(b *testing.B) { benchRewrite(b, trackers, holdBenchOptions(), chunk) })
	b.Run("drupal7-median", func(b *testing.B) { benchRewrite(b, benchPage(b, "drupal7-median.html"), benchOptions(), chunk) })
	b.Run("11MB", func(b *testing.B) { benchRewrite(b, big, benchOptions(), chunk) })
	b.Run("wordpress-median/1KiB-writes", func(b *testing.B) { benchRewrite(b, median, benchOptions(), 1<<10) })
	b.Run("wordpress-median/1B-writes", func(b *testing.B) { benchRewrite(b, median, benchOptions(), 1) })
}

// hostile inputs must stay linear: compare their MB/s with the pages above.
func BenchmarkHostile(b *testing.B) {
	cases := map[string][]byte{
		"nested-div-65k":    []byte(strings.Repeat("<div>", 65536) + strings.Repeat("</div>", 65536)),
		"a-b-100k":          []byte(strings.Repeat("<a></b>", 100000)),
		"inline-script-10M": []byte("<script>" + strings.Repeat("var x = 1; // googletagmanager ", 10<<20/32) + "</script>"),
		"img-attr-10M":      []byte(`<img alt="x" src="data:image/png;base64,` + strings.Repeat("A", 10<<20) + `">`),
		"nested-svg-65k":    []byte(strings.Repeat("<svg><g>", 32768) + strings.Repeat("</x>", 65536)),
		"unclosed-comment":  []byte("<!--" + strings.Repeat("- -> <img src=x> ", 600000)),
		"script-escapes":    []byte("<script><!--" + strings.Repeat("<script>-</script>--", 500000) + "</script>"),
		"many-trackers":     bytes.Repeat([]byte(`<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView">`), 100000),
		// Style sheets, each held up to the inline cap, full of strings that
		// look like later image-set() arguments, and of styled elements.
		"style-urls-10M": bytes.Repeat([]byte("<style>.a{b:image-set("+strings.Repeat(`,"//x.example/a"`, 2500)+")}</style>"), 10<<20/40000),
		"styled-10M":     bytes.Repeat([]byte(`<p style="background:url(//x.example/a.png)">x</p>`), 10<<20/50),
	}
	for name, in := range cases {
		b.Run(name, func(b *testing.B) { benchRewrite(b, in, benchOptions(), chunk) })
	}
	b.Run("nested-div-65k/1B-writes", func(b *testing.B) { benchRewrite(b, cases["nested-div-65k"], benchOptions(), 1) })
}

// Same-run baselines: the Go status quo and the scanning floor.
func BenchmarkBaseline(b *testing.B) {
	median := benchPage(b, "wordpress-median.html")
	trackers := benchPage(b, "wordpress-trackers.html")
	big := bytes.Repeat(median, 11<<20/len(median)+1)
	for name, page := range map[string][]byte{"wordpress-median": median, "wordpress-trackers": trackers, "11MB": big} {
		b.Run("x-net-html/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			start, fastest := cpuTime(), time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				z := html.NewTokenizer(bytes.NewReader(page))
				for z.Next() != html.ErrorToken {
					io.Discard.Write(z.Raw())
				}
				fastest = min(fastest, time.Since(t0))
			}
			reportCPU(b, start, len(page))
			b.ReportMetric(float64(len(page))/fastest.Seconds()/1e6, "peakMB/s")
		})
		b.Run("indexbyte/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			b.ReportAllocs()
			n := 0
			start, fastest := cpuTime(), time.Duration(math.MaxInt64)
			for b.Loop() {
				t0 := time.Now()
				for p := page; len(p) > 0; {
					c := p[:min(chunk, len(p))]
					p = p[len(c):]
					for {
						i := bytes.IndexByte(c, '<')
						if i < 0 {
							break
						}
						n++
						c = c[i+1:]
					}
				}
				fastest = min(fastest, time.Since(t0))
			}
			reportCPU(b, start, len(page))
			b.ReportMetric(float64(len(page))/fastest.Seconds()/1e6, "peakMB/s")
			if n == 0 {
				b.Fatal("no '<' found")
			}
		})
	}
}

// holdBenchOptions hold third parties as the consent handler does: a host
// is the site's own under its registrable domain (here the saved pages'
// nordlyskaffe.example, compared as a suffix), else held.
func holdBenchOptions() *Options {
	o := benchOptions()
	o.Unknown = func(_ *Page, u []byte) (hold, own bool) {
		s := u[bytes.Index(u, []byte("//"))+2:]
		if k := bytes.IndexAny(s, "/?#:"); k >= 0 {
			s = s[:k]
		}
		if bytes.HasSuffix(s, []byte("nordlyskaffe.example")) || bytes.Equal(s, []byte("s.w.org")) {
			return false, true
		}
		return true, false
	}
	return o
}

// blockList50k is the catalog with a made-up block list of 50,000 hosts.
func blockList50k(b *testing.B) *catalog.Catalog {
	hosts := make([]string, 50000)
	for i := range hosts {
		hosts[i] = fmt.Sprintf("t%d.tracker%d.test", i, i%997)
	}
	c, err := catalog.Default().WithLists(catalog.HostList{Name: "big", Category: policy.Marketing, Hosts: hosts})
	if err != nil {
		b.Fatal(err)
	}
	return c
}
