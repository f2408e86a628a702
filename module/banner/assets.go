package banner

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"slices"
)

// Asset is a static file of the banner, served under <path>/assets/<Name>.
// Name carries a hash of Body, so the file can be cached for good.
type Asset struct {
	Name        string // "banner.<8 hex digits of SHA-256>.css"
	ContentType string
	Body        []byte
	Gzip        []byte // Body gzipped at the best level, for clients that accept it
}

var (
	//go:embed assets/banner.css
	bannerCSS []byte
	//go:embed assets/banner.js
	bannerJS []byte

	assets = []Asset{
		newAsset("banner", ".css", "text/css; charset=utf-8", strip(bannerCSS)),
		newAsset("banner", ".js", "text/javascript; charset=utf-8", minifyJS(strip(bannerJS))),
	}
)

// strip drops the comments and indentation of the embedded CSS and JS, which
// are written to be read; what is served is a third smaller. Line breaks stay,
// so JavaScript's automatic semicolons mean the same. It relies on the sources
// keeping to two rules, which TestStrippedSources checks: block comments never
// appear inside strings, and line comments stand on lines of their own.
func strip(src []byte) []byte {
	out := make([]byte, 0, len(src))
	for len(src) > 0 {
		i := bytes.Index(src, []byte("/*"))
		if i < 0 {
			i = len(src)
		}
		out = append(out, src[:i]...)
		src = src[i:]
		if len(src) > 0 {
			j := bytes.Index(src, []byte("*/"))
			if j < 0 {
				break
			}
			src = src[j+2:]
		}
	}
	var b bytes.Buffer
	for _, line := range bytes.Split(out, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 || bytes.HasPrefix(line, []byte("//")) {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.Write(line)
	}
	return b.Bytes()
}

func newAsset(base, ext, contentType string, body []byte) Asset {
	sum := sha256.Sum256(body)
	return Asset{
		Name:        base + "." + hex.EncodeToString(sum[:4]) + ext,
		ContentType: contentType,
		Body:        body,
		Gzip:        gzipBytes(body, gzip.BestCompression),
	}
}

func gzipBytes(b []byte, level int) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, level) // the level is a valid constant
	_, _ = zw.Write(b)                        // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	return buf.Bytes()
}

// Assets returns the banner's stylesheet and script. The slices are shared:
// callers must not modify them.
func Assets() []Asset { return slices.Clone(assets) }

// AssetNames returns the hashed file names of the stylesheet and the script.
func AssetNames() (css, js string) { return assets[0].Name, assets[1].Name }

// minifyJS drops the spaces strip leaves inside lines of the script: a space
// stays only between two identifier characters ("var a", "return x"). String
// literals are copied as they are; line breaks stay, so automatic semicolon
// insertion reads the code as before. The script keeps its regular
// expressions free of spaces and quotes, which TestStrippedSources checks.
func minifyJS(src []byte) []byte {
	out := make([]byte, 0, len(src))
	ident := func(c byte) bool {
		return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(src) && src[j] != c {
				if src[j] == '\\' {
					j++
				}
				j++
			}
			out = append(out, src[i:min(j+1, len(src))]...)
			i = j
		case c == ' ' || c == '\t':
			if len(out) > 0 && i+1 < len(src) && ident(out[len(out)-1]) && ident(src[i+1]) {
				out = append(out, ' ')
			}
		default:
			out = append(out, c)
		}
	}
	return out
}
