package htmlrewrite

import (
	"bytes"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// startTagName runs when a start tag's name is complete. It simulates the
// tree builder's dispatch (§13.2.6) to know how the content that follows is
// tokenized, and decides whether the tag must be held.
func (r *Rewriter) startTagName() {
	t := &r.tok
	t.next, t.elem, t.opens = stData, tagOther, false
	id := t.id
	switch id {
	case tagScript, tagIframe, tagImg, tagLink, tagEmbed, tagObject, tagSource, tagDiv,
		tagVideo, tagAudio, tagTrack, tagInput, tagA, tagArea, tagBase, tagImage, tagFeImage:
		// Classified in any namespace: a blocked svg <link> costs nothing, a
		// missed HTML one would load.
		if r.o.Classifier != nil {
			t.elem = id
		}
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

// overflowTag gives up on a held start tag that reached MaxTag.
func (r *Rewriter) overflowTag() {
	t := &r.tok
	switch t.elem {
	case tagScript, tagIframe, tagImg, tagLink, tagEmbed, tagObject, tagSource,
		tagVideo, tagAudio, tagTrack, tagBase, tagImage, tagFeImage:
		// Not div, a, area or input: they are held only in case they carry
		// a rare attribute, and huge ones are mostly harmless.
		r.page.Overflows++
	}
	t.holding, t.elem = false, tagOther
}

// element handles a held start tag that ended at offset end.
func (r *Rewriter) element(end int) {
	t := &r.tok
	elem := t.elem
	t.holding, t.elem = false, tagOther
	tag := r.contiguous(t.tagStart, end)
	// <div> and <a> are the most common elements and almost none of them
	// loads anything: parse only the tags that can.
	rocket := false
	switch elem {
	case tagDiv:
		if rocket = hasRocketYouTube(tag); !rocket {
			if _, _, _, seen := scanAttrsFast(tag, t.nameEnd-t.tagStart); seen&seenCSS == 0 {
				return // the only <div> that loads something, but for CSS
			}
		}
	case tagA, tagArea, tagInput, tagAny:
		if _, _, _, seen := scanAttrsFast(tag, t.nameEnd-t.tagStart); seen == 0 {
			return
		}
	}
	var ok bool
	if r.attrs, ok = parseAttrs(tag, t.nameEnd-t.tagStart, r.attrs[:0]); !ok {
		t.elem = elem
		r.overflowTag()
		return
	}
	switch elem {
	case tagHTML:
		if a := r.first(akLang); a != nil {
			r.page.Lang = string(r.unescape(tag[a.vs:a.ve]))
		}
	case tagFont:
		if r.first(akColor) != nil || r.first(akFace) != nil || r.first(akSize) != nil {
			t.popForeign()
			r.htmlStartTag()
			break
		}
		top := &t.open[len(t.open)-1]
		t.opens, t.opening = true, openElem{hash: t.hash, ns: top.ns, id: tagFont}
	case tagAnnotationXML:
		if a := r.first(akEncoding); a != nil {
			v := bytes.TrimSpace(r.unescape(tag[a.vs:a.ve]))
			t.opening.ip = eqFold(v, "text/html") || eqFold(v, "application/xhtml+xml")
		}
	case tagScript:
		r.script(tag, end)
	case tagIframe:
		r.media(tag, end, loadsIframe, KindIframe)
	case tagImg:
		r.media(tag, end, loadsImg, KindImg)
	case tagImage:
		// In HTML the parser turns <image> into <img>; in svg it loads its
		// href (or the older xlink:href). Near svg or math both are read:
		// a wrong guess of the namespace must not leave either live.
		loads := uint32(loadsImg)
		if len(t.open) > 0 {
			loads |= loadsSVG
		}
		r.media(tag, end, loads, KindImg)
	case tagFeImage: // an unknown element in HTML
		if len(t.open) > 0 {
			r.media(tag, end, loadsSVG, KindImg)
		}
	case tagLink:
		r.media(tag, end, loadsLink, KindLink)
	case tagEmbed:
		r.media(tag, end, loadsEmbed, KindEmbed)
	case tagObject:
		r.media(tag, end, loadsObject, KindObject)
	case tagSource:
		r.media(tag, end, loadsSource, KindSource)
	case tagVideo:
		r.media(tag, end, loadsVideo, KindSource)
	case tagAudio:
		r.media(tag, end, loadsAudio, KindSource)
	case tagTrack:
		r.media(tag, end, loadsTrack, KindSource)
	case tagInput:
		// Only an image button loads its src: type is an enumerated
		// attribute, matched without trimming.
		if a := r.first(akType); a != nil && eqFold(r.unescape(tag[a.vs:a.ve]), "image") {
			r.media(tag, end, loadsInput, KindImg)
		}
	case tagA, tagArea:
		// A ping is a beacon sent on click, as a pixel is on load; the link
		// itself (href) always stays.
		r.media(tag, end, loadsPing, KindImg)
	case tagBase:
		// A tracker's base would send every relative URL of the page there.
		r.media(tag, end, loadsBase, KindLink)
		// Any other base re-targets what is inserted: see Page.Base.
		r.page.Base = true
	case tagDiv:
		// WP Rocket's lazy YouTube: its script finds the div by class and
		// builds the thumbnail and the iframe from data-id and data-src.
		// Renaming class hides the div from it.
		loads, kind := uint32(loadsCSS), KindImg
		if rocket {
			loads |= 1 << akDataSrc
		}
		block, svc, pre, _ := r.classifyAttrs(tag, loads)
		if pre {
			r.prelude(t.tagStart)
		}
		if block&(1<<akDataSrc) != 0 {
			block, kind = block|1<<akClass, KindIframe
		}
		if svc != nil {
			r.neutralise(tag, end, svc, svc.Category, block, kind, 0)
		}
	case tagAny:
		r.media(tag, end, 0, KindImg)
	case tagStyle:
		t.holding, t.inline, t.bodyStart = true, true, end
	}
}

// rocketYouTube is the class of WP Rocket's lazy YouTube placeholder.
const rocketYouTube = "rll-youtube-player"

// hasRocketYouTube is bytes.Contains(tag, rocketYouTube) for the hundreds of
// <div> tags of a page, without a call per candidate byte: a Horspool search
// that mostly steps several bytes at a time through class names.
func hasRocketYouTube(tag []byte) bool {
	const m = len(rocketYouTube)
	for i := m - 1; i < len(tag); i += int(rocketSkip[tag[i]]) {
		if tag[i] == 'r' && string(tag[i+1-m:i+1]) == rocketYouTube {
			return true
		}
	}
	return false
}

// rocketSkip is the Horspool shift for each byte under the last of rocketYouTube.
var rocketSkip = func() (s [256]uint8) {
	const m = len(rocketYouTube)
	for i := range s {
		s[i] = uint8(m)
	}
	for i := range m - 1 {
		s[rocketYouTube[i]] = uint8(m - 1 - i)
	}
	return s
}()

// first returns the first attribute with key k (browsers use the first of
// duplicates), or nil.
func (r *Rewriter) first(k uint8) *attr {
	for i := range r.attrs {
		if r.attrs[i].key == k {
			return &r.attrs[i]
		}
	}
	return nil
}

// The attributes a script loads from, in the order an unknown host is
// reported from, per namespace.
var (
	htmlScriptURLs = []uint8{akSrc, akDataSrc, akDataRocketSrc}
	svgScriptURLs  = []uint8{akHref, akXlinkHref}
)

// script handles a complete <script> start tag.
func (r *Rewriter) script(tag []byte, end int) {
	// An svg script loads its href (or xlink:href), and type="text/plain"
	// stops it as it stops an HTML one.
	// Near svg or math both kinds are read, in case the namespace is guessed
	// wrong; only the one it is in counts for unknown hosts.
	t := &r.tok
	loads, urls := uint32(loadsScript), htmlScriptURLs
	if len(t.open) > 0 {
		loads |= loadsSVG
	}
	if t.opens && t.opening.ns == nsSVG {
		urls = svgScriptURLs
	}
	block, svc, pre, known := r.classifyAttrs(tag, loads)
	if pre {
		r.prelude(r.tok.tagStart)
	}
	if svc != nil {
		r.neutralise(tag, end, svc, svc.Category, block|1<<akType, KindScript, asScript)
		return
	}
	if r.o.UnknownScript != nil && !known {
		for _, k := range urls {
			if a := r.first(k); a != nil && a.ve > a.vs {
				r.o.UnknownScript(&r.page, r.unescape(tag[a.vs:a.ve]))
				break
			}
		}
	}
	if r.first(akSrc) != nil || t.next != stScript {
		return // a src script ignores its body; an svg script's body is markup
	}
	typ := []byte(nil)
	if a := r.first(akType); a != nil {
		typ = r.unescape(tag[a.vs:a.ve])
	}
	if jsType(typ) {
		t.holding, t.inline, t.bodyStart = true, true, end
	}
}

// media handles the start tag of an element that loads through attributes.
func (r *Rewriter) media(tag []byte, end int, loads uint32, kind Kind) {
	block, svc, pre, _ := r.classifyAttrs(tag, loads|loadsCSS)
	if pre {
		r.prelude(r.tok.tagStart)
	}
	if svc != nil {
		var how uint8
		if kind == KindIframe {
			how = withPlaceholder
		}
		r.neutralise(tag, end, svc, svc.Category, block, kind, how)
	}
}

// classifyAttrs classifies the loading attributes of a tag (the first of each
// name). It returns the keys to rename and the service that blocks the
// element (nil: nothing to block), whether the prelude goes before it, and
// whether any attribute named a known service at all, granted or not.
func (r *Rewriter) classifyAttrs(tag []byte, loads uint32) (block uint32, blocker *catalog.Service, pre, known bool) {
	var seen uint32
	for i := range r.attrs {
		a := &r.attrs[i]
		bit := uint32(1) << a.key
		if a.key == akOther || seen&bit != 0 {
			continue
		}
		seen |= bit
		if loads&bit == 0 {
			continue
		}
		var s *catalog.Service
		switch {
		case srcsetKeys&bit != 0:
			s = r.matchSrcset(tag[a.vs:a.ve])
		case a.key == akPing:
			s = r.matchPing(tag[a.vs:a.ve])
		case a.key == akSrcdoc:
			s = r.matchSrcdoc(tag[a.vs:a.ve])
		case a.key == akStyle:
			s = r.matchCSS(tag[a.vs:a.ve])
		default:
			s = r.matchURL(tag[a.vs:a.ve])
		}
		if s == nil {
			continue
		}
		known = true
		r.found(s)
		pre = pre || r.wantPrelude(s)
		if !r.o.Granted.Has(s.Category) {
			block |= bit
			if blocker == nil {
				blocker = s
			}
		}
	}
	if blocker == nil {
		block = 0
	}
	return block, blocker, pre, known
}

// decideInline classifies a held inline script whose body ends at bodyEnd
// (the '<' of </script>, or where the body reached MaxInline).
func (r *Rewriter) decideInline(bodyEnd int, overflow bool) {
	t := &r.tok
	t.holding, t.inline = false, false
	svc := r.o.Classifier.MatchInline(r.contiguous(t.bodyStart, bodyEnd))
	if svc == nil {
		if overflow {
			r.page.Overflows++
		}
		return
	}
	r.foundInline(svc)
	if r.wantPrelude(svc) {
		r.prelude(t.tagStart)
	}
	cat := svc.Category
	if r.o.Granted.Has(cat) {
		// A script may hold markers of several services: it runs only if
		// every one of their categories is granted.
		ic, ok := r.o.Classifier.(inlineCategorizer)
		if !ok {
			return
		}
		missing := ic.InlineCategories(r.contiguous(t.bodyStart, bodyEnd)) &^ r.o.Granted
		if missing&^policy.Set(policy.Necessary) == 0 {
			return
		}
		for _, c := range [...]policy.Category{policy.Marketing, policy.Analytics, policy.Preferences} {
			if missing&policy.Set(c) != 0 {
				cat = c
				break
			}
		}
	}
	tag := r.contiguous(t.tagStart, t.bodyStart)
	r.attrs, _ = parseAttrs(tag, t.nameEnd-t.tagStart, r.attrs[:0]) // fit when the tag was held
	r.neutralise(tag, t.bodyStart, svc, cat, 1<<akType, KindInline, asScript)
}

// dataPrefix, written before a URL in CSS, turns it into a data: URL that
// loads nothing from the network.
const dataPrefix = "data:,"

// decideStyle classifies a held <style> element whose body ends at bodyEnd
// (the '<' of </style>, or where the body reached MaxInline). Each URL it
// loads (cssLoads) from a service not granted gets dataPrefix in front, and
// the start tag gets the consent attributes: the rest of the style sheet
// still applies. A sheet with CSS escapes, which could hide a URL, or one
// longer than MaxInline, of which only the start was read, is switched off
// whole instead (type="text/plain"). Either way it loads from the next page
// on once the visitor consents.
func (r *Rewriter) decideStyle(bodyEnd int, overflow bool) {
	t := &r.tok
	t.holding, t.inline = false, false
	all := r.contiguous(t.tagStart, bodyEnd)
	tag, body := all[:t.bodyStart-t.tagStart], all[t.bodyStart-t.tagStart:]
	var blocker *catalog.Service
	whole := bytes.IndexByte(body, '\\') >= 0
	if whole {
		if s := r.matchCSS(body); s != nil {
			r.found(s)
			if !r.o.Granted.Has(s.Category) {
				blocker = s
			}
		}
	} else {
		r.cssAt = cssLoads(r.cssAt[:0], body)
		for k := 0; k < len(r.cssAt); k += 2 {
			s := r.classifyURL(body[r.cssAt[k]:r.cssAt[k+1]])
			if s != nil {
				r.found(s)
			}
			if s == nil || r.o.Granted.Has(s.Category) {
				r.cssAt[k] = -1 // stays as it is
			} else if blocker == nil {
				blocker = s
			}
		}
	}
	if blocker == nil {
		if overflow {
			r.page.Overflows++
		}
		return
	}
	r.attrs, _ = parseAttrs(tag, t.nameEnd-t.tagStart, r.attrs[:0])
	if whole || overflow { // past the cap, the rest of the sheet was not read
		if overflow {
			r.page.Overflows++
		}
		r.neutralise(tag, t.bodyStart, blocker, blocker.Category, 1<<akType, KindLink, asScript)
		return
	}
	r.neutralise(tag, t.bodyStart, blocker, blocker.Category, 0, KindLink, 0)
	from := 0
	for k := 0; k < len(r.cssAt); k += 2 {
		if b := r.cssAt[k]; b >= 0 {
			r.write(body[from:b])
			r.write([]byte(dataPrefix))
			from = b
		}
	}
	r.write(body[from:])
	r.advance(bodyEnd)
}

// inlineCategorizer is implemented by *catalog.Catalog: the categories of
// every service whose marker occurs in a script.
type inlineCategorizer interface {
	InlineCategories(script []byte) policy.Set
}

// How neutralise edits a tag.
const (
	asScript        uint8 = 1 << iota // insert type="text/plain"
	withPlaceholder                   // insert the srcdoc placeholder
)

// neutralise writes tag (ending at offset end) with the attributes in rename
// renamed to data-consent-<name> and the consent attributes inserted right
// after the tag name; every other byte stays.
func (r *Rewriter) neutralise(tag []byte, end int, s *catalog.Service, cat policy.Category, rename uint32, kind Kind, how uint8) {
	t := &r.tok
	ne := t.nameEnd - t.tagStart
	out := append(r.out[:0], tag[:ne]...)
	if how&asScript != 0 {
		out = append(out, ` type="text/plain"`...)
	}
	out = append(out, ` data-consent-category="`...)
	out = appendEscaped(out, cat.String())
	out = append(out, `" data-consent-service="`...)
	out = appendEscaped(out, s.ID)
	out = append(out, '"')
	if how&withPlaceholder != 0 && r.o.Placeholder != nil {
		if ph := r.o.Placeholder(&r.page, s); ph != nil {
			out = append(out, ` srcdoc="`...)
			out = appendEscaped(out, ph)
			out = append(out, '"')
			rename |= 1 << akSrcdoc
		}
	}
	pos := ne
	for i := range r.attrs {
		a := &r.attrs[i]
		if rename&(1<<a.key) == 0 || a.key == akOther {
			continue
		}
		at, prefix := int(a.ns), "data-consent-"
		if a.key == akDataRocketSrc { // WP Rocket's own prefix: data-consent-rocket-src
			at, prefix = at+len("data-"), "consent-"
		}
		out = append(out, tag[pos:at]...)
		out = append(out, prefix...)
		pos = at
	}
	out = append(out, tag[pos:]...)
	r.out = out
	r.emitTo(t.tagStart)
	r.write(out)
	r.advance(end)
	r.page.Blocked++
	r.page.BlockedByKind[kind]++
	r.page.BlockedBy[CategoryIndex(cat)][kind]++
}

// found records a service a URL in the markup names.
func (r *Rewriter) found(s *catalog.Service) {
	r.foundInline(s)
	if r.page.InlineOnly(s) {
		r.page.byURL = append(r.page.byURL, s)
	}
}

// foundInline records a service recognised by an inline script's text.
func (r *Rewriter) foundInline(s *catalog.Service) {
	for _, f := range r.page.Found {
		if f == s || f.ID == s.ID {
			return
		}
	}
	r.page.Found = append(r.page.Found, s)
}

func (r *Rewriter) wantPrelude(s *catalog.Service) bool {
	return !r.preluded && !r.tok.noscript && r.tok.template == 0 && r.o.PreludeFor(s)
}

// prelude writes Options.Prelude right before the offset at.
func (r *Rewriter) prelude(at int) {
	r.preluded = true
	r.emitTo(at)
	r.write(r.o.Prelude)
}

const rocketLoader = "-text/javascript"

// jsType reports whether a script type (entity-decoded) makes a browser, or a
// page-speed plugin that later restores it, run the script.
func jsType(v []byte) bool {
	v = bytes.TrimSpace(v)
	if k := bytes.IndexByte(v, ';'); k >= 0 { // parameters: be generous
		v = bytes.TrimSpace(v[:k])
	}
	if len(v) == 0 {
		return true
	}
	// Cloudflare Rocket Loader: "<hex token>-text/javascript".
	if len(v) > len(rocketLoader) && eqFold(v[len(v)-len(rocketLoader):], rocketLoader) {
		return true
	}
	if len(v) > 24 {
		return false
	}
	var b [24]byte
	for i, c := range v {
		b[i] = lower(c)
	}
	switch string(b[:len(v)]) {
	case "text/javascript", "application/javascript", "application/ecmascript",
		"application/x-ecmascript", "application/x-javascript", "text/ecmascript",
		"text/javascript1.0", "text/javascript1.1", "text/javascript1.2", "text/javascript1.3",
		"text/javascript1.4", "text/javascript1.5", "text/jscript", "text/livescript",
		"text/x-ecmascript", "text/x-javascript", "module",
		// Page-speed plugins that hold scripts and restore them later.
		"rocketlazyloadscript", // WP Rocket
		"litespeed/javascript", // LiteSpeed Cache
		"text/rocketscript",    // early Cloudflare Rocket Loader
		"pmdelayedscript",      // Perfmatters
		"javascript/blocked":   // WP Meteor
		return true
	}
	return false
}

// appendEscaped appends s escaped for a double-quoted attribute value.
func appendEscaped[T string | []byte](dst []byte, s T) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '"':
			esc = "&quot;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = append(dst, esc...)
		start = i + 1
	}
	return append(dst, s[start:]...)
}
