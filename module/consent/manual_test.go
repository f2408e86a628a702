package consent

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"strings"
	"testing"
)

// Handler's type comment is the module's manual in Caddy's generated JSON
// docs: its Caddyfile summary names every subdirective the parser accepts.
func TestManualNamesEverySubdirective(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "consent.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	var manual string
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.TYPE && g.Doc != nil {
			if ts := g.Specs[0].(*ast.TypeSpec); ts.Name.Name == "Handler" {
				manual = g.Doc.Text()
			}
		}
	}
	if !strings.Contains(manual, "consent [<matcher>] {") {
		t.Fatalf("Handler's comment has no Caddyfile summary:\n%s", manual)
	}
	src, err := os.ReadFile("caddyfile.go")
	if err != nil {
		t.Fatal(err)
	}
	subs := regexp.MustCompile(`(?m)^\t\tcase "([a-z_]+)":`).FindAllStringSubmatch(string(src), -1)
	if len(subs) < 20 {
		t.Fatalf("found %d subdirectives in caddyfile.go; the pattern no longer matches the parser", len(subs))
	}
	for _, m := range subs {
		if !regexp.MustCompile(`(?m)^\t\t` + m[1] + ` `).MatchString(manual) {
			t.Errorf("subdirective %s is missing from Handler's Caddyfile summary", m[1])
		}
	}
}
