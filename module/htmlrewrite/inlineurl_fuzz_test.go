package htmlrewrite

import (
	"bytes"
	"io"
	"testing"
)

// FuzzInlineURLs: whatever an inline script holds, the reader asks only
// about "https://host/…" URLs whose host is made of host name bytes with a dot,
// every host it asks about is spelled in the script (split across literals
// at most), and a script cut anywhere never panics.
func FuzzInlineURLs(f *testing.F) {
	for _, s := range []string{
		`var s=document.createElement("script");s.src="https://t.test/a.js"`,
		`new Image().src='//t.test/p?'+Date.now()`,
		`e.src=(c?"https://secure":"http://pixel")+".quantserve.com/aquant.js"`,
		`var u="https://"+"x.t.test/a.js";document.write(u)`,
		`{"src":"https:\/\/t.test\/a.js"};createElement`,
		"// https://t.test/docs\ncreateElement",
		`"//"+"`, `'https://'`, `"\/\/`, `createElement "//.."`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var asked [][]byte
		o := &Options{Classifier: nothing{}, Unknown: func(_ *Page, u []byte) (bool, bool) {
			asked = append(asked, bytes.Clone(u))
			return true, false
		}}
		r := New(io.Discard, o)
		r.inlineURLs(body)
		for _, u := range asked {
			if !bytes.HasPrefix(u, []byte("https://")) {
				t.Fatalf("asked about %q", u)
			}
			host := u[len("https://"):]
			if k := bytes.IndexByte(host, '/'); k >= 0 {
				host = host[:k]
			}
			if bytes.IndexByte(host, '.') < 0 || host[0] == '.' || host[len(host)-1] == '.' {
				t.Fatalf("asked about host %q of %q", host, u)
			}
			for _, c := range host {
				if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
					t.Fatalf("host %q has %q", host, c)
				}
			}
			// The host is in the script, or two pieces of it are (a
			// concatenation), lower-cased.
			lb := bytes.ToLower(body)
			ok := false
			for k := 0; k < len(host) && !ok; k++ {
				ok = bytes.Contains(lb, host[:k]) && bytes.Contains(lb, host[k:])
			}
			if !ok {
				t.Fatalf("host %q of %q is not in the script", host, u)
			}
		}
	})
}
