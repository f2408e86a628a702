package audit

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/net/html"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/htmlrewrite"
	"github.com/samtykke/caddy-consent/module/inventory"
)

// HostUse is a third-party host the page loads something from, by kind:
// "script", "frame" (iframe, frame), "image" (img, picture sources, icons,
// CSS backgrounds), "font", "stylesheet" (link and @import), "hint"
// (preconnect, dns-prefetch, preload, prefetch, prerender), "media" (video and
// audio) and "embed" (object, embed). Hosts the catalog knows carry their
// service, so Google Fonts and Gravatar show up beside the unknown ones.
type HostUse struct {
	Host     string         `json:"host"`
	Kinds    map[string]int `json:"kinds"`
	Service  string         `json:"service,omitempty"`
	Category string         `json:"category,omitempty"`
}

// hostKinds is the order kinds are printed in.
var hostKinds = []string{"script", "frame", "image", "font", "stylesheet", "hint", "media", "embed"}

var (
	cssURL    = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")\s]+)`)
	cssImport = regexp.MustCompile(`(?i)@import\s+['"]([^'"]+)['"]`)
	fontFile  = regexp.MustCompile(`(?i)\.(woff2?|ttf|otf|eot)([?#]|$)`)
)

// scan is one pass over the page as written: the third-party hosts it loads
// from, and the elements over the rewriter's size caps.
type scan struct {
	site  string
	cat   *catalog.Catalog
	hosts map[string]*HostUse
	large []string // elements over a cap, for the overflow warning
}

func (s *scan) use(kind, ref string) {
	ref = strings.TrimSpace(ref)
	host, ok := inventory.ThirdPartyHost(ref, s.site)
	if !ok {
		return
	}
	h := s.hosts[host]
	if h == nil {
		h = &HostUse{Host: host, Kinds: map[string]int{}}
		if strings.HasPrefix(ref, "//") {
			ref = "https:" + ref
		}
		if svc := s.cat.MatchURL([]byte(ref)); svc != nil {
			h.Service, h.Category = svc.ID, svc.Category.String()
		}
		s.hosts[host] = h
	}
	h.Kinds[kind]++
}

func (s *scan) css(text string) {
	for _, m := range cssImport.FindAllStringSubmatch(text, -1) {
		s.use("stylesheet", m[1])
	}
	for _, m := range cssURL.FindAllStringSubmatch(text, -1) {
		if fontFile.MatchString(m[1]) {
			s.use("font", m[1])
		} else {
			s.use("image", m[1])
		}
	}
}

func (s *scan) srcset(v string) {
	for _, c := range strings.Split(v, ",") {
		if f := strings.Fields(c); len(f) > 0 {
			s.use("image", f[0])
		}
	}
}

// scanPage walks page (the module's own output already removed) and fills
// r.ThirdPartyHosts; it returns the elements over the rewriter's caps.
func scanPage(page []byte, site string, cat *catalog.Catalog) ([]HostUse, []string) {
	s := &scan{site: site, cat: cat, hosts: map[string]*HostUse{}}
	z := html.NewTokenizer(bytes.NewReader(page))
	line := 1
	inPicture, inMedia := 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw := z.Raw()
		at := line
		line += bytes.Count(raw, []byte{'\n'})
		switch tt {
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "picture":
				inPicture = max(0, inPicture-1)
			case "video", "audio":
				inMedia = max(0, inMedia-1)
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, _ := z.TagName()
		tag := string(name)
		if len(raw) > htmlrewrite.DefaultMaxTag {
			s.large = append(s.large, fmt.Sprintf("<%s> start tag at line %d (%d KiB)", tag, at, len(raw)>>10))
		}
		a := attrs(z)
		if st := a["style"]; st != "" {
			s.css(st)
		}
		switch tag {
		case "script":
			if src := a["src"]; src != "" {
				s.use("script", src)
			} else if tt == html.StartTagToken {
				body := nextText(z, &line)
				if len(body) > htmlrewrite.DefaultMaxInline {
					s.large = append(s.large, fmt.Sprintf("inline <script> at line %d (%d KiB)", at, len(body)>>10))
				}
			}
		case "style":
			if tt == html.StartTagToken {
				body := nextText(z, &line)
				s.css(string(body))
				if len(body) > htmlrewrite.DefaultMaxInline {
					s.large = append(s.large, fmt.Sprintf("<style> at line %d (%d KiB)", at, len(body)>>10))
				}
			}
		case "iframe", "frame":
			s.use("frame", a["src"])
		case "img":
			s.use("image", a["src"])
			s.srcset(a["srcset"])
		case "picture":
			if tt == html.StartTagToken {
				inPicture++
			}
		case "video", "audio":
			if tt == html.StartTagToken {
				inMedia++
			}
			s.use("media", a["src"])
			s.use("image", a["poster"])
		case "source":
			switch {
			case inPicture > 0:
				s.use("image", a["src"])
				s.srcset(a["srcset"])
			case inMedia > 0:
				s.use("media", a["src"])
			}
		case "object":
			s.use("embed", a["data"])
		case "embed":
			s.use("embed", a["src"])
		case "link":
			s.link(a)
		}
	}
	out := make([]HostUse, 0, len(s.hosts))
	for _, h := range s.hosts {
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b HostUse) int { return strings.Compare(a.Host, b.Host) })
	return out, s.large
}

func (s *scan) link(a map[string]string) {
	href := a["href"]
	for _, rel := range strings.Fields(strings.ToLower(a["rel"])) {
		switch rel {
		case "stylesheet":
			s.use("stylesheet", href)
			return
		case "icon", "apple-touch-icon":
			s.use("image", href)
			return
		case "preload", "modulepreload", "prefetch":
			if strings.EqualFold(a["as"], "font") {
				s.use("font", href)
			} else {
				s.use("hint", href)
			}
			return
		case "preconnect", "dns-prefetch", "prerender":
			s.use("hint", href)
			return
		}
	}
}

// nextText reads the raw text of a script or style element.
func nextText(z *html.Tokenizer, line *int) []byte {
	if z.Next() != html.TextToken {
		return nil
	}
	raw := z.Raw()
	*line += bytes.Count(raw, []byte{'\n'})
	return raw
}

// ownScriptStart opens the Google Consent Mode default the consent module
// writes before the first Google tag (module/consent/rewrite.go).
var ownScriptStart = []byte("<script data-consent-mode")

// withoutOwnOutput removes what the consent module itself wrote into a page
// it served: its Consent Mode default names gtag and would count as Google
// Analytics. It reports whether there was any.
func withoutOwnOutput(page []byte) ([]byte, bool) {
	if !bytes.Contains(page, ownScriptStart) {
		return page, false
	}
	out := make([]byte, 0, len(page))
	rest := page
	for {
		i := bytes.Index(rest, ownScriptStart)
		if i < 0 {
			break
		}
		end := bytes.Index(rest[i:], []byte("</script>"))
		if end < 0 {
			break
		}
		out = append(out, rest[:i]...)
		rest = rest[i+end+len("</script>"):]
	}
	return append(out, rest...), true
}

// kindList writes host kinds as "script x2, font x1", in a fixed order.
func kindList(m map[string]int) string {
	var parts []string
	for _, k := range hostKinds {
		if n := m[k]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s x%d", k, n))
		}
	}
	return strings.Join(parts, ", ")
}
