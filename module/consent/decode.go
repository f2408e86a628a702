package consent

import (
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"go.uber.org/zap"
)

// decoder turns a compressed upstream body back into HTML for the rewriter.
// We ask upstreams for identity encoding, so this is the exception: a backend
// that compresses anyway. Decompressors pull from a reader while the response
// pushes writes, so one goroutine per such response bridges them with a pipe.
//
// The goroutine is the one thing of a response that can outlive its handler,
// so its life is bounded on every path: Close ends it after the last byte,
// abort ends it when the handler panics (reverse_proxy aborts a cut body with
// panic(http.ErrAbortHandler)), and it writes nothing once aborted, because
// net/http's response is gone when the handler has returned.
type decoder struct {
	pw      *io.PipeWriter
	done    chan struct{}
	mu      sync.Mutex // serialises the rewriter between the decoding goroutine and Flush
	w       *responseWriter
	enc     string
	aborted atomic.Bool // the handler is ending without a clean close: write nothing more
	failed  atomic.Bool // the body stopped decoding (corrupt); err says why
	err     error       // decoding error, set before done closes
	// writeErr is the client side's error, set by the decoding goroutine.
	writeErr error
}

// errAborted closes the pipe when the response is abandoned.
var errAborted = errors.New("response aborted")

// errUndecodable is what an upstream write gets once the body stopped
// decoding: reverse_proxy stops copying a body nobody can read.
var errUndecodable = errors.New("upstream body does not decode")

func newDecoder(enc string, w *responseWriter) (*decoder, error) {
	switch enc {
	case "gzip", "x-gzip", "deflate", "br", "zstd":
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	return &decoder{enc: enc, w: w}, nil
}

// plausible checks the first bytes against the format's magic number and
// decodes a bounded trial of them, so a body that is not what its header
// claims passes unchanged instead of being replaced by a banner: the headers
// leave with the first byte, so this is the last moment to choose. deflate
// and brotli have no magic number; the trial catches most plain bodies
// labelled as them.
func (d *decoder) plausible(p []byte) bool {
	switch d.enc {
	case "gzip", "x-gzip":
		if len(p) >= 2 && (p[0] != 0x1f || p[1] != 0x8b) {
			return false
		}
	case "zstd":
		if len(p) >= 4 && !bytes.Equal(p[:4], []byte{0x28, 0xb5, 0x2f, 0xfd}) {
			return false
		}
	}
	if len(p) > trialInput {
		p = p[:trialInput]
	}
	src, err := d.reader(bytes.NewReader(p))
	if err == nil {
		// Output is bounded: a few input bytes may expand a thousandfold.
		_, err = io.Copy(io.Discard, io.LimitReader(src, trialOutput))
		if c, ok := src.(io.Closer); ok {
			_ = c.Close()
		}
	}
	// A prefix ends early; that is all a trial can say about a good body.
	return err == nil || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// The trial decode of plausible: at most 4 KiB in and 64 KiB out.
const (
	trialInput  = 4 << 10
	trialOutput = 64 << 10
)

func (d *decoder) start() {
	r, w := io.Pipe()
	d.pw = w
	d.done = make(chan struct{})
	go d.run(r)
}

func (d *decoder) run(pr *io.PipeReader) {
	defer close(d.done)
	src, err := d.reader(pr)
	if err == nil {
		bp := copyBufPool.Get().(*[]byte)
		_, err = io.CopyBuffer(lockedWriter{d}, src, *bp)
		copyBufPool.Put(bp)
		if c, ok := src.(io.Closer); ok {
			_ = c.Close()
		}
	}
	switch {
	case err == nil:
		pr.Close()
	case d.aborted.Load() || errors.Is(err, errAborted):
		// The response is being abandoned; the handler waits for us.
		pr.CloseWithError(errAborted)
	case d.writeErr != nil:
		// The client is gone: the upstream's next write fails with its
		// error, as it would without us.
		pr.CloseWithError(d.writeErr)
	default:
		d.err = err
		d.failed.Store(true)
		d.w.h.logger.Warn("upstream body stopped decoding; the page ends where the corruption starts, as it would in a browser",
			zap.String("encoding", d.enc), zap.String("uri", d.w.req.RequestURI), zap.Error(err))
		// The next upstream write fails, so the copy stops instead of
		// pushing the rest of a body nobody can read through the pipe.
		pr.CloseWithError(errUndecodable)
	}
}

func (d *decoder) reader(pr io.Reader) (io.Reader, error) {
	switch d.enc {
	case "gzip", "x-gzip":
		return gzip.NewReader(pr)
	case "br":
		return brotli.NewReader(pr), nil
	case "zstd":
		zr, err := zstd.NewReader(pr, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, err
		}
		return zr.IOReadCloser(), nil
	}
	// RFC 9110 §8.4.1.2 says deflate means zlib-wrapped, but some servers send
	// raw deflate; a zlib header is recognisable by its checksum.
	br := &peekReader{r: pr}
	hdr, err := br.peek(2)
	if err != nil {
		return nil, err
	}
	if hdr[0]&0x0f == 8 && (uint16(hdr[0])<<8|uint16(hdr[1]))%31 == 0 {
		return zlib.NewReader(br)
	}
	return flate.NewReader(br), nil
}

// Write hands compressed bytes to the decoding goroutine. After a decoding
// error it fails, so reverse_proxy stops copying; the handler then ends the
// page cleanly (see responseWriter.recovered).
func (d *decoder) Write(p []byte) (int, error) {
	if d.pw == nil {
		d.start()
	}
	return d.pw.Write(p)
}

// Flush emits what the rewriter holds of the bytes decoded so far and flushes
// the client connection, under the lock the decoding goroutine writes with.
func (d *decoder) Flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.aborted.Load() {
		return errAborted
	}
	if err := d.w.rw.Flush(); err != nil {
		return err
	}
	if err := d.w.bw.Flush(); err != nil {
		return err
	}
	return http.NewResponseController(d.w.ResponseWriter).Flush()
}

// Close ends the compressed stream and waits until every decoded byte is out.
func (d *decoder) Close() error {
	if d.pw == nil {
		return nil
	}
	d.pw.Close()
	<-d.done
	return nil
}

// abort ends the decoding goroutine without writing anything more, and waits
// for it: after this the response may end without a trace of us.
func (d *decoder) abort() {
	d.aborted.Store(true)
	if d.pw == nil {
		return
	}
	d.pw.CloseWithError(errAborted)
	<-d.done
}

type lockedWriter struct{ d *decoder }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	defer l.d.mu.Unlock()
	if l.d.aborted.Load() {
		return 0, errAborted
	}
	n, err := l.d.w.rw.Write(p)
	if err == nil {
		err = l.d.w.afterWrite(len(p))
	}
	if err != nil {
		l.d.writeErr = err
	}
	return n, err
}

// peekReader lets the deflate sniffing look at two bytes without losing them.
type peekReader struct {
	r   io.Reader
	buf []byte
}

func (p *peekReader) peek(n int) ([]byte, error) {
	for len(p.buf) < n {
		b := make([]byte, n-len(p.buf))
		m, err := p.r.Read(b)
		p.buf = append(p.buf, b[:m]...)
		if err != nil {
			return p.buf, err
		}
	}
	return p.buf, nil
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.buf) > 0 {
		n := copy(b, p.buf)
		p.buf = p.buf[n:]
		return n, nil
	}
	return p.r.Read(b)
}

// ReadByte is what flate wants, so it does not wrap us in a bufio.Reader.
func (p *peekReader) ReadByte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(p, b[:])
	return b[0], err
}
