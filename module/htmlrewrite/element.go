package htmlrewrite

import (
	"bytes"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// elemRule is one row of the element table, as lol-html keeps its rewriting
// rules in one list: which attributes of an element load something, what
// else is read near svg or math, what a neutralised one counts as, how it
// is neutralised, and when a third party no rule names holds it. The tree
// simulation (tree.go) decides which tags reach the table; the attribute
// values are classified by classifyAttrs and CSS by css.go.
type elemRule struct {
	held    bool   // its start tag is held and parsed, in any namespace
	loads   uint32 // attributes that load, in HTML (and loadsCSS on all but script)
	foreign uint32 // attributes also read near svg or math: a wrong guess of the namespace must not leave either live
	kind    Kind   // what it counts as in Page.BlockedByKind
	how     uint8  // asScript, withPlaceholder
	unknown uint8  // when an unclassified third party holds it: holdNever, holdAlways, holdBeacon, holdHint
	counts  bool   // a start tag past MaxTag counts in Page.Overflows
}

// When a URL of a third party that no rule names holds an element (Options.Unknown).
const (
	holdNever  uint8 = iota // ordinary images, stylesheets, fonts, media pass
	holdAlways              // it runs code or a document: script, iframe, frame, embed, object
	holdBeacon              // an image only when it is a beacon: 1×1 or 0×0, hidden, or in <noscript>
	holdHint                // a link only as a resource hint or preload
)

// elemRules is the element table. Elements missing from it are never held
// for what they load, except any element for its CSS (tagAny).
var elemRules = [numTags]elemRule{
	tagScript:  {held: true, loads: loadsScript, foreign: loadsSVG, kind: KindScript, how: asScript, unknown: holdAlways, counts: true},
	tagIframe:  {held: true, loads: loadsIframe, kind: KindIframe, how: withPlaceholder, unknown: holdAlways, counts: true},
	tagFrame:   {held: true, loads: loadsFrame, kind: KindIframe, unknown: holdAlways, counts: true},
	tagImg:     {held: true, loads: loadsImg, kind: KindImg, unknown: holdBeacon, counts: true},
	tagImage:   {held: true, loads: loadsImg, foreign: loadsSVG, kind: KindImg, unknown: holdBeacon, counts: true}, // HTML's parser makes it an img; svg loads href
	tagFeImage: {held: true, foreign: loadsSVG, kind: KindImg, counts: true},                                       // an unknown element in HTML
	tagLink:    {held: true, loads: loadsLink, kind: KindLink, unknown: holdHint, counts: true},
	tagEmbed:   {held: true, loads: loadsEmbed, kind: KindEmbed, unknown: holdAlways, counts: true},
	tagObject:  {held: true, loads: loadsObject, kind: KindObject, unknown: holdAlways, counts: true},
	tagSource:  {held: true, loads: loadsSource, kind: KindSource, counts: true},
	tagVideo:   {held: true, loads: loadsVideo, kind: KindSource, counts: true},
	tagAudio:   {held: true, loads: loadsAudio, kind: KindSource, counts: true},
	tagTrack:   {held: true, loads: loadsTrack, kind: KindSource, counts: true},
	tagBase:    {held: true, loads: loadsBase, kind: KindLink, counts: true}, // a tracker's base would take every relative URL
	// Held only in case they carry a rare attribute; huge ones are mostly
	// harmless, so they do not count as overflows.
	tagInput: {held: true, loads: loadsInput, kind: KindImg}, // type=image only
	tagA:     {held: true, loads: loadsPing, kind: KindImg},  // a ping is a beacon sent on click; href stays
	tagArea:  {held: true, loads: loadsPing, kind: KindImg},  //
	tagDiv:   {held: true, kind: KindImg},                    // WP Rocket's lazy YouTube (data-src), and CSS
	tagAny:   {kind: KindImg},                                // any element, for its CSS
}

// overflowTag gives up on a held start tag that reached MaxTag.
func (r *Rewriter) overflowTag() {
	t := &r.tok
	if elemRules[t.elem].counts {
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
			_, _, _, seen := scanAttrsFast(tag, t.nameEnd-t.tagStart)
			if seen&seenDecl != 0 && r.o.Declaration != nil && t.template == 0 && !t.noscript {
				// A site's own hook: the declaration goes in right after it.
				r.emitTo(end)
				r.write(r.o.Declaration(&r.page))
				return
			}
			if seen&seenCSS == 0 {
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
	// What is not a row of the table: the tree's own business, and the
	// elements with a body or a condition.
	switch elem {
	case tagHTML:
		if a := r.first(akLang); a != nil {
			r.page.Lang = string(r.unescape(tag[a.vs:a.ve]))
		}
		return
	case tagFont:
		if r.first(akColor) != nil || r.first(akFace) != nil || r.first(akSize) != nil {
			t.popForeign()
			r.htmlStartTag()
			return
		}
		top := &t.open[len(t.open)-1]
		t.opens, t.opening = true, openElem{hash: t.hash, ns: top.ns, id: tagFont}
		return
	case tagAnnotationXML:
		if a := r.first(akEncoding); a != nil {
			v := bytes.TrimSpace(r.unescape(tag[a.vs:a.ve]))
			t.opening.ip = eqFold(v, "text/html") || eqFold(v, "application/xhtml+xml")
		}
		return
	case tagStyle:
		t.holding, t.inline, t.bodyStart = true, true, end
		return
	case tagScript:
		r.script(tag, end)
		return
	case tagInput:
		// Only an image button loads its src: type is an enumerated
		// attribute, matched without trimming.
		if a := r.first(akType); a == nil || !eqFold(r.unescape(tag[a.vs:a.ve]), "image") {
			return
		}
	case tagFeImage:
		if len(t.open) == 0 {
			return
		}
	case tagBase:
		// Any base re-targets what is inserted: see Page.Base.
		r.page.Base = true
	}
	rule := &elemRules[elem]
	loads := rule.loads | loadsCSS
	if len(t.open) > 0 {
		loads |= rule.foreign
	}
	if rocket {
		// WP Rocket's lazy YouTube: its script finds the div by class and
		// builds the thumbnail and the iframe from data-id and data-src.
		loads |= 1 << akDataSrc
	}
	r.media(tag, end, loads, rule, rocket)
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

// declarationHook is the attribute that marks where a site's page wants the
// cookie declaration (Options.Declaration); scanAttrsFast notes it, in any
// case, as it passes the attribute names.
const declarationHook = "data-consent-declaration"

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
	var unk uint32
	if r.o.Unknown != nil {
		unk = loads
	}
	block, _, svc, pre, held := r.classifyAttrs(tag, loads, unk)
	if pre {
		r.prelude(r.tok.tagStart)
	}
	if block != 0 {
		r.neutralise(tag, end, svc, svc.Category, block|1<<akType, KindScript, asScript)
		return
	}
	if r.o.UnknownScript != nil && svc == nil {
		for _, k := range urls {
			if a := r.first(k); a != nil && a.ve > a.vs {
				r.o.UnknownScript(&r.page, r.unescape(tag[a.vs:a.ve]))
				break
			}
		}
	}
	if held != 0 {
		r.reportHeld(tag, held)
		r.neutralise(tag, end, Unclassified, 0, held|1<<akType, KindScript, asScript)
		return
	}
	// A src script ignores its body; an svg script's body is markup.
	if r.first(akSrc) == nil && t.next == stScript {
		typ := []byte(nil)
		if a := r.first(akType); a != nil {
			typ = r.unescape(tag[a.vs:a.ve])
		}
		if jsType(typ) {
			t.holding, t.inline, t.bodyStart = true, true, end
			r.scriptSvc = svc // the body decides (decideInline)
			return
		}
	}
	if svc != nil {
		r.live(svc, KindScript)
	}
}

// media handles the start tag of an element that loads through attributes.
func (r *Rewriter) media(tag []byte, end int, loads uint32, rule *elemRule, rocket bool) {
	var unk uint32
	if r.o.Unknown != nil && rule.unknown != holdNever {
		unk = loads
	}
	block, known, svc, pre, held := r.classifyAttrs(tag, loads, unk)
	if pre {
		r.prelude(r.tok.tagStart)
	}
	kind := rule.kind
	if block == 0 {
		// The condition of the rule (a beacon, a hint) is read only for
		// the few elements that name an unknown third party.
		if held != 0 && r.holdsUnknown(tag, rule.unknown) {
			r.reportHeld(tag, held)
			r.neutralise(tag, end, Unclassified, 0, held, kind, rule.how)
		} else if svc != nil {
			if rocket && known&(1<<akDataSrc) != 0 {
				kind = KindIframe
			}
			r.live(svc, kind)
		}
		return
	}
	if rocket && block&(1<<akDataSrc) != 0 {
		// Renaming class hides the div from WP Rocket's script.
		block, kind = block|1<<akClass, KindIframe
	}
	r.neutralise(tag, end, svc, svc.Category, block, kind, rule.how)
}

// classifyAttrs classifies the loading attributes of a tag (the first of each
// name). It returns the keys to rename (block: those naming a service not
// granted), the keys that name any service (known), the service that
// decides the element (the first not granted when block is not 0, else the
// first granted; nil when none is named), and whether the prelude goes
// before it. Of the attributes in unk that are plain URLs, those no rule
// names whose host Options.Unknown holds are in held.
func (r *Rewriter) classifyAttrs(tag []byte, loads, unk uint32) (block, known uint32, svc *catalog.Service, pre bool, held uint32) {
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
			u := r.unescape(tag[a.vs:a.ve])
			if len(u) > 0 {
				s = r.classifyURL(u)
				if s == nil && unk&bit != 0 && r.unknownURL(u) {
					held |= bit
				}
			}
		}
		if s == nil {
			continue
		}
		known |= bit
		r.found(s)
		pre = pre || r.wantPrelude(s)
		if r.o.Granted.Has(s.Category) {
			if svc == nil {
				svc = s // unless one not granted follows
			}
			continue
		}
		if block == 0 {
			svc = s
		}
		block |= bit
	}
	return block, known, svc, pre, held
}

// decideInline classifies a held inline script whose body ends at bodyEnd
// (the '<' of </script>, or where the body reached MaxInline).
func (r *Rewriter) decideInline(bodyEnd int, overflow bool) {
	t := &r.tok
	t.holding, t.inline = false, false
	svc := r.o.Classifier.MatchInline(r.contiguous(t.bodyStart, bodyEnd))
	if svc == nil {
		// No vendor's marker: the URLs it names in string literals, when
		// third parties no rule names are held (unknown_hosts allow keeps
		// the markers alone).
		var held bool
		if r.o.Unknown != nil {
			svc, held = r.inlineURLs(r.contiguous(t.bodyStart, bodyEnd))
		}
		if svc == nil {
			if held {
				tag := r.contiguous(t.tagStart, t.bodyStart)
				r.attrs, _ = parseAttrs(tag, t.nameEnd-t.tagStart, r.attrs[:0])
				r.neutralise(tag, t.bodyStart, Unclassified, 0, 1<<akType, KindInline, asScript)
				return
			}
			if overflow {
				r.page.Overflows++
			}
			if r.scriptSvc != nil {
				r.live(r.scriptSvc, KindScript) // as its start tag names it
			}
			return
		}
	}
	r.foundInline(svc)
	if r.wantPrelude(svc) {
		r.prelude(t.tagStart)
	}
	cat := svc.Category
	if r.o.Granted.Has(cat) {
		// A script may hold markers of several services: it runs only if
		// every one of their categories is granted.
		missing := r.o.Classifier.InlineCategories(r.contiguous(t.bodyStart, bodyEnd)) &^ r.o.Granted
		if missing&^policy.Set(policy.Necessary) == 0 {
			r.live(svc, KindInline)
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
	if s == Unclassified {
		out = append(out, s.CategoryName...)
	} else {
		out = appendEscaped(out, cat.String())
	}
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
	if !r.stubbed && !t.noscript && t.template == 0 && len(t.open) == 0 {
		r.stubbed = true
		r.write(r.o.Stubs)
	}
	r.write(out)
	r.advance(end)
	r.page.Blocked++
	r.page.BlockedByKind[kind]++
	if s == Unclassified {
		r.page.Unclassified++
		r.page.UnclassifiedByKind[kind]++
		s, cat = nil, 0
	} else if i := cat.Index(); i >= 0 {
		r.page.BlockedBy[i][kind]++
	}
	if r.o.Element != nil {
		r.o.Element(&r.page, Element{Kind: kind, Service: s, Category: cat, Blocked: true})
	}
}

// live tells Options.Element of an element of s that passes as written, its
// category granted.
func (r *Rewriter) live(s *catalog.Service, kind Kind) {
	if r.o.Element != nil {
		r.o.Element(&r.page, Element{Kind: kind, Service: s, Category: s.Category})
	}
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
