package htmlrewrite

import "bytes"

// The tree builder simulation: just enough of HTML tree construction
// (§13.2.6) to know how the content after each tag is tokenized, where
// svg and math end, and when an end tag closes an element the rewriter
// tracks. The element rules (element.go) and the CSS scan (css.go) are
// apart from it.

// Namespaces of the simulated stack of open elements.
const (
	nsHTML uint8 = iota + 1
	nsSVG
	nsMath
)

// maxOpen bounds the stack of open elements kept inside foreign content;
// deeper elements are not tracked.
const maxOpen = 128

// openElem is an element on the simulated stack of open elements. The stack
// is kept only inside svg and math, where closing is explicit: the HTML root
// context below it is not tracked.
type openElem struct {
	hash uint32 // of the lower-cased tag name
	ns   uint8
	ip   bool // an integration point: start tags and text inside are HTML
	id   tagID
}

// foreign reports whether the adjusted current node is an svg or math element.
func (t *tokenizer) foreign() bool {
	return len(t.open) > 0 && t.open[len(t.open)-1].ns != nsHTML
}

func (t *tokenizer) push(e openElem) {
	if len(t.open) == maxOpen {
		return
	}
	t.open = append(t.open, e)
	t.buckets[e.hash&63]++
	if e.ip {
		t.ips++
	}
}

// mayBeOpen reports whether an element with the current tag name may be open.
func (t *tokenizer) mayBeOpen() bool { return t.buckets[t.hash&63] != 0 }

// popTo pops the elements from index i up.
func (t *tokenizer) popTo(i int) {
	for _, e := range t.open[i:] {
		t.buckets[e.hash&63]--
		if e.ip {
			t.ips--
		}
	}
	t.open = t.open[:i]
}

// popForeign pops foreign elements up to the nearest HTML element or
// integration point, as a breakout tag does (§13.2.6.5).
func (t *tokenizer) popForeign() {
	i := len(t.open)
	for i > 0 && t.open[i-1].ns != nsHTML && !t.open[i-1].ip {
		i--
	}
	t.popTo(i)
}

// nameHash hashes the lower-cased tag name (its first maxNameLen bytes and
// its length).
func (t *tokenizer) nameHash() uint32 {
	return hashName(t.name[:min(t.nameLen, maxNameLen)], t.nameLen)
}

func hashName(name []byte, n int) uint32 {
	h := uint32(2166136261)
	for _, c := range name {
		h = (h ^ uint32(c)) * 16777619
	}
	return (h ^ uint32(n)) * 16777619
}

// startTagName runs when a start tag's name is complete. It simulates the
// tree builder's dispatch (§13.2.6) to know how the content that follows is
// tokenized, and decides whether the tag must be held.
func (r *Rewriter) startTagName() {
	t := &r.tok
	t.next, t.elem, t.opens = stData, tagOther, false
	id := t.id
	if elemRules[id].held && r.o.Classifier != nil {
		// Classified in any namespace: a blocked svg <link> costs nothing, a
		// missed HTML one would load.
		t.elem = id
	}
	if len(t.open) > 0 {
		t.hash = t.nameHash()
		if top := &t.open[len(t.open)-1]; top.ns != nsHTML && !htmlStartTag(top, id) {
			switch {
			case breaksOutOfForeign(id):
				t.popForeign() // and go on as HTML
			case id == tagFont: // breaks out only with color, face or size
				t.elem = id
				t.holding = true
				return
			default:
				t.opens = true
				t.opening = openElem{hash: t.hash, ns: top.ns, id: id}
				switch {
				case top.ns == nsSVG && (id == tagForeignObject || id == tagDesc || id == tagTitle),
					top.ns == nsMath && id == tagMathText:
					t.opening.ip = true
				case top.ns == nsMath && id == tagAnnotationXML: // HTML inside only with an encoding
					t.elem = id
				}
				if t.elem == tagOther && r.mayHold() {
					t.elem = tagAny
				}
				t.holding = t.elem != tagOther
				return
			}
		}
	}
	r.htmlStartTag()
}

// htmlStartTag reports whether a start tag below the foreign element top is
// processed as HTML (§13.2.6, tree construction dispatcher).
func htmlStartTag(top *openElem, id tagID) bool {
	switch {
	case top.ip:
		return top.ns != nsMath || top.id != tagMathText || id != tagMglyph
	case top.id == tagAnnotationXML:
		return id == tagSvg
	}
	return false
}

// htmlStartTag handles a start tag in HTML content.
func (r *Rewriter) htmlStartTag() {
	t := &r.tok
	id := t.id
	switch id {
	case tagScript:
		t.next = stScript
	case tagIframe:
		t.next, t.rawName = stRawText, "iframe"
	case tagHTML:
		if !r.sawHTML {
			r.sawHTML = true
			t.elem = id
		}
	case tagStyle:
		t.next, t.rawName = stRawText, "style"
		if r.mayHold() {
			t.elem = tagStyle // held with its body: a url() or @import may load
		}
	case tagXmp:
		t.next, t.rawName = stRawText, "xmp"
	case tagNoembed:
		t.next, t.rawName = stRawText, "noembed"
	case tagNoframes:
		t.next, t.rawName = stRawText, "noframes"
	case tagTitle:
		t.next, t.rawName = stRawText, "title"
	case tagTextarea:
		t.next, t.rawName = stRawText, "textarea"
	case tagPlaintext:
		t.next = stPlaintext
	case tagNoscript:
		t.noscript = true // its content is markup here: what loads with JS off
	case tagTemplate:
		t.template++
	}
	switch {
	case id == tagSvg || id == tagMath:
		ns := nsSVG
		if id == tagMath {
			ns = nsMath
		}
		t.opens = true
		t.opening = openElem{hash: t.nameHash(), ns: ns, id: id}
		if len(t.open) == 0 {
			t.rootParent = 0
			if t.lastLen > 0 {
				t.rootParent = hashName(t.last[:min(t.lastLen, maxNameLen)], t.lastLen)
			}
		}
	case len(t.open) > 0:
		if !neverOpen(id) {
			t.opens = true
			t.opening = openElem{hash: t.hash, ns: nsHTML, id: id}
		}
	case !neverOpen(id):
		t.last, t.lastLen = t.name, t.nameLen
	}
	if t.elem == tagOther && r.mayHold() {
		t.elem = tagAny // let go at once unless its attributes may load (scanAttrsFast)
	}
	t.holding = t.elem != tagOther
}

// mayHold reports whether the start tag being read can still be held for
// its attributes: there is a classifier, and none of the tag was written
// (a tag whose name is longer than maxHeldName is not kept across writes).
func (r *Rewriter) mayHold() bool {
	return r.o.Classifier != nil && r.tok.tagStart >= r.pend
}

// startTagEnd runs after a start tag's '>' at offset end.
func (r *Rewriter) startTagEnd(end int) {
	t := &r.tok
	if t.holding {
		r.element(end)
	}
	// Self-closing is acknowledged on foreign elements only.
	if t.opens && (!t.selfClosing || t.opening.ns == nsHTML) {
		t.push(t.opening)
	}
	switch t.next {
	case stScript:
		t.st, t.sub = stScript, ssData
	case stRawText:
		t.st, t.sub = stRawText, rsData
	case stPlaintext:
		t.st = stPlaintext
	}
}

// endTagName runs when an end tag's name is complete.
func (r *Rewriter) endTagName() {
	t := &r.tok
	id := t.id
	if len(t.open) > 0 {
		t.hash = t.nameHash()
		if t.foreign() && !t.foreignEndTag(id) {
			return // it closed an svg or math element
		}
		t.htmlEndTag(id)
	} else if k := min(t.nameLen, maxNameLen); t.nameLen == t.lastLen && bytes.Equal(t.name[:k], t.last[:k]) {
		t.lastLen = 0
	}
	switch id {
	case tagTemplate:
		if t.template > 0 {
			t.template--
		}
	case tagNoscript:
		t.noscript = false
	case tagBody:
		// Ignored inside <template> and integration points (body is not in
		// scope there); text inside <noscript> for a browser running scripts.
		if !r.injected && t.template == 0 && !t.noscript && t.ips == 0 {
			r.injected = true
			r.emitTo(t.tagStart)
			r.write(r.o.Banner(&r.page))
		}
	}
}

// foreignEndTag applies an end tag in foreign content (§13.2.6.5); it reports
// whether the tag goes on to be processed as HTML.
func (t *tokenizer) foreignEndTag(id tagID) bool {
	if id == tagP || id == tagBr {
		t.popForeign()
		return true
	}
	for i := len(t.open) - 1; i >= 0 && t.mayBeOpen(); i-- {
		if t.open[i].hash == t.hash {
			t.popTo(i)
			return false
		}
		if i == 0 || t.open[i-1].ns == nsHTML {
			break
		}
	}
	return true
}

// htmlEndTag applies an HTML end tag to the elements kept: enough of "any
// other end tag" (§13.2.6.4.7) to find where integration points end.
func (t *tokenizer) htmlEndTag(id tagID) {
	for i := len(t.open) - 1; i >= 0; i-- {
		e := &t.open[i]
		if e.ip { // special: the end tag is ignored
			return
		}
		if e.ns == nsHTML && e.hash == t.hash {
			t.popTo(i)
			return
		}
		if t.ips == 0 && !t.mayBeOpen() {
			break // no integration point to stop at, no element to close
		}
	}
	// Below the outermost svg or math (not special elements), the end tag
	// closes them all if it matches the element they are in, as in
	// <div><svg></div>, or an open template. Otherwise the next element down is
	// most likely special, and the end tag is ignored.
	// </body> and </html> only change the insertion mode.
	if t.hash == t.rootParent && id != tagBody && id != tagHTML || id == tagTemplate && t.template > 0 {
		t.popTo(0)
	}
}

// breaksOutOfForeign reports whether a start tag ends svg/math content;
// <font> does so only with color, face or size (checked on its attributes).
func breaksOutOfForeign(id tagID) bool {
	switch id {
	case tagBreakout, tagBreakoutVoid, tagDiv, tagP, tagBr, tagBody, tagImg, tagEmbed:
		return true
	}
	return false
}

// neverOpen reports whether an HTML element never stays on the stack of open
// elements: void elements, and raw text elements whose end the tokenizer finds.
func neverOpen(id tagID) bool {
	switch id {
	case tagImg, tagImage, tagEmbed, tagLink, tagSource, tagBr, tagBreakoutVoid, tagVoid, tagTrack, tagInput, tagArea, tagBase, tagFrame,
		tagScript, tagIframe, tagStyle, tagXmp, tagNoembed, tagNoframes, tagTitle, tagTextarea, tagPlaintext:
		return true
	}
	return false
}
