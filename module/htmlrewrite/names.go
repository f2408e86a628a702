package htmlrewrite

// tagID names the few elements whose tags change how the rest of the page is
// tokenized or that can load something. Everything else is tagOther.
type tagID uint8

const (
	tagOther tagID = iota
	tagScript
	tagIframe
	tagImg
	tagLink
	tagEmbed
	tagObject
	tagSource
	tagHTML
	tagBody
	tagStyle
	tagXmp
	tagNoembed
	tagNoframes
	tagTitle
	tagTextarea
	tagPlaintext
	tagNoscript
	tagTemplate
	tagSvg
	tagMath
	tagFont
	tagAnnotationXML
	tagForeignObject
	tagDesc
	tagMathText // mi, mo, mn, ms, mtext: MathML text integration points
	tagMglyph   // mglyph and malignmark stay MathML inside text integration points
	tagP
	tagBr
	tagDiv
	tagBreakout     // a non-void tag that ends foreign content (HTML §13.2.6.5)
	tagBreakoutVoid // hr, meta: void and ending foreign content
	tagVoid         // other void elements (no end tag, never open)
	tagVideo
	tagAudio
	tagTrack
	tagBase
	tagImage   // an svg image; in HTML the parser makes it an img
	tagFeImage // svg only: a filter that loads an image
	tagFrame   // in a frameset
	tagInput   // the elements from tagNoted on load only through ping or src
	tagA
	tagArea
	tagAny // any other element, held in case its style (or background) loads
	numTags
)

// tagNoted is the first element held only in case it has a ping or src
// attribute, which the tokenizer notes as it scans (scanAttrsNoting).
const tagNoted = tagInput

// maxNameLen is the longest tag name lookupTag knows ("annotation-xml").
const maxNameLen = 14

// maxHeldName is the longest tag name whose tag is kept across writes, so
// that a custom element (<lite-youtube>) can be held for its style; a tag
// whose name is longer passes as it is.
const maxHeldName = 64

// lookupTag maps a lower-cased tag name to its tagID.
func lookupTag(name []byte) tagID {
	switch string(name) {
	case "script":
		return tagScript
	case "iframe":
		return tagIframe
	case "img":
		return tagImg
	case "link":
		return tagLink
	case "embed":
		return tagEmbed
	case "object":
		return tagObject
	case "source":
		return tagSource
	case "html":
		return tagHTML
	case "body":
		return tagBody
	case "style":
		return tagStyle
	case "xmp":
		return tagXmp
	case "noembed":
		return tagNoembed
	case "noframes":
		return tagNoframes
	case "title":
		return tagTitle
	case "textarea":
		return tagTextarea
	case "plaintext":
		return tagPlaintext
	case "noscript":
		return tagNoscript
	case "template":
		return tagTemplate
	case "svg":
		return tagSvg
	case "math":
		return tagMath
	case "font":
		return tagFont
	case "annotation-xml":
		return tagAnnotationXML
	case "foreignobject":
		return tagForeignObject
	case "desc":
		return tagDesc
	case "mi", "mo", "mn", "ms", "mtext":
		return tagMathText
	case "mglyph", "malignmark":
		return tagMglyph
	case "div":
		return tagDiv
	case "p":
		return tagP
	case "br":
		return tagBr
	case "hr", "meta":
		return tagBreakoutVoid
	case "b", "big", "blockquote", "center", "code", "dd", "dl", "dt", "em",
		"h1", "h2", "h3", "h4", "h5", "h6", "head", "i", "li", "listing", "menu",
		"nobr", "ol", "pre", "ruby", "s", "small", "span", "strong", "strike",
		"sub", "sup", "table", "tt", "u", "ul", "var":
		return tagBreakout
	case "frame":
		return tagFrame
	case "col", "wbr", "param", "keygen", "basefont", "bgsound":
		return tagVoid
	case "a":
		return tagA
	case "video":
		return tagVideo
	case "audio":
		return tagAudio
	case "track":
		return tagTrack
	case "input":
		return tagInput
	case "area":
		return tagArea
	case "base":
		return tagBase
	case "image":
		return tagImage
	case "feimage":
		return tagFeImage
	}
	return tagOther
}

// Attribute keys the rewriter reads. Bits of a uint32 mask.
const (
	akOther uint8 = iota
	akSrc
	akSrcset
	akDataSrc
	akDataSrcset
	akDataLazySrc
	akDataLazySrcset
	akDataRocketSrc
	akHref
	akImagesrcset
	akData
	akType
	akSrcdoc
	akLang
	akColor
	akFace
	akSize
	akEncoding
	akClass
	akPoster
	akDataPoster
	akPing
	akXlinkHref
	akStyle
	akBackground
	akWidth // width, height, hidden: whether an image is a beacon
	akHeight
	akHidden
	akRel // whether a link is a resource hint or preload
)

// lookupAttr maps an attribute name (any case) to its key.
func lookupAttr(name []byte) uint8 {
	if len(name) < 3 || len(name) > 16 {
		return akOther
	}
	var b [16]byte
	for i, c := range name {
		b[i] = lower(c)
	}
	switch string(b[:len(name)]) {
	case "src":
		return akSrc
	case "srcset":
		return akSrcset
	case "data-src":
		return akDataSrc
	case "data-srcset":
		return akDataSrcset
	case "data-lazy-src":
		return akDataLazySrc
	case "data-lazy-srcset":
		return akDataLazySrcset
	case "data-rocket-src":
		return akDataRocketSrc
	case "href":
		return akHref
	case "imagesrcset":
		return akImagesrcset
	case "data":
		return akData
	case "type":
		return akType
	case "srcdoc":
		return akSrcdoc
	case "lang":
		return akLang
	case "color":
		return akColor
	case "face":
		return akFace
	case "size":
		return akSize
	case "encoding":
		return akEncoding
	case "class":
		return akClass
	case "poster":
		return akPoster
	case "data-poster":
		return akDataPoster
	case "ping":
		return akPing
	case "xlink:href":
		return akXlinkHref
	case "style":
		return akStyle
	case "background":
		return akBackground
	case "width":
		return akWidth
	case "height":
		return akHeight
	case "hidden":
		return akHidden
	case "rel":
		return akRel
	}
	return akOther
}

// Which attributes load something, per element.
const (
	loadsScript = 1<<akSrc | 1<<akDataSrc | 1<<akDataRocketSrc
	loadsIframe = 1<<akSrc | 1<<akDataSrc | 1<<akDataLazySrc | 1<<akSrcdoc
	loadsImg    = 1<<akSrc | 1<<akSrcset | 1<<akDataSrc | 1<<akDataSrcset | 1<<akDataLazySrc | 1<<akDataLazySrcset
	loadsSource = loadsImg
	loadsLink   = 1<<akHref | 1<<akImagesrcset
	loadsEmbed  = 1 << akSrc
	loadsFrame  = 1 << akSrc
	loadsObject = 1 << akData
	loadsVideo  = 1<<akSrc | 1<<akDataSrc | 1<<akPoster | 1<<akDataPoster
	loadsAudio  = 1<<akSrc | 1<<akDataSrc
	loadsTrack  = 1 << akSrc
	loadsInput  = 1 << akSrc // type=image only
	loadsPing   = 1 << akPing
	loadsBase   = 1 << akHref
	loadsSVG    = 1<<akHref | 1<<akXlinkHref   // svg script, image and feImage
	loadsCSS    = 1<<akStyle | 1<<akBackground // every element but script
	srcsetKeys  = 1<<akSrcset | 1<<akDataSrcset | 1<<akDataLazySrcset | 1<<akImagesrcset
)

// Byte classes.
const (
	cSpace   = 1 << iota // HTML whitespace (CR included: the input stream normalises it to LF)
	cLetter              // ASCII letter
	cNameEnd             // ends a tag name: whitespace, '/', '>'
	cAttrEnd             // ends an attribute name: whitespace, '/', '>', '='
	cUnqEnd              // ends an unquoted attribute value: whitespace, '>'
	cNoted               // starts a name scanAttrsFast notes: ping, src, style, background, data-consent-declaration
)

var ctab = func() (t [256]uint8) {
	for _, c := range []byte("\t\n\f\r ") {
		t[c] |= cSpace | cNameEnd | cAttrEnd | cUnqEnd
	}
	t['/'] |= cNameEnd | cAttrEnd
	t['>'] |= cNameEnd | cAttrEnd | cUnqEnd
	t['='] |= cAttrEnd
	for _, c := range []byte("pPsSbBdD") {
		t[c] |= cNoted
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cLetter
		t[c-'a'+'A'] |= cLetter
	}
	return t
}()

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// eqFold reports whether b equals the lower-case ASCII string s, ignoring case.
func eqFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}
