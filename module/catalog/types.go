// Package catalog knows the trackers and cookies of the web: which service a
// script, iframe, pixel or cookie belongs to, who provides it, why, and in which
// consent category it falls. The rows are data (catalog.json, embedded);
// this package compiles them into matchers. It imports nothing of Caddy.
package catalog

import "github.com/samtykke/caddy-consent/module/policy"

// Service is one tracker or embed, such as Google Analytics or a YouTube player.
type Service struct {
	ID           string          `json:"id"`       // stable key, e.g. "google-analytics"
	Name         string          `json:"name"`     // shown to visitors, e.g. "Google Analytics"
	Provider     string          `json:"provider"` // legal entity, e.g. "Google Ireland Limited"
	Category     policy.Category `json:"-"`
	CategoryName string          `json:"category"`
	Purpose      string          `json:"purpose"`               // English, one sentence
	PrivacyURL   string          `json:"privacy_url,omitempty"` // provider's privacy policy
	Hosts        []string        `json:"hosts,omitempty"`       // host suffixes: "google-analytics.com" also matches its subdomains
	URLs         []string        `json:"urls,omitempty"`        // host/path globs, e.g. "www.google.com/maps/embed*"
	Inline       []string        `json:"inline,omitempty"`      // substrings that identify an inline script
	Cookies      []string        `json:"cookies,omitempty"`     // cookie name patterns this service sets
	Embed        bool            `json:"embed,omitempty"`       // visible content (video, map): blocked iframes get a placeholder
	// ConsentMode marks Google's tags that read Google Consent Mode (gtag.js,
	// Tag Manager, the advertising tags): the module's consent defaults go
	// out before the first of them on a page. Embeds such as Maps, YouTube
	// or reCAPTCHA do not read it.
	ConsentMode bool `json:"consent_mode,omitempty"`
	// Custom marks a service that an operator's rule created or re-categorised
	// (Catalog.With); it is never set in catalog.json.
	Custom bool `json:"-"`
}

// Cookie describes cookies by name pattern.
type Cookie struct {
	// Pattern is an exact name ("_gid"), a prefix ending in "*" ("_ga_*"), or a
	// glob with "*" anywhere ("wp-settings-time-*").
	Pattern      string          `json:"name"`
	Category     policy.Category `json:"-"`
	CategoryName string          `json:"category"`
	Provider     string          `json:"provider"`
	Service      string          `json:"service,omitempty"` // Service.ID when it belongs to one
	Purpose      string          `json:"purpose"`
	// Lifetime is "session" or a number and a unit: m (minutes), h, d, w, mo, y.
	// Example: "2y", "24h", "13mo".
	Lifetime string `json:"lifetime"`
	// ThirdParty marks cookies set on the provider's own domain, not the site's.
	ThirdParty bool `json:"third_party,omitempty"`
	// Paths lists the cookie paths the cookie is known to be set with, besides "/".
	Paths []string `json:"paths,omitempty"`
	// Custom marks a row that an operator's cookie rule created or changed
	// (Catalog.With); such new rows have no Provider and an empty Lifetime.
	Custom bool `json:"-"`
	// OperatorPurpose marks a Purpose written by the operator's rule, in the
	// site's language; every other Purpose is the catalog's English.
	OperatorPurpose bool `json:"-"`
	// ServiceName is the service an operator's rule names when it is not a
	// catalog service (then Service is empty).
	ServiceName string `json:"-"`
}
