package htmlrewrite

import (
	"bytes"
	"encoding/binary"
)

// The tokenizer follows the WHATWG HTML tokenizer (§13.2.5) closely enough to
// find every tag boundary a browser finds, but it only keeps what the rewriter
// needs: tag names, the content model, and, for a held element, offsets.
// Every state can stop at the end of a chunk and resume on the next one.

type state uint8

const (
	stData       state = iota
	stTagOpen          // after '<'
	stEndTagOpen       // after "</"
	stTagName          // in a start or end tag name
	stAttrs            // after the tag name, up to '>'; sub is a ts* state
	stMarkupDecl       // after "<!"; sub is an md* state
	stComment          // after "<!--"; sub is a cs* state
	stBogus            // bogus comment or doctype: up to '>'
	stCDATA            // after "<![CDATA[" in foreign content; sub counts ']'
	stRawText          // RCDATA or RAWTEXT up to </rawName; sub is an rs* state
	stScript           // script data; sub is an ss* state
	stPlaintext        // everything up to the end
)

// Attribute sub-states (§13.2.5.32–43).
const (
	tsBeforeName uint8 = iota
	tsName
	tsAfterName
	tsBeforeValue
	tsDQ
	tsSQ
	tsUnquoted
	tsAfterQuoted
	tsSelfClosing
)

// Markup declaration sub-states: mdCDATA+k means k bytes of "[CDATA[" matched.
const (
	mdStart uint8 = iota
	mdDash
	mdCDATA
)

// Comment sub-states (§13.2.5.43–52; the less-than-sign states end the same).
const (
	csStart uint8 = iota
	csStartDash
	csBody
	csEndDash
	csEnd
	csEndBang
)

// RCDATA/RAWTEXT sub-states.
const (
	rsData uint8 = iota
	rsLT
	rsEnd // in "</name", k bytes matched
)

// Script data sub-states (§13.2.5.15–31).
const (
	ssData uint8 = iota
	ssLT
	ssEnd
	ssEscStart
	ssEscStartDash
	ssEsc
	ssEscDash
	ssEscDashDash
	ssEscLT
	ssEscEnd
	ssDblStart
	ssDbl
	ssDblDash
	ssDblDashDash
	ssDblLT
	ssDblEnd
)

type tokenizer struct {
	st  state
	sub uint8

	tagStart    int // offset of the current tag's '<'
	nameEnd     int // offset just after its name
	isEnd       bool
	selfClosing bool
	nameLen     int
	name        [maxNameLen]byte
	id          tagID

	next    state    // content model after the current start tag
	rawName string   // end tag name that ends stRawText
	hash    uint32   // of the tag name, computed inside foreign content
	opens   bool     // the current start tag opens an element to track
	opening openElem // that element

	holding   bool  // bytes from tagStart are held
	elem      tagID // whose start tag is held
	inline    bool  // holding an inline script's body too
	bodyStart int

	ltAbs int  // offset of a '<' that may open the end tag of raw text
	k     int  // bytes of that end tag name matched
	bad   bool // the end tag name stopped matching

	open    []openElem // open elements from the outermost svg or math in
	ips     int        // integration points in open
	buckets [64]uint8  // open elements per hash&63: most end tags match none
	// Below the outermost svg or math, elements are not tracked: only the
	// latest HTML start tag not yet seen closed (lastLen 0: none), and, once
	// svg or math opens, the hash of that tag, its probable parent.
	last       [maxNameLen]byte
	lastLen    int
	rootParent uint32
	template   int  // open <template> elements in HTML content
	noscript   bool // inside <noscript>
}

// keepFrom returns the offset from which input must be held at the end of a
// chunk, or -1.
func (t *tokenizer) keepFrom() int {
	if t.holding {
		return t.tagStart
	}
	switch t.st {
	case stTagOpen, stEndTagOpen:
		return t.tagStart
	case stTagName:
		if t.nameLen <= maxHeldName {
			return t.tagStart
		}
	}
	return -1
}

// match feeds one letter of an end tag name compared with want.
func (t *tokenizer) match(c byte, want string) {
	if !t.bad && t.k < len(want) && lower(c) == want[t.k] {
		t.k++
		return
	}
	t.bad = true
}

// endTagAt switches to the attributes of an end tag that ends raw text.
func (t *tokenizer) endTagAt(lt int) {
	t.st, t.sub = stAttrs, tsBeforeName
	t.isEnd, t.selfClosing, t.holding = true, false, false
	t.tagStart, t.id = lt, tagOther
}

// run tokenizes one chunk, calling into the rewriter at tag boundaries.
func (r *Rewriter) run(p []byte) {
	t := &r.tok
	i, n := 0, len(p)
	for i < n {
		switch t.st {
		case stData:
			j := nextTag(p, i)
			if j < 0 {
				return
			}
			if len(t.open) == 0 && !t.holding {
				// HTML content: most tags change nothing (see fastTags).
				if j = r.fastTags(p, j); j < 0 {
					return
				}
			}
			i = j
			t.tagStart = r.base + i
			i++
			// Straight into the tag name in the common cases, "<x" and "</x";
			// stTagOpen sorts out the rest.
			t.st = stTagOpen
			if i == n {
				return
			}
			if ctab[p[i]]&cLetter != 0 {
				t.isEnd = false
			} else if p[i] == '/' && i+1 < n && ctab[p[i+1]]&cLetter != 0 {
				t.isEnd = true
				i++
			} else {
				continue
			}
			t.st, t.nameLen = stTagName, 0
			fallthrough

		case stTagName:
			j, nl := i, t.nameLen
			for j < n {
				c := p[j]
				if ctab[c]&cNameEnd != 0 {
					break
				}
				if nl < maxNameLen {
					t.name[nl] = lower(c)
				}
				nl++
				j++
			}
			i, t.nameLen = j, nl
			if j == n {
				return
			}
			t.nameEnd = r.base + j
			t.id = tagOther
			if nl <= maxNameLen {
				t.id = lookupTag(t.name[:nl])
			}
			t.st, t.sub, t.selfClosing = stAttrs, tsBeforeName, false
			switch {
			case len(t.open) > 0: // in or under svg or math
				if t.isEnd {
					r.endTagName()
				} else {
					r.startTagName()
				}
			case t.isEnd:
				// endTagName, inline for the end tags that only close the
				// latest element.
				if t.id == tagTemplate || t.id == tagNoscript || t.id == tagBody {
					r.endTagName()
				} else if k := min(nl, maxNameLen); nl == t.lastLen && bytes.Equal(t.name[:k], t.last[:k]) {
					t.lastLen = 0
				}
			case t.id == tagOther || t.id == tagP || t.id == tagBreakout || t.id == tagA:
				// What startTagName does for an HTML element that neither
				// loads, nor changes the content model, nor is void: held in
				// case it has a ping (<a>) or CSS that loads, let go as soon
				// as its attributes show it has not.
				t.next, t.elem, t.opens, t.holding = stData, tagOther, false, false
				t.last, t.lastLen = t.name, nl
				if r.mayHold() {
					t.elem, t.holding = tagAny, true
					if t.id == tagA {
						t.elem = tagA
					}
				}
			default:
				r.startTagName()
			}
			fallthrough

		case stAttrs:
			lim := n
			if t.holding {
				if l := t.tagStart + r.o.MaxTag - r.base; l < lim {
					lim = l
				}
			}
			var j int
			var done bool
			if i < lim && t.sub == tsBeforeName {
				if p[i] == '>' { // most end tags, and <p>, <li>
					j, done = i+1, true
					if t.elem >= tagNoted && r.base+i == t.nameEnd {
						t.holding, t.elem = false, tagOther // no attributes
					}
				} else {
					var seen uint8
					j, t.selfClosing, done, seen = scanAttrsFast(p[:lim], i)
					// <a>, <area>, <input> and the rest: let go unless
					// they have ping or src, or CSS that may load.
					if t.elem >= tagNoted && done && seen == 0 && r.base+i == t.nameEnd {
						t.holding, t.elem = false, tagOther
					}
				}
			}
			if !done { // resume the state machine, from i again
				j, done = t.scanAttrs(p, i, lim)
			}
			i = j
			if !done {
				if i < n { // a held tag reached MaxTag
					r.overflowTag()
				}
				continue
			}
			t.st = stData
			if !t.isEnd && (t.holding || t.opens || t.next != stData) { // else startTagEnd has nothing to do
				r.startTagEnd(r.base + i)
			}

		case stTagOpen:
			switch c := p[i]; {
			case ctab[c]&cLetter != 0:
				t.st, t.isEnd, t.nameLen = stTagName, false, 0
			case c == '/':
				t.st = stEndTagOpen
				i++
			case c == '!':
				t.st, t.sub = stMarkupDecl, mdStart
				i++
			case c == '?':
				t.st = stBogus
			default: // a lone '<' is text
				t.st = stData
			}

		case stEndTagOpen:
			switch c := p[i]; {
			case ctab[c]&cLetter != 0:
				t.st, t.isEnd, t.nameLen = stTagName, true, 0
			case c == '>': // "</>" is dropped by browsers; nothing to do
				t.st = stData
				i++
			default:
				t.st = stBogus
			}

		case stMarkupDecl:
			c := p[i]
			switch t.sub {
			case mdStart:
				switch {
				case c == '-':
					t.sub = mdDash
					i++
				case c == '[' && t.foreign(): // CDATA only in svg and math
					t.sub = mdCDATA + 1
					i++
				default:
					t.st = stBogus
				}
			case mdDash:
				if c == '-' {
					t.st, t.sub = stComment, csStart
					i++
				} else {
					t.st = stBogus
				}
			default:
				k := int(t.sub - mdCDATA)
				if c != "[CDATA["[k] {
					t.st = stBogus
					break
				}
				i++
				if k++; k == len("[CDATA[") {
					t.st, t.sub = stCDATA, 0
				} else {
					t.sub = mdCDATA + uint8(k)
				}
			}

		case stComment:
			i = t.scanComment(p, i)

		case stBogus:
			k := bytes.IndexByte(p[i:], '>')
			if k < 0 {
				return
			}
			i += k + 1
			t.st = stData

		case stCDATA:
			i = t.scanCDATA(p, i)

		case stRawText:
			lim := n
			if t.inline { // a held <style>: as a held script body
				if l := t.bodyStart + r.o.MaxInline + len("</style") + 1 - r.base; l < lim {
					lim = l
				}
			}
			j, end := t.scanRaw(p[:lim], i, r.base)
			i = j
			if end {
				if t.inline {
					r.decideStyle(t.ltAbs, false)
				}
				t.endTagAt(t.ltAbs)
			} else if t.inline && i < n { // the held body reached MaxInline
				r.decideStyle(r.base+i, true)
			}

		case stScript:
			lim := n
			if t.inline {
				// Room for "</script" and the byte after it, so that a body of
				// exactly MaxInline bytes is still classified.
				if l := t.bodyStart + r.o.MaxInline + len("</script") + 1 - r.base; l < lim {
					lim = l
				}
			}
			j, end := t.scanScript(p, i, lim, r.base)
			i = j
			if end {
				if t.inline {
					r.decideInline(t.ltAbs, false)
				}
				t.endTagAt(t.ltAbs)
				continue
			}
			if i < n { // the held body reached MaxInline
				r.decideInline(r.base+i, true)
			}

		case stPlaintext:
			return
		}
	}
}

// nextTag returns the index of the next '<' in p from i, or -1. Half the gaps
// between tags of a WordPress page are 0 or 1 byte ("</li>\n<li>"): two byte
// tests before bytes.IndexByte and its setup (fewer instructions than a
// longer byte loop, measured).
func nextTag(p []byte, i int) int {
	if i+1 < len(p) {
		if p[i] == '<' {
			return i
		}
		if p[i+1] == '<' {
			return i + 1
		}
	}
	if k := bytes.IndexByte(p[i:], '<'); k >= 0 {
		return i + k
	}
	return -1
}

// fastTags passes, from the '<' at p[i], over a run of tags that change
// nothing, in HTML content: start tags of elements that neither load, nor
// change how text is read (what run sends straight to the attribute scan,
// and <div> and <a> without WP Rocket's class or a ping), and end tags other
// than </template>, </noscript> and </body>, each whole within p, with the
// text between them. It keeps the latest start tag name as the general path
// does (for the parent of an svg or math root). It returns the '<' of the first tag it leaves to the general path, or -1 when
// only text is left.
func (r *Rewriter) fastTags(p []byte, i int) int {
	t := &r.tok
	n := len(p)
	for {
		j := i + 1
		if j+1 >= n {
			return i
		}
		isEnd := p[j] == '/'
		if isEnd {
			j++
		}
		if ctab[p[j]]&cLetter == 0 {
			return i
		}
		nl := 0
		for ; j < n && ctab[p[j]]&cNameEnd == 0; j++ {
			if nl == maxNameLen {
				return i
			}
			t.name[nl] = lower(p[j])
			nl++
		}
		if j == n {
			return i
		}
		id := lookupTag(t.name[:nl])
		if isEnd && (id == tagTemplate || id == tagNoscript || id == tagBody) ||
			!isEnd && id != tagOther && id != tagP && id != tagBreakout && id != tagDiv && id != tagA {
			return i
		}
		end := j + 1
		if p[j] != '>' {
			var ok bool
			var seen uint8
			if end, _, ok, seen = scanAttrsFast(p, j); !ok || !isEnd && r.o.Classifier != nil && (id == tagA && seen != 0 || seen&seenCSS != 0) {
				return i // a ping (or src), or CSS, to classify
			}
			if !isEnd && id == tagDiv && (hasRocketYouTube(p[i:end]) || seen&seenDecl != 0 && r.o.Declaration != nil) {
				return i
			}
		}
		if !isEnd {
			t.last, t.lastLen = t.name, nl
		} else if nl == t.lastLen && bytes.Equal(t.name[:nl], t.last[:nl]) {
			t.lastLen = 0
		}
		if i = nextTag(p, end); i < 0 {
			return -1
		}
	}
}

// What scanAttrsFast notes about a tag's attributes as it passes them.
const (
	seenPingSrc uint8 = 1 << iota // an attribute called ping or src
	seenCSS                       // a style or background value that may name another host
	seenDecl                      // the attribute data-consent-declaration (Options.Declaration)
)

// scanAttrsFast advances through the attributes of a tag from the before
// attribute name state at p[i] with straight-line code: the states of
// scanAttrs become positions in the code, so the common tag costs a few
// short loops and a bytes.IndexByte per quoted value. It returns the index
// after '>' and whether the tag was self-closing; ok is false when p ended
// first, and then scanAttrs must scan p[i:] again. seen notes, in any case,
// an attribute called ping or src — the only ones that make <a>, <area> and
// <input> load anything — and a style or background attribute whose value
// may name another host (mayNameHost), which any element can load. <a> is the most common element of
// a page; noting names as they pass costs a few instructions per attribute,
// where searching the tag again would cost hundreds.
func scanAttrsFast(p []byte, i int) (end int, selfClosing, ok bool, seen uint8) {
	for i < len(p) {
		c := p[i]
		if ctab[c]&cSpace != 0 {
			i++
			continue
		}
		if c == '>' {
			return i + 1, false, true, seen
		}
		if c == '/' {
			i++
			if i < len(p) && p[i] == '>' {
				return i + 1, true, true, seen
			}
			continue
		}
		ns := i
		i++ // the first byte is part of the name even if it is '='
	name:
		for i < len(p) && ctab[p[i]]&cAttrEnd == 0 {
			i++
		}
		if i == len(p) {
			break
		}
		// The first byte rules out most names (href, rel, class). Setting
		// 0x20 in a byte maps upper-case letters, and nothing else, to lower
		// case; p[i] ends the name, so p[ns:ns+4] is in p when it is 3 or
		// more bytes long.
		css := uint8(0) // 1: style, 2: background
		if ctab[p[ns]]&cNoted != 0 {
			switch k := i - ns; k {
			case 3, 4:
				v := binary.LittleEndian.Uint32(p[ns:]) | 0x20202020
				if k == 4 && v == 'p'|'i'<<8|'n'<<16|'g'<<24 || k == 3 && v&0xffffff == 's'|'r'<<8|'c'<<16 {
					seen |= seenPingSrc
				}
			case 5, 10:
				v := binary.LittleEndian.Uint32(p[ns:]) | 0x20202020
				if k == 5 && v == 's'|'t'<<8|'y'<<16|'l'<<24 && p[ns+4]|0x20 == 'e' {
					css = 1
				} else if k == 10 && v == 'b'|'a'<<8|'c'<<16|'k'<<24 && eqFold(p[ns+4:i], "ground") {
					css = 2
				}
			case len(declarationHook):
				if eqFold(p[ns:i], declarationHook) {
					seen |= seenDecl
				}
			}
		}
		c = p[i]
		if ctab[c]&cSpace != 0 { // after attribute name
			i++
			for i < len(p) && ctab[p[i]]&cSpace != 0 {
				i++
			}
			if i == len(p) {
				break
			}
			c = p[i]
			if c != '=' && c != '>' && c != '/' {
				ns = i
				i++ // starts a new name
				goto name
			}
		}
		switch c {
		case '>':
			return i + 1, false, true, seen
		case '/':
			continue
		}
		i++ // '=': before attribute value
		for i < len(p) && ctab[p[i]]&cSpace != 0 {
			i++
		}
		if i == len(p) {
			break
		}
		vs := i
		switch c = p[i]; c {
		case '"', '\'':
			k := bytes.IndexByte(p[i+1:], c)
			if k < 0 {
				return len(p), false, false, seen
			}
			vs, i = i+1, i+k+2
			if css != 0 && mayNameHost(p[vs:i-1], css == 1) {
				seen |= seenCSS
			}
		case '>':
			return i + 1, false, true, seen
		default: // unquoted
			i++
			for i < len(p) && ctab[p[i]]&cUnqEnd == 0 {
				i++
			}
			if i == len(p) {
				return len(p), false, false, seen
			}
			if css != 0 && mayNameHost(p[vs:i], css == 1) {
				seen |= seenCSS
			}
			if p[i] == '>' {
				return i + 1, false, true, seen
			}
			i++
		}
	}
	return len(p), false, false, seen
}

// mayNameHost reports whether a CSS value may load from another host: it
// holds "//", or an HTML or CSS escape that could spell one. A style value
// loads only through a function (url(), image-set()), so without a '(' (or
// an entity that could be one) it cannot.
func mayNameHost(v []byte, style bool) bool {
	if bytes.IndexByte(v, '&') >= 0 {
		return true
	}
	if style && bytes.IndexByte(v, '(') < 0 {
		return false
	}
	for s := v; ; {
		k := bytes.IndexByte(s, '/')
		if k < 0 || k+1 == len(s) {
			return bytes.IndexByte(v, '\\') >= 0
		}
		if s[k+1] == '/' {
			return true
		}
		s = s[k+1:]
	}
}

// scanAttrs advances through the attributes of a tag in p[i:lim]. It returns
// the index after '>' and true when the tag ended.
func (t *tokenizer) scanAttrs(p []byte, i, lim int) (int, bool) {
	ts := t.sub
	for i < lim {
		switch ts {
		case tsDQ, tsSQ:
			q := byte('"')
			if ts == tsSQ {
				q = '\''
			}
			k := bytes.IndexByte(p[i:lim], q)
			if k < 0 {
				i = lim
				continue
			}
			i += k + 1
			ts = tsAfterQuoted
		case tsBeforeName:
			c := p[i]
			switch {
			case ctab[c]&cSpace != 0:
				i++
			case c == '>':
				t.sub = ts
				return i + 1, true
			case c == '/':
				ts = tsSelfClosing
				i++
			default: // '=' too starts a name
				ts = tsName
				i++
			}
		case tsName:
			for i < lim && ctab[p[i]]&cAttrEnd == 0 {
				i++
			}
			if i == lim {
				continue
			}
			switch p[i] {
			case '>':
				t.sub = ts
				return i + 1, true
			case '/':
				ts = tsSelfClosing
			case '=':
				ts = tsBeforeValue
			default:
				ts = tsAfterName
			}
			i++
		case tsAfterName:
			c := p[i]
			switch {
			case ctab[c]&cSpace != 0:
			case c == '>':
				t.sub = ts
				return i + 1, true
			case c == '/':
				ts = tsSelfClosing
			case c == '=':
				ts = tsBeforeValue
			default:
				ts = tsName
			}
			i++
		case tsBeforeValue:
			c := p[i]
			switch {
			case ctab[c]&cSpace != 0:
			case c == '"':
				ts = tsDQ
			case c == '\'':
				ts = tsSQ
			case c == '>':
				t.sub = ts
				return i + 1, true
			default:
				ts = tsUnquoted
			}
			i++
		case tsUnquoted:
			for i < lim && ctab[p[i]]&cUnqEnd == 0 {
				i++
			}
			if i == lim {
				continue
			}
			if p[i] == '>' {
				t.sub = ts
				return i + 1, true
			}
			ts = tsBeforeName
			i++
		case tsAfterQuoted:
			c := p[i]
			switch {
			case ctab[c]&cSpace != 0:
				ts = tsBeforeName
				i++
			case c == '>':
				t.sub = ts
				return i + 1, true
			case c == '/':
				ts = tsSelfClosing
				i++
			default:
				ts = tsBeforeName
			}
		case tsSelfClosing:
			if p[i] == '>' {
				t.sub, t.selfClosing = ts, true
				return i + 1, true
			}
			ts = tsBeforeName
		}
	}
	t.sub = ts
	return i, false
}

// scanComment advances through a comment; it returns the index after its end.
func (t *tokenizer) scanComment(p []byte, i int) int {
	n := len(p)
	for i < n {
		c := p[i]
		switch t.sub {
		case csStart, csStartDash:
			switch c {
			case '-':
				if t.sub == csStart {
					t.sub = csStartDash
				} else {
					t.sub = csEnd
				}
				i++
			case '>': // "<!-->" and "<!--->" are complete comments
				t.st = stData
				return i + 1
			default:
				t.sub = csBody
			}
		case csBody:
			k := bytes.IndexByte(p[i:], '-')
			if k < 0 {
				return n
			}
			i += k + 1
			t.sub = csEndDash
		case csEndDash:
			if c == '-' {
				t.sub = csEnd
				i++
			} else {
				t.sub = csBody
			}
		case csEnd:
			switch c {
			case '>':
				t.st = stData
				return i + 1
			case '!':
				t.sub = csEndBang
				i++
			case '-':
				i++
			default:
				t.sub = csBody
			}
		case csEndBang:
			switch c {
			case '-':
				t.sub = csEndDash
				i++
			case '>':
				t.st = stData
				return i + 1
			default:
				t.sub = csBody
			}
		}
	}
	return n
}

// scanCDATA advances to the end of "]]>"; sub counts the ']' just seen.
func (t *tokenizer) scanCDATA(p []byte, i int) int {
	n := len(p)
	for i < n {
		if t.sub == 0 {
			k := bytes.IndexByte(p[i:], ']')
			if k < 0 {
				return n
			}
			i += k + 1
			t.sub = 1
			continue
		}
		c := p[i]
		i++
		switch {
		case c == ']':
			t.sub = 2
		case c == '>' && t.sub == 2:
			t.st = stData
			return i
		default:
			t.sub = 0
		}
	}
	return n
}

// scanRaw advances through RCDATA or RAWTEXT. When it finds the appropriate
// end tag it returns the index of the byte after the name and true; the end
// tag's '<' is at ltAbs.
func (t *tokenizer) scanRaw(p []byte, i, base int) (int, bool) {
	n := len(p)
	for i < n {
		switch t.sub {
		case rsData:
			k := bytes.IndexByte(p[i:], '<')
			if k < 0 {
				return n, false
			}
			i += k
			t.ltAbs = base + i
			i++
			t.sub = rsLT
		case rsLT:
			if p[i] == '/' {
				t.sub, t.k, t.bad = rsEnd, 0, false
				i++
			} else {
				t.sub = rsData
			}
		case rsEnd:
			c := p[i]
			if ctab[c]&cLetter != 0 {
				t.match(c, t.rawName)
				i++
				continue
			}
			t.sub = rsData
			if ctab[c]&cNameEnd != 0 && !t.bad && t.k == len(t.rawName) {
				return i, true
			}
		}
	}
	return n, false
}

// scanScript advances through script data in p[i:lim] (§13.2.5.4 and the
// escaped and double-escaped states that "<!--" in a script opens). When it
// finds </script it returns the index of the byte after the name and true; the
// end tag's '<' is at ltAbs.
func (t *tokenizer) scanScript(p []byte, i, lim, base int) (int, bool) {
	const name = "script"
	ss := t.sub
	for i < lim {
		c := p[i]
		switch ss {
		case ssData:
			k := bytes.IndexByte(p[i:lim], '<')
			if k < 0 {
				i = lim
				continue
			}
			i += k
			t.ltAbs = base + i
			i++
			ss = ssLT
		case ssLT:
			switch c {
			case '/':
				ss, t.k, t.bad = ssEnd, 0, false
				i++
			case '!':
				ss = ssEscStart
				i++
			default:
				ss = ssData
			}
		case ssEnd, ssEscEnd:
			if ctab[c]&cLetter != 0 {
				t.match(c, name)
				i++
				continue
			}
			if ctab[c]&cNameEnd != 0 && !t.bad && t.k == len(name) {
				t.sub = ssData
				return i, true
			}
			if ss == ssEnd {
				ss = ssData
			} else {
				ss = ssEsc
			}
		case ssEscStart:
			if c == '-' {
				ss = ssEscStartDash
				i++
			} else {
				ss = ssData
			}
		case ssEscStartDash:
			if c == '-' {
				ss = ssEscDashDash
				i++
			} else {
				ss = ssData
			}
		case ssEsc:
			for i < lim && p[i] != '-' && p[i] != '<' {
				i++
			}
			if i == lim {
				continue
			}
			if p[i] == '-' {
				ss = ssEscDash
			} else {
				ss = ssEscLT
				t.ltAbs = base + i
			}
			i++
		case ssEscDash, ssEscDashDash:
			switch {
			case c == '-':
				ss = ssEscDashDash
			case c == '<':
				ss = ssEscLT
				t.ltAbs = base + i
			case c == '>' && ss == ssEscDashDash:
				ss = ssData
			default:
				ss = ssEsc
			}
			i++
		case ssEscLT:
			switch {
			case c == '/':
				ss, t.k, t.bad = ssEscEnd, 0, false
				i++
			case ctab[c]&cLetter != 0:
				ss, t.k, t.bad = ssDblStart, 0, false
			default:
				ss = ssEsc
			}
		case ssDblStart, ssDblEnd:
			back, forth := ssEsc, ssDbl // ssDblStart: not "script" → escaped, "script" → double escaped
			if ss == ssDblEnd {
				back, forth = ssDbl, ssEsc
			}
			switch {
			case ctab[c]&cLetter != 0:
				t.match(c, name)
				i++
			case ctab[c]&cNameEnd != 0:
				if !t.bad && t.k == len(name) {
					ss = forth
				} else {
					ss = back
				}
				i++
			default:
				ss = back
			}
		case ssDbl:
			for i < lim && p[i] != '-' && p[i] != '<' {
				i++
			}
			if i == lim {
				continue
			}
			if p[i] == '-' {
				ss = ssDblDash
			} else {
				ss = ssDblLT
			}
			i++
		case ssDblDash, ssDblDashDash:
			switch {
			case c == '-':
				ss = ssDblDashDash
			case c == '<':
				ss = ssDblLT
			case c == '>' && ss == ssDblDashDash:
				ss = ssData
			default:
				ss = ssDbl
			}
			i++
		case ssDblLT:
			if c == '/' {
				ss, t.k, t.bad = ssDblEnd, 0, false
				i++
			} else {
				ss = ssDbl
			}
		}
	}
	t.sub = ss
	return i, false
}
