package htmlrewrite

import (
	"fmt"
	"testing"
)

func TestDeclarationHook(t *testing.T) {
	decl := func(p *Page) []byte { return []byte(fmt.Sprintf("[D lang=%s]", p.Lang)) }
	tests := []struct {
		name, in, want string
	}{
		{"filled", `<html lang="nb"><body><h1>Personvern</h1><div data-consent-declaration></div></body>`, `<html lang="nb"><body><h1>Personvern</h1><div data-consent-declaration>[D lang=nb]</div></body>`},
		{"with other attributes and a value", `<DIV class="x" DATA-CONSENT-DECLARATION="" id=y>old</DIV>`, `<DIV class="x" DATA-CONSENT-DECLARATION="" id=y>[D lang=]old</DIV>`},
		{"attribute forms", `<div data-consent-declaration=""></div><div id=a data-consent-declaration/>`, `<div data-consent-declaration="">[D lang=]</div><div id=a data-consent-declaration/>[D lang=]`},
		{"twice", `<div data-consent-declaration></div><div data-consent-declaration></div>`, `<div data-consent-declaration>[D lang=]</div><div data-consent-declaration>[D lang=]</div>`},
		{"not a prefix of another attribute", `<div data-consent-declarations></div><div xdata-consent-declaration></div>`, `<div data-consent-declarations></div><div xdata-consent-declaration></div>`},
		{"only div", `<section data-consent-declaration></section><p data-consent-declaration></p>`, `<section data-consent-declaration></section><p data-consent-declaration></p>`},
		{"not in template or noscript", `<template><div data-consent-declaration></div></template><noscript><div data-consent-declaration></div></noscript>`, `<template><div data-consent-declaration></div></template><noscript><div data-consent-declaration></div></noscript>`},
		{"not in a comment or script", `<!-- <div data-consent-declaration> --><script>"<div data-consent-declaration>"</script>`, `<!-- <div data-consent-declaration> --><script>"<div data-consent-declaration>"</script>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := &Options{Classifier: fake, Declaration: decl}
			got, _ := rewrite(t, tt.in, o)
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for i := range len(tt.in) + 1 {
				if got2, _ := rewrite(t, tt.in, o, i); got2 != got {
					t.Fatalf("split at %d: got\n%s", i, got2)
				}
			}
			// Without the option the page passes unchanged.
			if got, _ := rewrite(t, tt.in, &Options{Classifier: fake}); got != tt.in {
				t.Errorf("without Declaration: %s", got)
			}
		})
	}
}
