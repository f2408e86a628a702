package htmlrewrite

import (
	"bytes"
	"strings"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// fakeClassifier stands in for *catalog.Catalog: host suffixes, host/path
// prefixes and inline substrings, like the real catalog's rows.
type fakeClassifier struct {
	services []*catalog.Service
}

var (
	svcGA      = &catalog.Service{ID: "google-analytics", Name: "Google Analytics", Category: policy.Analytics, URLs: []string{"www.googletagmanager.com/gtag/"}, Hosts: []string{"google-analytics.com", "analytics.google.com"}, Inline: []string{"gtag(", "GoogleAnalyticsObject", "google-analytics.com/analytics.js"}}
	svcGTM     = &catalog.Service{ID: "google-tag-manager", Name: "Google Tag Manager", Category: policy.Marketing, Hosts: []string{"googletagmanager.com"}, Inline: []string{"googletagmanager.com/gtm.js"}}
	svcFB      = &catalog.Service{ID: "meta-pixel", Name: "Meta Pixel", Category: policy.Marketing, Hosts: []string{"connect.facebook.net"}, URLs: []string{"www.facebook.com/tr"}, Inline: []string{"fbq(", "connect.facebook.net"}}
	svcYouTube = &catalog.Service{ID: "youtube", Name: "YouTube", Category: policy.Marketing, Embed: true, Hosts: []string{"youtube.com", "youtube-nocookie.com", "ytimg.com"}}
	svcMaps    = &catalog.Service{ID: "google-maps", Name: "Google Maps", Category: policy.Preferences, Embed: true, URLs: []string{"www.google.com/maps/embed", "maps.google.com/"}, Hosts: []string{"maps.googleapis.com"}}
	svcHotjar  = &catalog.Service{ID: "hotjar", Name: "Hotjar", Category: policy.Analytics, Hosts: []string{"hotjar.com"}, Inline: []string{"static.hotjar.com", "_hjSettings"}}
	svcDC      = &catalog.Service{ID: "doubleclick", Name: "DoubleClick", Category: policy.Marketing, Hosts: []string{"doubleclick.net"}}
	svcNeeded  = &catalog.Service{ID: "consent-helper", Name: "Needed", Category: policy.Necessary, Hosts: []string{"necessary.example"}, Inline: []string{"NECESSARY_MARKER"}}
)

var fake = &fakeClassifier{services: []*catalog.Service{svcGA, svcGTM, svcFB, svcYouTube, svcMaps, svcHotjar, svcDC, svcNeeded}}

// MatchURL matches absolute and protocol-relative URLs only, as the catalog
// does: relative URLs stay on the site.
func (f *fakeClassifier) MatchURL(u []byte) *catalog.Service {
	// As the catalog does: browsers drop tabs and newlines and trim URLs.
	s := strings.ToLower(strings.TrimSpace(strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(string(u))))
	switch {
	case strings.HasPrefix(s, "https://"):
		s = s[8:]
	case strings.HasPrefix(s, "http://"):
		s = s[7:]
	case strings.HasPrefix(s, "//"):
		s = s[2:]
	default:
		return nil
	}
	host := s
	if k := strings.IndexAny(s, "/?#\\"); k >= 0 {
		host = s[:k]
	}
	for _, svc := range f.services { // URL rules are more specific than hosts
		for _, p := range svc.URLs {
			if strings.HasPrefix(s, p) {
				return svc
			}
		}
	}
	for _, svc := range f.services {
		for _, h := range svc.Hosts {
			if host == h || strings.HasSuffix(host, "."+h) {
				return svc
			}
		}
	}
	return nil
}

func (f *fakeClassifier) MatchInline(b []byte) *catalog.Service {
	for _, svc := range f.services {
		for _, m := range svc.Inline {
			if bytes.Contains(b, []byte(m)) {
				return svc
			}
		}
	}
	return nil
}

func (f *fakeClassifier) MatchURLMemo(u []byte, _ *catalog.URLMemo) *catalog.Service {
	return f.MatchURL(u)
}

// InlineCategories is the catalog's: every service with a marker in b.
func (f *fakeClassifier) InlineCategories(b []byte) policy.Set {
	var set policy.Set
	for _, svc := range f.services {
		for _, m := range svc.Inline {
			if bytes.Contains(b, []byte(m)) {
				set |= policy.SetOf(svc.Category)
				break
			}
		}
	}
	return set
}

// nothing is a Classifier that matches nothing but still makes the rewriter
// parse every interesting element.
type nothing struct{}

func (nothing) MatchURL([]byte) *catalog.Service                       { return nil }
func (nothing) MatchInline([]byte) *catalog.Service                    { return nil }
func (nothing) MatchURLMemo([]byte, *catalog.URLMemo) *catalog.Service { return nil }
func (nothing) InlineCategories([]byte) policy.Set                     { return 0 }
