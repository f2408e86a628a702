package consent

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"net/http"
	"sync"

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
type decoder struct {
	pw   *io.PipeWriter
	done chan struct{}
	mu   sync.Mutex // serialises the rewriter between the decoding goroutine and Flush
	w    *responseWriter
	enc  string
	err  error // decoding error, set before done closes
}

func newDecoder(enc string, w *responseWriter) (*decoder, error) {
	switch enc {
	case "gzip", "x-gzip", "deflate", "br", "zstd":
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	return &decoder{enc: enc, w: w}, nil
}

// plausible checks the first bytes against the format's magic number, so a body
// that is not what its header claims passes unchanged instead of being cut.
func (d *decoder) plausible(p []byte) bool {
	switch d.enc {
	case "gzip", "x-gzip":
		return len(p) < 2 || p[0] == 0x1f && p[1] == 0x8b
	case "zstd":
		return len(p) < 4 || bytes.Equal(p[:4], []byte{0x28, 0xb5, 0x2f, 0xfd})
	}
	return true // deflate and brotli have no reliable magic
}

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
	if err != nil {
		d.err = err
		d.w.h.logger.Warn("upstream body stopped decoding; the page ends where the corruption starts, as it would in a browser",
			zap.String("encoding", d.enc), zap.String("uri", d.w.req.RequestURI), zap.Error(err))
		// Drain the rest so the upstream side is not stuck on a full pipe.
		_, _ = io.Copy(io.Discard, pr)
	}
	pr.Close()
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
// error the rest is swallowed: the upstream still finishes cleanly.
func (d *decoder) Write(p []byte) (int, error) {
	if d.pw == nil {
		d.start()
	}
	_, _ = d.pw.Write(p) // an error here is a decoding error, already logged
	return len(p), nil
}

// Flush emits what the rewriter holds of the bytes decoded so far and flushes
// the client connection, under the lock the decoding goroutine writes with.
func (d *decoder) Flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
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

type lockedWriter struct{ d *decoder }

func (l lockedWriter) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	defer l.d.mu.Unlock()
	n, err := l.d.w.rw.Write(p)
	if err == nil {
		err = l.d.w.afterWrite(len(p))
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
