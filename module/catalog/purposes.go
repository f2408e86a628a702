package catalog

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
)

// The catalog's purposes are English. purposes/<lang>.json holds the
// translations of the purposes of the most common services and of the cookie
// rows that sites' own policies name most (WordPress, Drupal, PHP, Google
// Analytics, Meta): {"services": {id: text}, "cookies": {pattern: text}}.
// Every file has the same keys; the tests check them against the catalog.
//
//go:embed purposes/*.json
var purposesFS embed.FS

type purposeFile struct {
	Services map[string]string `json:"services"`
	Cookies  map[string]string `json:"cookies"`
}

// purposes is loaded once at init; a malformed file is a build defect and
// panics like catalog.json does.
var purposes = mustLoadPurposes()

func mustLoadPurposes() map[string]*purposeFile {
	m, err := loadPurposes()
	if err != nil {
		panic("catalog: embedded purposes: " + err.Error())
	}
	return m
}

func loadPurposes() (map[string]*purposeFile, error) {
	files, err := purposesFS.ReadDir("purposes")
	if err != nil {
		return nil, fmt.Errorf("reading purposes: %v", err)
	}
	m := make(map[string]*purposeFile, len(files))
	for _, f := range files {
		lang, ok := strings.CutSuffix(f.Name(), ".json")
		if !ok {
			continue
		}
		raw, err := purposesFS.ReadFile(path.Join("purposes", f.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading purposes %s: %v", f.Name(), err)
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		var p purposeFile
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("purposes %s: %v", f.Name(), err)
		}
		m[lang] = &p
	}
	return m, nil
}

// PurposeLanguages lists the languages purposes are translated into, sorted.
// English is not among them: it is the catalog's own.
func PurposeLanguages() []string {
	out := make([]string, 0, len(purposes))
	for l := range purposes {
		out = append(out, l)
	}
	slices.Sort(out)
	return out
}

// PurposeKeys lists the service IDs and cookie patterns whose purposes lang
// translates, sorted; for the tests and the docs.
func PurposeKeys(lang string) (services, cookies []string) {
	p := purposes[lang]
	if p == nil {
		return nil, nil
	}
	for k := range p.Services {
		services = append(services, k)
	}
	for k := range p.Cookies {
		cookies = append(cookies, k)
	}
	slices.Sort(services)
	slices.Sort(cookies)
	return services, cookies
}

// ServicePurpose returns the purpose of the catalog service id in language
// lang, or "" when it has no translation there (always for English, whose
// purposes are the catalog's).
func ServicePurpose(lang, id string) string {
	if p := purposes[lang]; p != nil {
		return p.Services[id]
	}
	return ""
}

// CookiePurpose returns the purpose of the catalog cookie row pattern, set by
// service (may be ""), in language lang: the row's own translation, else that
// of its service, whose purpose is what the cookie serves; "" when neither is
// translated.
func CookiePurpose(lang, pattern, service string) string {
	p := purposes[lang]
	if p == nil {
		return ""
	}
	if s := p.Cookies[pattern]; s != "" {
		return s
	}
	return p.Services[service]
}
