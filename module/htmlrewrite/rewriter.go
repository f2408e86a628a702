// Package htmlrewrite is a streaming HTML rewriter that neutralises trackers a
// visitor has not consented to and injects a consent banner, passing every other
// byte through unchanged. It imports nothing of Caddy.
//
// It follows lol-html's shape: the data state jumps from '<' to '<' with
// bytes.IndexByte, only tag names are read, and attributes are parsed only for
// the few elements that can load something (script, iframe, img, link, embed,
// object, source, video, audio, track, base, <input type=image>, WP Rocket's
// lazy YouTube div; an iframe's srcdoc document is rewritten on its own to
// see what it would load), for <a> and <area> with a ping attribute (the tokenizer
// notes ping and src names as it passes them, so ordinary links are not
// parsed), and for <html lang>. Only an
// unfinished construct is carried across Write calls, at most MaxTag+MaxInline
// bytes, and untouched spans are written straight from the input.
//
// Caveats: the tokenizer follows the WHATWG tokenizer and simulates just enough
// tree construction to know when text is raw (script, style, textarea, …) and
// when CDATA is allowed (svg, math); malformed nesting of svg or math inside
// unclosed HTML elements is guessed. <noscript> and <template> content is
// treated as markup, so the fallback pixels and iframes inside are neutralised.
// Elements larger than the caps in Options pass through unchanged and are
// counted in Page.Overflows: the page never breaks. Only ASCII-compatible
// encodings are understood; the banner is added as given.
package htmlrewrite

import (
	"errors"
	"io"

	"github.com/samtykke/caddy-consent/module/catalog"
	"github.com/samtykke/caddy-consent/module/policy"
)

// Classifier tells which service, if any, a resource or inline script belongs
// to. *catalog.Catalog implements it (checked below, so that renaming one of
// its methods fails to compile instead of quietly changing what is blocked).
// The byte slices passed in are only valid during the call. A nil result
// means "not a tracker".
type Classifier interface {
	// MatchURL gets an attribute value after entity decoding, as written:
	// absolute, protocol-relative or relative.
	MatchURL(u []byte) *catalog.Service
	// MatchURLMemo returns what MatchURL returns for u; m is the response's
	// memo (zeroed by Reset), in which a Classifier may remember URL
	// prefixes no rule names. One that cannot remember calls MatchURL.
	MatchURLMemo(u []byte, m *catalog.URLMemo) *catalog.Service
	// MatchInline gets the body of an inline script.
	MatchInline(script []byte) *catalog.Service
	// InlineCategories returns the categories of every service whose marker
	// occurs in an inline script: a script holding markers of several
	// services runs only if all of them are granted.
	InlineCategories(script []byte) policy.Set
}

var _ Classifier = (*catalog.Catalog)(nil)

// Options configure a Rewriter. The zero value rewrites nothing and injects
// nothing.
type Options struct {
	Classifier Classifier
	// Granted holds the categories the visitor consented to: elements of those
	// categories pass byte for byte (they are still recorded in Page.Found).
	Granted policy.Set
	// Banner is called once, at the first real </body> end tag (its markup is
	// inserted right before it), or at Close when there is none (appended at
	// the end). It may return nil.
	Banner func(p *Page) []byte
	// Placeholder returns the raw HTML of a small document shown in place of a
	// blocked iframe (it is called for each, hidden ones included: return nil
	// for none). The rewriter puts it, attribute-escaped, in a srcdoc
	// attribute of the neutralised iframe (an existing srcdoc is renamed
	// data-consent-srcdoc). A held iframe of a third party no rule names
	// (Options.Unknown) is asked for with s == Unclassified. nil means no
	// placeholder.
	Placeholder func(p *Page, s *catalog.Service) []byte
	// Prelude is inserted once, right before the first element (blocked or
	// not) whose service satisfies PreludeFor, outside <noscript> and
	// <template>: the Google Consent Mode v2 default call before the first
	// Google tag.
	Prelude    []byte
	PreludeFor func(s *catalog.Service) bool
	// Declaration, if set, is called at each <div data-consent-declaration>
	// start tag outside <template> and <noscript>; what it returns is
	// inserted right after that start tag: the hook by which a site's own
	// privacy page embeds the cookie declaration.
	Declaration func(p *Page) []byte
	// Stubs is inserted once, right before the first element the rewriter
	// neutralises outside <noscript>, <template> and svg or math: the inert
	// stand-ins for blocked trackers' globals that keep the page's own later
	// calls from throwing. A page with nothing to neutralise stays as it
	// was. nil inserts nothing.
	Stubs []byte
	// UnknownScript, if set, is called with the URL (entity-decoded) of each
	// external script the Classifier matched to no service, so that the
	// caller can notice third-party scripts its catalog does not know. The
	// bytes are valid only during the call.
	UnknownScript func(p *Page, src []byte)
	// Unknown, when set, holds third parties that no rule names
	// (unknown_hosts hold). It is asked about each absolute or
	// protocol-relative URL (entity-decoded; valid only during the call) that
	// the Classifier matched to no service, where the element table holds
	// unknowns (an external script, iframe, frame, embed or object, a
	// resource hint or preload, a beacon-like image), and about the URLs an
	// inline script that loads something names (inlineURLs, as
	// "https://host/path"). hold means the URL's host is a third party to
	// hold; own means the host is the site's own, so later URLs with the same
	// "scheme://host/" skip the question; neither means allowed. It only
	// decides: an element may still pass (an image that is no beacon).
	Unknown func(p *Page, u []byte) (hold, own bool)
	// Held, if set, gets the URL (as Unknown got it) that made the rewriter
	// hold an element or inline script as Unclassified, once per element.
	Held func(p *Page, u []byte)
	// Element, if set, is called once for each element, inline script or
	// style sheet of a service, blocked or left live because its category
	// is granted, and for each held as Unclassified, as lol-html calls its
	// element handlers: a caller learns what was blocked without parsing
	// the output or rewriting twice. An element naming several services is
	// reported under the one that decides it: the first not granted, else
	// the first granted.
	Element func(p *Page, e Element)
	// MaxTag is the largest start tag held for parsing. Default 16 KiB.
	MaxTag int
	// MaxInline is the largest inline script body held before deciding. A
	// longer script is classified on its first MaxInline bytes: blocked if
	// they match, else passed unchanged. Default 44 KiB, so that with MaxTag
	// and the rewriter itself a response holds at most 64 KiB (DESIGN §9).
	MaxInline int
}

// Defaults for the caps in Options.
const (
	DefaultMaxTag    = 16 << 10
	DefaultMaxInline = 44 << 10
	minCap           = 64 // room for the longest tag name and some attributes
)

// Kind is what an element counts as, in metrics and for Options.Element.
type Kind uint8

// Kinds of elements.
const (
	KindScript Kind = iota // <script src>, including optimiser-held scripts
	KindInline             // inline <script>
	KindIframe
	KindImg
	KindLink
	KindEmbed
	KindObject
	KindSource
	NumKinds
)

var kindNames = [NumKinds]string{"script", "inline", "iframe", "img", "link", "embed", "object", "source"}

// String returns the kind's metric label, such as "iframe".
func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return "unknown"
}

// Element is what Options.Element learns about one element.
type Element struct {
	Kind Kind
	// Service is the service the element belongs to; nil when it is held
	// as Unclassified (Options.Unknown).
	Service *catalog.Service
	// Category is the category that decides the element: its service's, or
	// for an inline script naming services of several categories, the first
	// one not granted (marketing, analytics, preferences). 0 when
	// Unclassified.
	Category policy.Category
	// Blocked: the rewriter neutralised the element (it counts in
	// Page.Blocked). Otherwise it passes as written, its category granted.
	Blocked bool
}

// Page is what the rewriter learned about a response. It stays valid until
// the Rewriter is Reset; Found is never reused.
type Page struct {
	Lang      string             // from <html lang="…">
	Found     []*catalog.Service // services seen, blocked or granted, deduplicated, first-seen order
	Blocked   int                // elements neutralised
	Overflows int                // elements that passed unchanged because they exceeded a cap
	// Unclassified counts the elements held as Unclassified (also in
	// Blocked and BlockedByKind, not in BlockedBy), and UnclassifiedByKind
	// per kind.
	Unclassified       int
	UnclassifiedByKind [NumKinds]int
	// BlockedByKind counts neutralised elements per kind (index with a Kind).
	BlockedByKind [NumKinds]int
	// BlockedBy counts neutralised elements per category (index with
	// Category.Index) and kind, for metrics.
	BlockedBy [policy.NumCategories][NumKinds]int
	// Base: the page has a <base> element, which re-targets root-relative
	// URLs (the banner's form and assets) to wherever it points.
	Base bool
	// byURL are the services of Found that a URL in the markup named; the
	// rest were recognised only by the text of an inline script, which may
	// be a visitor's own words reflected (a search term), see InlineOnly.
	byURL []*catalog.Service
}

// InlineOnly reports whether s was found on the page only by the text of an
// inline script, never by a URL the page loads.
func (p *Page) InlineOnly(s *catalog.Service) bool {
	for _, u := range p.byURL {
		if u == s || u.ID == s.ID {
			return false
		}
	}
	return true
}

// Unclassified stands for a third party no rule names, held until the
// visitor grants every offered category (Options.Unknown). Its elements carry
// data-consent-category="unclassified" (DESIGN §6). It is never in Page.Found.
var Unclassified = &catalog.Service{ID: "unclassified", Name: "Unclassified", CategoryName: "unclassified"}

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("htmlrewrite: write after close")

// Rewriter streams one HTML response. It is not safe for concurrent use.
type Rewriter struct {
	w    io.Writer
	o    Options // copy with defaults applied
	page Page
	err  error

	closed   bool
	depth    uint8 // srcdoc documents this one is inside
	injected bool  // banner written (or not wanted)
	preluded bool  // prelude written (or not wanted)
	stubbed  bool  // Stubs written (or not wanted)
	sawHTML  bool

	// Stream positions are absolute byte offsets in the response body.
	p    []byte // the chunk being written
	base int    // offset of p[0]
	pend int    // first byte neither written nor replaced yet

	// hold carries bytes from holdBase that could not be decided before the
	// end of the previous chunk; the live part starts at pend.
	hold     []byte
	holdBase int

	tok tokenizer

	attrs    []attr
	out      []byte // an edited tag
	dec      []byte // a decoded attribute value
	css      []byte // a CSS value with its escapes decoded
	cssAt    []int  // the URLs found in it (cssLoads)
	cssAtBuf [16]int

	memo    catalog.URLMemo    // the site's own URLs skip the host lookup
	ownPre  [ownPrefixLen]byte // "scheme://host/" of the last URL Unknown called the site's own
	ownN    int
	heldURL []byte // the URL that holds an inline script, reported to Options.Held
	// scriptSvc is the granted service the start tag of a held inline
	// script names: reported to Options.Element if its body decides nothing.
	scriptSvc *catalog.Service

	// Backing arrays for the common case, so that a fresh Rewriter allocates
	// once.
	attrBuf [16]attr
	decBuf  [256]byte
	openBuf [16]openElem
	holdBuf [512]byte
}

// New returns a Rewriter writing to w.
func New(w io.Writer, o *Options) *Rewriter {
	r := &Rewriter{}
	r.Reset(w, o)
	return r
}

// Reset makes r ready for a new response written to w, keeping its buffers,
// so that Rewriters can live in a sync.Pool.
func (r *Rewriter) Reset(w io.Writer, o *Options) {
	hold, attrs, out, dec, open := r.hold[:0], r.attrs[:0], r.out[:0], r.dec[:0], r.tok.open[:0]
	css, cssAt := r.css[:0], r.cssAt[:0]
	if cap(hold) > maxRetained {
		hold = nil
	}
	if cap(css) > maxRetained {
		css = nil
	}
	if cap(cssAt) > maxRetained/8 {
		cssAt = nil
	}
	*r = Rewriter{w: w, hold: hold, attrs: attrs, out: out, dec: dec, css: css, cssAt: cssAt}
	r.tok.open = open
	if r.hold == nil {
		r.hold = r.holdBuf[:0]
	}
	if r.attrs == nil {
		r.attrs = r.attrBuf[:0]
	}
	if r.dec == nil {
		r.dec = r.decBuf[:0]
	}
	if r.cssAt == nil {
		r.cssAt = r.cssAtBuf[:0]
	}
	if r.tok.open == nil {
		r.tok.open = r.openBuf[:0]
	}
	if o != nil {
		r.o = *o
	}
	if r.o.MaxTag <= 0 {
		r.o.MaxTag = DefaultMaxTag
	}
	if r.o.MaxTag < minCap {
		r.o.MaxTag = minCap
	}
	if r.o.MaxInline <= 0 {
		r.o.MaxInline = DefaultMaxInline
	}
	r.injected = r.o.Banner == nil
	r.preluded = len(r.o.Prelude) == 0 || r.o.PreludeFor == nil
	r.stubbed = len(r.o.Stubs) == 0
}

// maxRetained keeps a pooled Rewriter from pinning a hold buffer grown by an
// unusual cap.
const maxRetained = 256 << 10

// Page returns what the rewriter learned so far.
func (r *Rewriter) Page() *Page { return &r.page }

// Write rewrites p and writes everything it can decide now; it holds back only
// an unfinished tag or an inline script it has yet to classify.
func (r *Rewriter) Write(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.closed {
		return 0, ErrClosed
	}
	if len(p) == 0 {
		return 0, nil
	}
	r.p = p
	r.run(p)
	r.settle()
	r.base += len(p)
	r.p = nil
	if r.err != nil {
		return 0, r.err
	}
	return len(p), nil
}

// Flush returns the first error of the underlying writer. Write already
// passes on every byte it can decide, so nothing else is pending: only held,
// undecided elements stay back. Flushing the underlying writer is the
// caller's business.
func (r *Rewriter) Flush() error { return r.err }

// Close ends the response: held bytes are written unchanged (an unterminated
// tag or script does nothing in a browser) and the banner is appended if no
// </body> was seen. It does not close the underlying writer.
func (r *Rewriter) Close() error {
	if r.closed {
		return r.err
	}
	r.closed = true
	if r.err != nil {
		return r.err
	}
	if t := &r.tok; t.inline && t.st == stRawText {
		// A <style> cut off by the end of the document still applies.
		r.decideStyle(r.base, false)
	}
	if r.tok.holding {
		r.tok.holding, r.tok.inline = false, false
	}
	r.emitTo(r.base)
	if !r.injected {
		r.injected = true
		r.write(r.o.Banner(&r.page))
	}
	return r.err
}

func (r *Rewriter) write(b []byte) {
	if len(b) == 0 || r.err != nil {
		return
	}
	if _, err := r.w.Write(b); err != nil {
		r.err = err
	}
}

// emitTo writes the input from pend up to the offset to, untouched.
func (r *Rewriter) emitTo(to int) {
	if to <= r.pend {
		return
	}
	if len(r.hold) > 0 {
		he := r.holdBase + len(r.hold)
		if to <= he {
			r.write(r.hold[r.pend-r.holdBase : to-r.holdBase])
			r.advance(to)
			return
		}
		r.write(r.hold[r.pend-r.holdBase:])
		r.hold = r.hold[:0]
		r.pend = he
	}
	r.write(r.p[r.pend-r.base : to-r.base])
	r.pend = to
}

// advance drops the input before the offset to: it was written or replaced.
func (r *Rewriter) advance(to int) {
	r.pend = to
	if len(r.hold) > 0 && to >= r.holdBase+len(r.hold) {
		r.hold = r.hold[:0]
	}
}

// contiguous returns the input between the offsets a and b (pend <= a <= b,
// b within what was scanned) as one slice, extending hold when the range began
// in an earlier chunk.
func (r *Rewriter) contiguous(a, b int) []byte {
	if len(r.hold) == 0 {
		return r.p[a-r.base : b-r.base]
	}
	he := r.holdBase + len(r.hold)
	if a >= he {
		return r.p[a-r.base : b-r.base]
	}
	if b > he {
		r.holdAppend(r.p[he-r.base : b-r.base])
	}
	return r.hold[a-r.holdBase : b-r.holdBase]
}

// settle runs at the end of each chunk: what is decided is written, the
// construct still open (a tag name, a held element) is copied into hold.
func (r *Rewriter) settle() {
	end := r.base + len(r.p)
	keep := r.tok.keepFrom()
	if keep < 0 {
		r.emitTo(end)
		return
	}
	if keep < r.pend {
		keep = r.pend // never re-emit replaced bytes
	}
	r.emitTo(keep)
	if len(r.hold) == 0 {
		r.holdBase = keep
		r.holdAppend(r.p[keep-r.base:])
		return
	}
	he := r.holdBase + len(r.hold)
	r.holdAppend(r.p[he-r.base:])
}

// holdAppend appends b to hold, growing it no further than the caps need:
// append's doubling would leave up to twice that allocated.
func (r *Rewriter) holdAppend(b []byte) {
	if need := len(r.hold) + len(b); need > cap(r.hold) {
		limit := r.o.MaxTag + r.o.MaxInline + 64
		c := min(max(2*cap(r.hold), need), max(limit, need))
		r.hold = append(make([]byte, 0, c), r.hold...)
	}
	r.hold = append(r.hold, b...)
}
