package consent

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samtykke/caddy-consent/module/banner"
)

func validLanguage(tag string) error {
	if slices.Contains(banner.Languages(), tag) {
		return nil
	}
	if hint := languageHint(tag); hint != "" {
		return fmt.Errorf("%q is not a built-in banner language; use %q (the banner's languages have no regions: one text serves every region)", tag, hint)
	}
	return fmt.Errorf("%q is not a built-in banner language (have %v)", tag, banner.Languages())
}

// languageHint names the built-in language a region tag (en-GB, nb_NO, NB)
// or an alias (no) stands for, or "".
func languageHint(tag string) string {
	base := strings.ToLower(tag)
	if i := strings.IndexAny(base, "-_"); i >= 0 {
		base = base[:i]
	}
	if slices.Contains(banner.Languages(), base) {
		return base
	}
	// Negotiate knows the aliases (no → nb); it falls back to English for
	// anything it does not know, which is no hint unless asked for English.
	if l := banner.Negotiate(tag, "", nil); l != "en" {
		return l
	}
	return ""
}

func validText(lang, key string) error {
	if err := validLanguage(lang); err != nil {
		return err
	}
	if !slices.Contains(banner.TextKeys(), key) {
		return fmt.Errorf("%q is not a banner text key (have %v)", key, banner.TextKeys())
	}
	return nil
}
