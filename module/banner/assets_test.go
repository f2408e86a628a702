package banner

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestAssets(t *testing.T) {
	a := Assets()
	if len(a) != 2 {
		t.Fatalf("%d assets, want 2", len(a))
	}
	re := regexp.MustCompile(`^banner\.([0-9a-f]{8})\.(css|js)$`)
	types := map[string]string{"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}
	for _, x := range a {
		t.Run(x.Name, func(t *testing.T) {
			m := re.FindStringSubmatch(x.Name)
			if m == nil {
				t.Fatalf("name %q is not banner.<hash>.<ext>", x.Name)
			}
			sum := sha256.Sum256(x.Body)
			if m[1] != hex.EncodeToString(sum[:4]) {
				t.Errorf("name hash %s does not match the body", m[1])
			}
			if x.ContentType != types[m[2]] {
				t.Errorf("content type %q", x.ContentType)
			}
			zr, err := gzip.NewReader(bytes.NewReader(x.Gzip))
			if err != nil {
				t.Fatal(err)
			}
			plain, err := io.ReadAll(zr)
			if err != nil || !bytes.Equal(plain, x.Body) {
				t.Errorf("Gzip does not decode to Body (err %v)", err)
			}
			if len(x.Gzip) >= len(x.Body) {
				t.Errorf("gzip %d bytes, body %d", len(x.Gzip), len(x.Body))
			}
		})
	}
	// Stable: the same build serves the same names, so caches stay valid across
	// restarts and across the instances of a cluster.
	b := Assets()
	for i := range a {
		if a[i].Name != b[i].Name || !bytes.Equal(a[i].Body, b[i].Body) {
			t.Errorf("asset %d differs between calls", i)
		}
	}
	css, js := AssetNames()
	if css != a[0].Name || js != a[1].Name || !strings.HasSuffix(css, ".css") || !strings.HasSuffix(js, ".js") {
		t.Errorf("AssetNames() = %q, %q", css, js)
	}
	if newAsset("banner", ".css", "", []byte("x")).Name == a[0].Name {
		t.Error("the name does not depend on the content")
	}
}

func TestStrip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a{b:c}", "a{b:c}"},
		{"/* x */a{b:c} /* y\n z */ d{}", "a{b:c}  d{}"},
		{"  var a = 1;\n\n\t// note\n  b();  \n", "var a = 1;\nb();"},
		{"x /* unterminated", "x"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := string(strip([]byte(tt.in))); got != tt.want {
			t.Errorf("strip(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStrippedSources checks the rules strip and minifyJS rely on, on the real
// sources, and that the served script parses (node --check).
func TestStrippedSources(t *testing.T) {
	for name, src := range map[string][]byte{"banner.css": bannerCSS, "banner.js": bannerJS} {
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "/*")
			if c := strings.TrimSpace(code); strings.Contains(c, "//") && !strings.HasPrefix(c, "//") {
				t.Errorf("%s:%d: // after code: %q", name, i+1, line)
			}
		}
	}
	for _, re := range regexp.MustCompile(`[(,=]\s*/[^/*][^\n]*?/[gimsuy]*[),;.]`).FindAll(bannerJS, -1) {
		if bytes.ContainsAny(re, " '\"`") {
			t.Errorf("regular expression literal with a space or quote: %s", re)
		}
	}
	css := assets[0].Body
	if bytes.Count(css, []byte("{")) != bytes.Count(css, []byte("}")) || bytes.Contains(css, []byte("/*")) {
		t.Error("served stylesheet is unbalanced or keeps comments")
	}
	js := assets[1].Body
	if bytes.Contains(js, []byte("//")) || bytes.Contains(js, []byte("/*")) {
		t.Error("comments left in the served script")
	}
	// make test's deps step installs nodejs: without it the served script's
	// syntax would go unchecked here, so its absence fails.
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node not installed (make deps-apt installs Debian's nodejs): %v", err)
	}
	f := filepath.Join(t.TempDir(), "banner.js")
	if err := os.WriteFile(f, js, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(node, "--check", f).CombinedOutput(); err != nil {
		t.Errorf("node --check: %v\n%s", err, out)
	}
}

func TestMinifyJS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"var a = b + 1;", "var a=b+1;"},
		{"return x", "return x"},
		{"f('a  b', \"c ' d\", `e  f`)", "f('a  b',\"c ' d\",`e  f`)"},
		{"s = 'it\\'s  ok' ;", "s='it\\'s  ok';"},
		{"if (a) {\nb()\n}", "if(a){\nb()\n}"},
		{"x = 'open", "x='open"},
	}
	for _, tt := range tests {
		if got := string(minifyJS([]byte(tt.in))); got != tt.want {
			t.Errorf("minifyJS(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// cssVars reads the --consent-* defaults of one :root block of the stylesheet.
func cssVars(t *testing.T, block string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	for _, m := range regexp.MustCompile(`--consent-([a-z-]+):#([0-9a-f]{6}|[0-9a-f]{3})\b`).FindAllStringSubmatch(block, -1) {
		h := m[2]
		if len(h) == 3 {
			h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
		}
		vars[m[1]] = "#" + h
	}
	if len(vars) < 8 {
		t.Fatalf("found %d colours in %q", len(vars), block)
	}
	return vars
}

func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, err := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

// TestContrast checks the default theme, light and dark, against WCAG 2.2:
// 4.5:1 for text (SC 1.4.3), 3:1 for the switch track and focus ring (SC 1.4.11).
func TestContrast(t *testing.T) {
	css := string(bannerCSS)
	light := css[strings.Index(css, ":where(:root){"):]
	light = light[:strings.Index(light, "}")]
	dark := css[strings.Index(css, "@media (prefers-color-scheme:dark)"):]
	dark = dark[:strings.Index(dark, "}}")]
	pairs := []struct {
		fg, bg string
		min    float64
	}{
		{"fg", "bg", 4.5},            // text
		{"muted", "bg", 4.5},         // purposes, "always on"
		{"accent", "bg", 4.5},        // links, outlined buttons
		{"accent-fg", "accent", 4.5}, // filled buttons
		{"fg", "soft", 4.5},          // service boxes, placeholder
		{"muted", "soft", 4.5},       // providers, table heads
		{"accent", "soft", 4.5},      // links and outlined buttons on the placeholder
		{"accent-fg", "soft", 0},     // (not used together)
		{"switch", "bg", 3},          // unchecked switch track
		{"accent", "bg", 3},          // checked track, focus ring
		{"bg", "switch", 3},          // switch knob on the track
		{"bg", "accent", 3},          // knob on the checked track
	}
	for name, block := range map[string]string{"light": light, "dark": dark} {
		vars := cssVars(t, block)
		for _, p := range pairs {
			if p.min == 0 {
				continue
			}
			if c := contrast(t, vars[p.fg], vars[p.bg]); c < p.min {
				t.Errorf("%s: %s %s on %s %s: contrast %.2f, want ≥ %.1f", name, p.fg, vars[p.fg], p.bg, vars[p.bg], c, p.min)
			}
		}
	}
}

// budget is DESIGN §9: everything the banner adds, gzipped.
const budget = 6 * 1024

// TestSizeBudget measures the banner as a visitor first meets it, with three
// categories and five services found, each part gzipped as it is served, in
// every built-in language (non-Latin scripts are the largest: every letter is
// a numeric character reference).
func TestSizeBudget(t *testing.T) {
	gz := func(b []byte) int { return len(gzipBytes(b, gzip.DefaultCompression)) }
	css, js := gz(assets[0].Body), gz(assets[1].Body)
	worst, worstLang := 0, ""
	for _, lang := range Languages() {
		v := fixture(lang)
		v.GPC = true
		if len(v.Categories) != 3 || len(v.Found) != 5 {
			t.Fatal("the budget is measured with 3 categories and 5 services")
		}
		out := Render(v)
		markup := gz(out)
		total := markup + css + js
		if lang == "en" || lang == "nb" || lang == "sv" {
			t.Logf("%s: markup %d + css %d + js %d = %d bytes gzipped (raw %d + %d + %d)",
				lang, markup, css, js, total, len(out), len(assets[0].Body), len(assets[1].Body))
		}
		if total > worst {
			worst, worstLang = total, lang
		}
		if total > budget {
			t.Errorf("%s: banner is %d bytes gzipped, over the %d budget", lang, total, budget)
		}
	}
	t.Logf("largest: %s, %d bytes gzipped (budget %d)", worstLang, worst, budget)
}
