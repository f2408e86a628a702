package banner

import (
	"embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

//go:embed i18n/*.json
var i18nFS embed.FS

// texts is one built-in language: plain strings, and the unit_* objects that
// hold one phrase per CLDR plural form.
type texts struct {
	tag     language.Tag
	strings map[string]string
	units   map[string]map[string]string // "unit_year" → "one" → "{n} year"
}

// builtin holds every language in i18n/, keyed by file name ("nb"), and tags
// lists those keys sorted. A malformed file is a build defect, so loading panics
// like template.Must: any test of this package catches it before release.
var builtin, tags = mustLoad()

func mustLoad() (map[string]*texts, []string) {
	m, err := load()
	if err != nil {
		panic(err)
	}
	t := make([]string, 0, len(m))
	for k := range m {
		t = append(t, k)
	}
	slices.Sort(t)
	return m, t
}

func load() (map[string]*texts, error) {
	files, err := i18nFS.ReadDir("i18n")
	if err != nil {
		return nil, fmt.Errorf("reading banner translations: %v", err)
	}
	m := make(map[string]*texts, len(files))
	for _, f := range files {
		tag := strings.TrimSuffix(f.Name(), ".json")
		raw, err := i18nFS.ReadFile(path.Join("i18n", f.Name()))
		if err != nil {
			return nil, fmt.Errorf("reading banner translation %s: %v", f.Name(), err)
		}
		t, err := parseTexts(tag, raw)
		if err != nil {
			return nil, fmt.Errorf("banner translation %s: %v", f.Name(), err)
		}
		m[tag] = t
	}
	if m["en"] == nil {
		return nil, fmt.Errorf("banner translations: en.json is missing")
	}
	return m, nil
}

func parseTexts(tag string, raw []byte) (*texts, error) {
	lt, err := language.Parse(tag)
	if err != nil {
		return nil, fmt.Errorf("file name is not a language tag: %v", err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, err
	}
	t := &texts{tag: lt, strings: map[string]string{}, units: map[string]map[string]string{}}
	for k, v := range obj {
		if strings.HasPrefix(k, "unit_") {
			var forms map[string]string
			if err := json.Unmarshal(v, &forms); err != nil {
				return nil, fmt.Errorf("key %s: want an object of plural forms: %v", k, err)
			}
			t.units[k] = forms
			continue
		}
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return nil, fmt.Errorf("key %s: want a string: %v", k, err)
		}
		t.strings[k] = s
	}
	return t, nil
}

// Languages lists the built-in banner languages as lower-case tags ("en", "nb",
// "nn", "sv", …), sorted.
func Languages() []string { return slices.Clone(tags) }

// aliases maps language subtags that are not file names to the built-in
// language that serves them. "no" is the macrolanguage most Norwegian sites
// still declare; Bokmål is what nine in ten of them write.
var aliases = map[string]string{"no": "nb", "nob": "nb", "nno": "nn"}

// primary returns the built-in language a tag such as "nb-NO", "sv_SE" or "NO"
// maps to, or "" when there is none.
func primary(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return ""
	}
	var b [3]byte
	for i := 0; i < len(tag); i++ {
		c := tag[i] | 0x20 // ASCII lower case
		if c < 'a' || c > 'z' {
			return ""
		}
		b[i] = c
	}
	l := string(b[:len(tag)])
	if a, ok := aliases[l]; ok {
		l = a
	}
	if builtin[l] == nil {
		return ""
	}
	return l
}

// Negotiate picks the banner language: the page's own <html lang> first, so
// the banner speaks the language the page is written in ("nb-NO" → "nb",
// "no" → "nb"); then the visitor's Accept-Language by q-value; then English.
// Only languages in allowed count (nil allows every built-in one); when English
// is not allowed either, the first allowed built-in language is the fallback.
func Negotiate(htmlLang, acceptLanguage string, allowed []string) string {
	ok := func(l string) bool { return l != "" && (allowed == nil || slices.Contains(allowed, l)) }
	if l := primary(htmlLang); ok(l) {
		return l
	}
	// One pass, no allocation: the best-q allowed entry wins, the first of
	// equals. RFC 9110 §12.5.4; q=0 means "not acceptable".
	best, bestQ := "", 0
	for n := 0; acceptLanguage != "" && n < 64; n++ {
		var item string
		item, acceptLanguage, _ = strings.Cut(acceptLanguage, ",")
		tag, params, _ := strings.Cut(item, ";")
		q := qvalue(params)
		if q <= bestQ {
			continue
		}
		if l := strings.TrimSpace(tag); l == "*" {
			best, bestQ = fallback(allowed), q
		} else if l := primary(l); ok(l) {
			best, bestQ = l, q
		}
	}
	if best != "" {
		return best
	}
	return fallback(allowed)
}

func fallback(allowed []string) string {
	if allowed == nil || slices.Contains(allowed, "en") {
		return "en"
	}
	for _, l := range allowed {
		if builtin[l] != nil {
			return l
		}
	}
	return "en"
}

// qvalue reads "q=0.8" from an Accept-Language parameter list as thousandths;
// no q means 1000, a malformed one 0.
func qvalue(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		whole, frac, _ := strings.Cut(v, ".")
		if (whole != "0" && whole != "1") || len(frac) > 3 {
			return 0
		}
		q := int(whole[0]-'0') * 1000
		for i, m := 0, 100; i < len(frac); i, m = i+1, m/10 {
			if frac[i] < '0' || frac[i] > '9' {
				return 0
			}
			q += int(frac[i]-'0') * m
		}
		if q > 1000 {
			return 0
		}
		return q
	}
	return 1000
}

// builtinLang is l when it is a built-in language, else "en": what a page
// asked for in an unknown language renders in.
func builtinLang(l string) string {
	if builtin[l] != nil {
		return l
	}
	return "en"
}

// textsFor returns the built-in language l, or English.
func textsFor(l string) *texts {
	if t := builtin[l]; t != nil {
		return t
	}
	return builtin["en"]
}

// Text returns the text for key in language lang: the site's override from the
// Caddyfile (lang → key → text) first, then the built-in translation, then the
// English one. An unknown key comes back as itself, which makes gaps visible.
func Text(lang, key string, overrides map[string]map[string]string) string {
	if s, ok := overrides[lang][key]; ok {
		return s
	}
	if s, ok := textsFor(lang).strings[key]; ok {
		return s
	}
	if s, ok := builtin["en"].strings[key]; ok {
		return s
	}
	return key
}

// units maps the unit letters of catalog.Cookie.Lifetime to translation keys.
var units = map[string]string{
	"m": "unit_minute", "h": "unit_hour", "d": "unit_day",
	"w": "unit_week", "mo": "unit_month", "y": "unit_year",
}

// FormatLifetime writes a catalog lifetime ("session", "2y", "13mo", "24h") in
// words for language lang, with the plural form CLDR prescribes for the number:
// "2y" is "2 years" in English, "2 år" in Norwegian, "5 lat" in Polish. A value
// it cannot read comes back unchanged.
func FormatLifetime(lang, lifetime string) string {
	t := textsFor(lang)
	if lifetime == "session" {
		return Text(lang, "lifetime_session", nil)
	}
	i := 0
	for i < len(lifetime) && lifetime[i] >= '0' && lifetime[i] <= '9' {
		i++
	}
	key, ok := units[lifetime[i:]]
	if i == 0 || i > 6 || !ok {
		return lifetime
	}
	n, _ := strconv.Atoi(lifetime[:i])
	return pluralize(t, key, n)
}

var formNames = [...]string{plural.Other: "other", plural.Zero: "zero", plural.One: "one", plural.Two: "two", plural.Few: "few", plural.Many: "many"}

// pluralize picks t's phrase for n of unit key, falling back to the "other"
// form and then to English when a translation lacks one.
func pluralize(t *texts, key string, n int) string {
	form := formNames[plural.Cardinal.MatchPlural(t.tag, n, 0, 0, 0, 0)]
	s, ok := t.units[key][form]
	if !ok {
		s, ok = t.units[key]["other"]
	}
	if !ok && t != builtin["en"] {
		return pluralize(builtin["en"], key, n)
	}
	return strings.ReplaceAll(s, "{n}", strconv.Itoa(n))
}

// TextKeys lists the keys of the plain texts a Caddyfile may override, sorted.
func TextKeys() []string {
	keys := make([]string, 0, len(builtin["en"].strings))
	for k := range builtin["en"].strings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
