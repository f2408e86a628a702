package consent

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"sync"

	"github.com/caddyserver/caddy/v2/modules/caddyhttp"
	"go.uber.org/zap"

	"github.com/samtykke/caddy-consent/module/htmlrewrite"
)

// passReason says why a response was not rewritten; it labels a metric.
type passReason string

const (
	passNone        passReason = ""
	passNotHTML     passReason = "not_html"
	passMethod      passReason = "method"
	passStatus      passReason = "status"
	passCharset     passReason = "charset"
	passEncoding    passReason = "encoding"
	passStreaming   passReason = "streaming"
	passCorrupt     passReason = "corrupt_encoding"
	passNoTransform passReason = "no_transform"
	passBypass      passReason = "bypass"
	passHead        passReason = "head"
)

// responseWriter decides, when the upstream's headers are final, whether the
// body is HTML it should rewrite; if so the body streams through the rewriter,
// otherwise every byte passes as it came.
//
// Headers are held until the first Write, Flush or the end of the response,
// so that a UTF-16 byte-order mark can still be seen and no header leaves
// before the decision is made (see caddy#4314).
type responseWriter struct {
	*caddyhttp.ResponseWriterWrapper
	h   *Handler
	req *http.Request
	ex  *exchange // per-request consent state

	bypass      bool // a bypass path: the cookie firewall only
	status      int
	wroteHeader bool // to the client
	decided     bool
	rewrite     bool
	reason      passReason

	n         int64         // body bytes that went into the rewriter
	sentFirst bool          // the first upstream write was flushed
	maxWrite  int           // longest upstream write so far
	bw        *bufio.Writer // coalesces the rewriter's spans into few chunks
	rw        *htmlrewrite.Rewriter
	dec       *decoder // non-nil while decoding an upstream Content-Encoding
}

var rewriterPool = sync.Pool{New: func() any { return new(htmlrewrite.Rewriter) }}

// A rewritten response is chunked, and net/http turns every Write into a
// chunk of its own, which costs two write(2) calls once it is larger than the
// connection's 4 KiB buffer. So the rewriter's spans are gathered into chunks
// of spanBufferSize (60 KiB, so that with the rewriter's own state a response
// works in 64 KiB): a 120 KB page leaves in seven write(2) calls instead of
// ten, against six for plain proxying with its 32 KiB copy buffer. The first
// upstream write is flushed at once (first byte as fast as plain proxying),
// so is a short one (the upstream had no more ready), every upstream flush
// is honoured (streamed PHP output streams), and otherwise a byte waits for
// at most one more upstream read.
const spanBufferSize = 60 << 10

var spanBufferPool = sync.Pool{New: func() any { return bufio.NewWriterSize(nil, spanBufferSize) }}

// WriteHeader keeps the status until the first body byte; 1xx pass at once.
func (w *responseWriter) WriteHeader(status int) {
	if w.wroteHeader || w.status != 0 {
		return
	}
	if status >= 100 && status < 200 {
		if status == http.StatusEarlyHints && !w.bypass {
			// Early hints preload before any HTML: a tracker must not ride them.
			w.h.filterLinkHeader(w.Header(), w.ex.granted)
		}
		if len(w.Header()["Set-Cookie"]) > 0 {
			// Browsers store cookies from a websocket handshake's 101 (RFC
			// 6455 §4.1): the firewall applies to every status.
			w.h.dropResponseCookies(w.Header(), w.ex)
		}
		w.ResponseWriter.WriteHeader(status)
		return
	}
	w.status = status
}

// decide looks at the final headers (and the first body bytes, if any) once.
func (w *responseWriter) decide(first []byte) {
	if w.decided {
		return
	}
	w.decided = true
	if w.status == 0 {
		w.status = http.StatusOK
	}
	hdr := w.Header()
	w.h.filterResponseCookies(hdr, w.ex)

	w.reason = passBypass
	if !w.bypass {
		w.reason = w.h.rewritable(w.req, w.status, hdr, first)
	}
	if w.status == http.StatusNotModified && w.ex.prepared {
		// The upstream matched the tag we gave it without our suffix; the
		// browser's copy carries the suffix, and must keep it.
		if et := hdr.Get("Etag"); et != "" {
			hdr.Set("Etag", consentETag(et, etagSuffix(w.ex)))
		}
		addVary(hdr, "Cookie")
	}
	if w.reason == passNone {
		if ce, single := contentCoding(hdr.Get("Content-Encoding")); ce != "" {
			dec, err := newDecoder(ce, w)
			if !single || err != nil {
				w.reason = passEncoding
			} else if first != nil && !dec.plausible(first) {
				w.reason = passCorrupt
				w.h.logger.Warn("upstream body does not decode as its Content-Encoding; passing it unchanged",
					zap.String("encoding", ce), zap.String("uri", w.req.RequestURI))
			} else {
				w.dec = dec
			}
		}
		if w.reason == passNone {
			hdr.Del("Content-Encoding") // decoded, or identity entries only
		}
	}
	if w.reason == passNone {
		w.h.prepareRewrittenHeaders(hdr, w.ex)
		w.h.filterLinkHeader(hdr, w.ex.granted)
		w.ex.scriptNonce, w.ex.styleNonce = cspNonces(hdr)
		// HEAD gets the headers its GET would get, and no body (see templates'
		// bodyAllowedForStatus fix in Caddy v2.11.9).
		w.rewrite = w.req.Method != http.MethodHead
	}
	if w.rewrite {
		w.bw = spanBufferPool.Get().(*bufio.Writer)
		w.bw.Reset(w.ResponseWriter)
		w.rw = rewriterPool.Get().(*htmlrewrite.Rewriter)
		w.rw.Reset(w.bw, w.h.rewriteOptions(w.ex))
	} else {
		reason := w.reason
		if reason == passNone {
			reason = passHead
		}
		w.h.metrics.passed.WithLabelValues(string(reason)).Inc()
	}
	w.wroteHeader = true
	w.ResponseWriter.WriteHeader(w.status)
}

// Write streams p to the client, through the rewriter when rewriting.
func (w *responseWriter) Write(p []byte) (int, error) {
	if !w.decided {
		w.decide(p)
	}
	if !w.rewrite {
		return w.ResponseWriter.Write(p)
	}
	w.n += int64(len(p))
	if w.dec != nil {
		return w.dec.Write(p)
	}
	n, err := w.writeBody(p)
	if err == nil {
		err = w.afterWrite(len(p))
	}
	return n, err
}

// afterWrite decides, at the end of an upstream write of n bytes, whether the
// span buffer waits for more. The first write leaves at once, headers and
// all (first byte as fast as plain proxying). A write shorter than the
// longest so far means the upstream had nothing more ready: its bytes leave
// too, as plain proxying would write them, instead of waiting for a
// dripping upstream's next piece.
func (w *responseWriter) afterWrite(n int) error {
	short := n < w.maxWrite
	w.maxWrite = max(w.maxWrite, n)
	if w.sentFirst && !short {
		return nil
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if w.sentFirst {
		return nil
	}
	w.sentFirst = true
	// Best effort: a writer that cannot flush still gets every byte.
	if err := http.NewResponseController(w.ResponseWriter).Flush(); !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// ReadFrom must be ours: file_server copies with io.CopyN, which would
// otherwise reach the client's writer straight through the embedded wrapper.
func (w *responseWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.decided && !w.rewrite {
		return w.ResponseWriterWrapper.ReadFrom(r)
	}
	bp := copyBufPool.Get().(*[]byte)
	defer copyBufPool.Put(bp)
	return io.CopyBuffer(writerOnly{w}, r, *bp)
}

var copyBufPool = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

type writerOnly struct{ io.Writer }

// FlushError emits what the rewriter can already decide and flushes the
// client connection; reverse_proxy calls it after every read of a chunked
// upstream body, which is how the first bytes reach the visitor at once.
func (w *responseWriter) FlushError() error {
	if !w.decided {
		// Nothing has been written: flushing now would send headers before the
		// decision (caddy#4314). Hold them.
		return nil
	}
	if w.rewrite {
		if w.dec != nil {
			return w.dec.Flush()
		}
		if err := w.rw.Flush(); err != nil {
			return err
		}
		if err := w.bw.Flush(); err != nil {
			return err
		}
	}
	return http.NewResponseController(w.ResponseWriter).Flush()
}

// Flush is for callers that assert http.Flusher.
func (w *responseWriter) Flush() { _ = w.FlushError() }

// Hijack lets websockets through; their responses are never rewritten.
func (w *responseWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// close ends the response: the rewriter's held bytes and the banner go out.
func (w *responseWriter) close() error {
	if !w.decided {
		w.decide(nil)
	}
	if !w.rewrite {
		return nil
	}
	var err error
	if w.dec != nil {
		err = w.dec.Close()
		w.dec = nil
	}
	if cerr := w.rw.Close(); err == nil {
		err = cerr
	}
	if ferr := w.bw.Flush(); err == nil {
		err = ferr
	}
	w.h.observePage(w.req, w.ex, w.rw.Page())
	w.h.metrics.page(w.rw.Page(), w.n)
	w.release()
	return err
}

// recovered cleans up after a panic below the handler, and reports whether
// the response may still end normally. Only one panic ends normally: the
// abort reverse_proxy raises because our own decoder refused a body that
// stopped decoding; the page then ends where the corruption started, with
// the banner, as a corrupt body ends in a browser. Every other panic (a cut
// upstream body, a client gone) leaves nothing running and goes on up.
func (w *responseWriter) recovered(v any) bool {
	if !w.decided {
		// Whoever writes a response from these headers next (an error
		// page), the firewall has been there first.
		w.h.dropResponseCookies(w.Header(), w.ex)
	}
	if w.dec == nil {
		w.release()
		return false
	}
	if v == http.ErrAbortHandler && w.dec.failed.Load() {
		_ = w.close()
		return true
	}
	w.dec.abort()
	w.dec = nil
	w.release()
	return false
}

// release returns the rewriter and span buffer of an abandoned response to
// their pools without writing anything.
func (w *responseWriter) release() {
	if w.rw != nil {
		w.rw.Reset(nil, nil)
		rewriterPool.Put(w.rw)
		w.rw = nil
	}
	if w.bw != nil {
		w.bw.Reset(nil)
		spanBufferPool.Put(w.bw)
		w.bw = nil
	}
	w.rewrite = false
}

// rewritable reports why a response must pass untouched, or passNone.
func (h *Handler) rewritable(r *http.Request, status int, hdr http.Header, first []byte) passReason {
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead:
		return passMethod
	case status < 200 || status == http.StatusNoContent || status == http.StatusPartialContent ||
		status == http.StatusNotModified || status == http.StatusResetContent:
		return passStatus
	case r.Method == http.MethodConnect:
		// A websocket upgrade is answered 101 (above) and hijacked; a
		// request that merely carries an Upgrade header gets a page like
		// anyone else.
		return passMethod
	}
	mt, params := mediaType(hdr, first)
	if mt != "text/html" {
		if mt == "text/event-stream" {
			return passStreaming
		}
		return passNotHTML
	}
	if caddyhttp.IsIncremental(hdr) {
		return passStreaming
	}
	if strings.Contains(strings.ToLower(hdr.Get("Cache-Control")), "no-transform") {
		return passNoTransform
	}
	if !asciiCompatible(params["charset"]) || hasUTF16BOM(first) {
		return passCharset
	}
	return passNone
}

// mediaType reads the response's media type the way a browser will: an
// absent Content-Type is sniffed as net/http will sniff it on the way out
// (legacy CGI sends none), and parameters that do not parse (`charset=`) do
// not hide the essence before the ";" (WHATWG MIME Sniffing §4.4). When the
// type is sniffed as HTML, the header is set to what net/http would send.
func mediaType(hdr http.Header, first []byte) (string, map[string]string) {
	ct, ok := hdr["Content-Type"]
	if !ok {
		if len(first) == 0 || hdr.Get("Content-Encoding") != "" {
			return "", nil
		}
		sniffed := http.DetectContentType(first)
		if !strings.HasPrefix(sniffed, "text/html") {
			return "", nil
		}
		hdr.Set("Content-Type", sniffed)
		return "text/html", map[string]string{"charset": "utf-8"}
	}
	if len(ct) == 0 {
		return "", nil
	}
	mt, params, err := mime.ParseMediaType(ct[0])
	if err == nil {
		return mt, params
	}
	essence, rest, _ := strings.Cut(ct[0], ";")
	params = map[string]string{}
	for p := range strings.SplitSeq(rest, ";") {
		// Keep a charset that is readable, drop the rest.
		if k, v, ok := strings.Cut(p, "="); ok && strings.EqualFold(strings.TrimSpace(k), "charset") {
			if v = strings.Trim(strings.TrimSpace(v), `"`); v != "" {
				params["charset"] = v
			}
		}
	}
	return strings.ToLower(strings.TrimSpace(essence)), params
}

// contentCoding reduces a Content-Encoding list to the one coding to undo:
// identity entries mean nothing (RFC 9110 §8.4.1); several real codings
// stacked are reported as such.
func contentCoding(v string) (string, bool) {
	coding := ""
	for c := range strings.SplitSeq(strings.ToLower(v), ",") {
		c = strings.TrimSpace(c)
		if c == "" || c == "identity" {
			continue
		}
		if coding != "" {
			return v, false
		}
		coding = c
	}
	return coding, true
}

// asciiCompatible reports whether a charset keeps ASCII bytes meaning ASCII,
// which the rewriter's byte scanning needs (lol-html draws the same line).
func asciiCompatible(cs string) bool {
	cs = strings.ToLower(strings.TrimSpace(cs))
	switch {
	case cs == "":
		return true
	case strings.HasPrefix(cs, "utf-16"), strings.HasPrefix(cs, "utf-32"),
		strings.HasPrefix(cs, "ucs-"), strings.HasPrefix(cs, "iso-2022-"),
		cs == "hz-gb-2312", cs == "utf-7", strings.HasPrefix(cs, "x-user-defined"):
		return false
	}
	return true
}

func hasUTF16BOM(p []byte) bool {
	return bytes.HasPrefix(p, []byte{0xFE, 0xFF}) || bytes.HasPrefix(p, []byte{0xFF, 0xFE})
}

// Interface guards
var (
	_ http.ResponseWriter = (*responseWriter)(nil)
	_ io.ReaderFrom       = (*responseWriter)(nil)
	_ http.Hijacker       = (*responseWriter)(nil)
)
