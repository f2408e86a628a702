package htmlrewrite

import (
	"bytes"
	"html"
	"strings"
	"testing"
)

// rewriteChunks writes in pieces whose sizes come from seed, with a Flush
// after every write.
func rewriteChunks(in []byte, o *Options, seed uint64) []byte {
	var out bytes.Buffer
	r := New(&out, o)
	for len(in) > 0 {
		n := int(seed%7) + 1
		if seed&8 != 0 {
			n = int(seed%97) + 1
		}
		seed = seed*6364136223846793005 + 1442695040888963407
		n = min(n, len(in))
		r.Write(in[:n])
		r.Flush()
		in = in[n:]
	}
	r.Close()
	return out.Bytes()
}

func FuzzRewrite(f *testing.F) {
	for _, s := range snippets {
		f.Add([]byte(s), uint64(1))
	}
	for _, s := range tricky {
		f.Add([]byte(s), uint64(12))
	}
	f.Add([]byte(`<link rel=preconnect href="https://t.test"><script src="https://t.test/a.js"></script><script>var s=document.createElement("script");s.src=(c?"https://s":"http://p")+".t.test/a.js"</script><img src="https://t.test/p.gif" width=1 height=1><noscript><img src="//t.test/n.gif"></noscript><iframe src="https://t.test/w"></iframe><script src="https://static.example.com/a.js"></script>`), uint64(5))
	f.Fuzz(func(t *testing.T, in []byte, seed uint64) {
		// A classifier that matches nothing leaves every byte.
		for _, o := range []*Options{{Classifier: nothing{}}, {}} {
			if out, _ := rewrite(t, string(in), o); out != string(in) {
				t.Fatalf("changed with nothing to match:\n%q\n%q", in, out)
			}
		}
		// Blocking edits only what neutralising edits.
		whole, _ := rewrite(t, string(in), &Options{Classifier: fake, MaxTag: 200, MaxInline: 300})
		if u := unneutralise(whole); u != string(in) && !bytes.Contains(in, []byte("data-consent-")) {
			t.Fatalf("edits beyond neutralising:\n%q\n%q", in, whole)
		}
		// Chunked, with every feature on, equals unchunked.
		want, _ := rewrite(t, string(in), splitOptions())
		if got := rewriteChunks(in, splitOptions(), seed); string(got) != want {
			t.Fatalf("chunked output differs:\n%q\n%q\n%q", in, got, want)
		}
		// Holding unknown third parties too: still only neutralising edits
		// (and the stubs), and chunked equals unchunked.
		var asked []string
		hold := func() *Options {
			o := holdOptions(&asked)
			o.MaxTag, o.MaxInline, o.Stubs = 200, 300, []byte("<script>stubs()</script>")
			return o
		}
		whole, _ = rewrite(t, string(in), hold())
		if u := strings.Replace(unneutralise(whole), "<script>stubs()</script>", "", 1); u != string(in) && !bytes.Contains(in, []byte("data-consent-")) && !bytes.Contains(in, []byte("stubs()")) {
			t.Fatalf("holding edits beyond neutralising:\n%q\n%q", in, whole)
		}
		if got := rewriteChunks(in, hold(), seed); string(got) != whole {
			t.Fatalf("chunked output differs when holding:\n%q\n%q\n%q", in, got, whole)
		}
	})
}

// FuzzUnescape checks the allocation-free decoder against html.UnescapeString.
func FuzzUnescape(f *testing.F) {
	for _, s := range []string{"&amp;", "&#x2F;&#47;&sol;", "&#x;", "&#5x", "&#55x", "&#9999999999;", "&ampx", "&AMP;&colon;", "a&b", "&#128;&#x9F;&#0;&#xD800;", "&lt&gt;&period;"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var r Rewriter
		got := string(r.unescape([]byte(s)))
		if want := html.UnescapeString(s); got != want {
			t.Fatalf("unescape(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzScanAttrsFast checks the straight-line attribute scanner against the
// state machine it short-cuts: same end, same self-closing flag, and giving
// up exactly when the state machine would still be inside the tag.
func FuzzScanAttrsFast(f *testing.F) {
	for _, s := range []string{
		` class="a>b" id=x>`, ` a='"' / >`, ` =x/>`, ` a=/>`, ` a b = "c"d>`, ` a=b/ c/>`,
		` a="`, ` a `, ` / `, `/>`, ` a =>`, ` a=""/>`, "\tx\n=\f'y'>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		var tok tokenizer
		tok.sub = tsBeforeName
		want, done := tok.scanAttrs(p, 0, len(p))
		end, sc, ok, _ := scanAttrsFast(p, 0)
		if ok != done || ok && (end != want || sc != tok.selfClosing) {
			t.Fatalf("%q: fast = %d, %v, %v; state machine = %d, %v, %v", p, end, sc, ok, want, tok.selfClosing, done)
		}
	})
}
