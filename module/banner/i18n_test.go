package banner

import (
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/feature/plural"
)

func TestLanguages(t *testing.T) {
	got := Languages()
	// DESIGN §7: the 24 official EU languages plus Bokmål, Nynorsk, Icelandic.
	want := []string{"bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
		"is", "it", "lt", "lv", "mt", "nb", "nl", "nn", "pl", "pt", "ro", "sk", "sl", "sv"}
	if !slices.Equal(got, want) {
		t.Errorf("Languages() = %v, want %v", got, want)
	}
	got[0] = "xx"
	if Languages()[0] == "xx" {
		t.Error("Languages returns its internal slice")
	}
}

func TestNegotiate(t *testing.T) {
	tests := []struct {
		name         string
		htmlLang, al string
		allowed      []string
		want         string
	}{
		{"html lang with region", "nb-NO", "", nil, "nb"},
		{"html lang macrolanguage no", "no", "sv", nil, "nb"},
		{"html lang upper case", "NO", "", nil, "nb"},
		{"html lang underscore", "sv_SE", "", nil, "sv"},
		{"html lang nynorsk", "nn-NO", "nb", nil, "nn"},
		{"html lang beats accept-language", "en-US", "nb", nil, "en"},
		{"html lang not built in", "zh-CN", "sv-SE,sv;q=0.9,en;q=0.8", nil, "sv"},
		{"html lang not allowed", "nb", "sv", []string{"sv"}, "sv"},
		{"html lang garbage", "<x>", "da", nil, "da"},
		{"q order", "", "de;q=0.5, fr;q=0.9", nil, "fr"},
		{"first of equals", "", "  nn ;q=0.7 , no;q=0.7", nil, "nn"},
		{"q=0 is not acceptable", "", "fr;q=0, de", nil, "de"},
		{"only q=0", "", "fr;q=0", nil, "en"},
		{"region tag", "", "en-GB;q=0.8, nb-NO", nil, "nb"},
		{"alias in accept-language", "", "no", nil, "nb"},
		{"unknown languages", "", "xx, yy;q=0.5", nil, "en"},
		{"wildcard", "", "*", nil, "en"},
		{"wildcard above a match", "", "da;q=0.1, *;q=0.5", nil, "en"},
		{"wildcard below a match", "", "da, *;q=0.5", nil, "da"},
		{"q above 1 is malformed", "", "de;q=1.5, sv;q=0.2", nil, "sv"},
		{"q not a number", "", "de;q=abc, nl;q=0.3", nil, "nl"},
		{"q three decimals", "", "de;q=0.125, nl;q=0.12", nil, "de"},
		{"q four decimals is malformed", "", "de;q=0.1255, nl;q=0.1", nil, "nl"},
		{"q upper case and spaces", "", "de ; Q = 0.9 , pl;q=0.8", nil, "de"},
		{"other params", "", "de;level=1;q=0.4, pl;q=0.3", nil, "de"},
		{"allowed restricts", "", "de", []string{"sv", "nb"}, "sv"},
		{"allowed keeps match", "", "de, nb;q=0.5", []string{"sv", "nb"}, "nb"},
		{"english allowed", "", "de", []string{"sv", "en"}, "en"},
		{"allowed has unknown tags only", "", "de", []string{"xx"}, "en"},
		{"empty allowed", "", "de", []string{}, "en"},
		{"empty input", "", "", nil, "en"},
		{"commas only", "", ",,,;q=1,", nil, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Negotiate(tt.htmlLang, tt.al, tt.allowed); got != tt.want {
				t.Errorf("Negotiate(%q, %q, %v) = %q, want %q", tt.htmlLang, tt.al, tt.allowed, got, tt.want)
			}
		})
	}
}

func TestNegotiateLongHeader(t *testing.T) {
	// Entries past the 64th are not read: the work per request stays bounded.
	al := strings.Repeat("xx;q=0.9,", 100) + "sv"
	if got := Negotiate("", al, nil); got != "en" {
		t.Errorf("Negotiate with sv as 101st entry = %q, want en", got)
	}
	if got := Negotiate("", strings.Repeat("xx,", 10)+"sv", nil); got != "sv" {
		t.Errorf("Negotiate with sv as 11th entry = %q, want sv", got)
	}
}

func TestText(t *testing.T) {
	ov := map[string]map[string]string{
		"nb": {"title": "Kaker hos oss"},
		"en": {"reopen": "Privacy choices"},
	}
	tests := []struct{ lang, key, want string }{
		{"nb", "title", "Kaker hos oss"},
		{"nb", "accept_all", builtin["nb"].strings["accept_all"]},
		{"nb", "reopen", builtin["nb"].strings["reopen"]}, // an English override is not Norwegian
		{"en", "reopen", "Privacy choices"},
		{"xx", "accept_all", "Accept all"},
		{"en", "no_such_key", "no_such_key"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.key, func(t *testing.T) {
			if got := Text(tt.lang, tt.key, ov); got != tt.want {
				t.Errorf("Text(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
			}
		})
	}
	if Text("nb", "accept_all", nil) == Text("en", "accept_all", nil) {
		t.Error("nb accept_all is the English text")
	}
}

func TestFormatLifetime(t *testing.T) {
	tests := []struct{ lang, in, want string }{
		{"en", "1y", "1 year"},
		{"en", "2y", "2 years"},
		{"en", "24h", "24 hours"},
		{"en", "13mo", "13 months"},
		{"en", "1w", "1 week"},
		{"en", "30m", "30 minutes"},
		{"en", "session", "Until you close the browser"},
		{"nb", "2y", "2 år"},
		{"nb", "1d", "1 dag"},
		{"nb", "13mo", "13 måneder"},
		{"sv", "1y", "1 år"},
		{"sv", "30d", "30 dagar"},
		{"sv", "1h", "1 timme"},
		{"sv", "session", "Tills du stänger webbläsaren"},
		// Polish: one, few (2–4, 22–24…), many (5–21, 25…).
		{"pl", "1y", "1 rok"},
		{"pl", "2y", "2 lata"},
		{"pl", "5y", "5 lat"},
		{"pl", "12mo", "12 miesięcy"},
		{"pl", "22mo", "22 miesiące"},
		{"pl", "24h", "24 godziny"},
		{"pl", "25h", "25 godzin"},
		// Lithuanian: one (1, 21, 31…), few (2–9, 22–29…), other (10–20, 30…).
		{"lt", "1y", "1 metai"},
		{"lt", "21d", "21 diena"},
		{"lt", "2d", "2 dienos"},
		{"lt", "10d", "10 dienų"},
		{"lt", "11mo", "11 mėnesių"},
		// Irish: one, two, few (3–6), many (7–10), other.
		{"ga", "1y", "1 bhliain"},
		{"ga", "2y", "2 bhliain"},
		{"ga", "3y", "3 bliana"},
		{"ga", "7y", "7 mbliana"},
		{"ga", "11y", "11 bliain"},
		{"ga", "5h", "5 huaire an chloig"},
		// Unknown language: English.
		{"xx", "2y", "2 years"},
		// Unreadable values come back as they are.
		{"en", "", ""},
		{"en", "y", "y"},
		{"en", "2x", "2x"},
		{"en", "-1y", "-1y"},
		{"en", "1234567y", "1234567y"},
		{"en", "2 y", "2 y"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.in, func(t *testing.T) {
			if got := FormatLifetime(tt.lang, tt.in); got != tt.want {
				t.Errorf("FormatLifetime(%q, %q) = %q, want %q", tt.lang, tt.in, got, tt.want)
			}
		})
	}
}

func TestPluralizeFallback(t *testing.T) {
	// A translation that lacks a form falls back to its "other", then to English.
	tr := &texts{tag: builtin["pl"].tag, units: map[string]map[string]string{
		"unit_day": {"one": "{n} dzień", "other": "{n} dnia"},
	}}
	if got := pluralize(tr, "unit_day", 5); got != "5 dnia" {
		t.Errorf("missing many form: got %q, want the other form", got)
	}
	if got := pluralize(tr, "unit_week", 5); got != "5 weeks" {
		t.Errorf("missing unit: got %q, want English", got)
	}
}

var placeholderRE = regexp.MustCompile(`\{[a-z]+\}`)

// sameAsEnglish lists, per key, the languages whose text is the English word
// because it is also theirs ("Marketing" in German, "Pages" in French, "Host"
// where the loan word is the usual term); any other text equal to the English
// one is an untranslated string.
var sameAsEnglish = map[string][]string{
	"category_marketing":   {"da", "de", "es", "hu", "it", "mt", "nl", "pl", "pt", "ro"},
	"category_preferences": {"lv"},
	"col_name":             {"de"},
	"col_type":             {"da", "fr", "nb", "nl", "nn"},
	"col_host":             {"de", "et", "it", "mt", "nl", "pl"},
	"col_service":          {"fr"},
	"col_pages":            {"fr"},
}

// TestTranslations checks every translation against en.json: the same keys,
// the same placeholders, no text left in English (but the words in
// sameAsEnglish), and every plural form CLDR needs for the language.
func TestTranslations(t *testing.T) {
	en := builtin["en"]
	for _, tag := range Languages() {
		t.Run(tag, func(t *testing.T) {
			tr := builtin[tag]
			if got, want := slices.Sorted(maps.Keys(tr.strings)), slices.Sorted(maps.Keys(en.strings)); !slices.Equal(got, want) {
				t.Errorf("text keys differ from en.json:\n got %v\nwant %v", got, want)
			}
			for k, s := range en.strings {
				got, want := placeholderRE.FindAllString(tr.strings[k], -1), placeholderRE.FindAllString(s, -1)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s: placeholders %v, want %v", k, got, want)
				}
				if strings.TrimSpace(tr.strings[k]) == "" {
					t.Errorf("%s is empty", k)
				}
				if same := tr.strings[k] == s; tag != "en" && same != slices.Contains(sameAsEnglish[k], tag) {
					if same {
						t.Errorf("%s is the English %q: translate it, or list it in sameAsEnglish if the word is also %s", k, s, tag)
					} else {
						t.Errorf("%s is no longer the English %q: remove %s from sameAsEnglish[%q]", k, s, tag, k)
					}
				}
			}
			needed := map[string]bool{"other": true}
			for n := 0; n <= 1000; n++ {
				needed[formNames[plural.Cardinal.MatchPlural(tr.tag, n, 0, 0, 0, 0)]] = true
			}
			for unit := range en.units {
				forms := tr.units[unit]
				if forms == nil {
					t.Errorf("%s missing", unit)
					continue
				}
				for f := range needed {
					if !strings.Contains(forms[f], "{n}") {
						t.Errorf("%s: form %q is %q, want a phrase with {n}", unit, f, forms[f])
					}
				}
				for f := range forms {
					if !slices.Contains(formNames[:], f) {
						t.Errorf("%s: %q is not a CLDR plural form", unit, f)
					}
				}
			}
		})
	}
}

func TestParseTextsErrors(t *testing.T) {
	tests := []struct{ name, tag, json string }{
		{"bad tag", "not a tag!", `{}`},
		{"bad json", "en", `{`},
		{"string as unit", "en", `{"unit_day": "day"}`},
		{"object as text", "en", `{"title": {"one": "x"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseTexts(tt.tag, []byte(tt.json)); err == nil {
				t.Error("parseTexts succeeded, want an error")
			}
		})
	}
}
