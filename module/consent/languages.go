package consent

import (
	"fmt"
	"slices"

	"github.com/samtykke/caddy-consent/module/banner"
)

func validLanguage(tag string) error {
	if !slices.Contains(banner.Languages(), tag) {
		return fmt.Errorf("%q is not a built-in banner language (have %v)", tag, banner.Languages())
	}
	return nil
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
