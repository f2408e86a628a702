package iplog

import (
	"bytes"
	"encoding/json"
	"sync"
	"time"

	"go.uber.org/zap/zapcore"
)

// The wrappers below sit between zap's marshalers and the real encoder: an
// ObjectMarshaler or ArrayMarshaler is handed a truncating ObjectEncoder or
// ArrayEncoder, recursively, the way the filter encoder's
// logObjectMarshalerWrapper does. They come from a pooled scratch so that a
// steady stream of entries allocates nothing; every encoder in zap and Caddy
// encodes a marshaler within the call that receives it, so the wrappers are
// free again when that call returns.

// objectEncoder truncates what is added to enc: with t, or with c (t
// without exceptions) under a key that carries a client's address.
type objectEncoder struct {
	t, c Truncator
	sc   *scratch // nil on the Encoder itself: each call takes its own
	enc  zapcore.ObjectEncoder
}

// clientKeys are the keys under which Caddy and this module log what a
// client sent or who the client is: the request object of access and error
// entries (remote_ip, client_ip, uri, headers, …), the headers of a proxied
// request in reverse_proxy's debug entries, and addresses logged on their
// own. Everything under them is truncated without exceptions, so a client
// cannot keep its address whole by naming an excepted one in
// X-Forwarded-For. Other fields (the message, error, upstream, dial,
// resp_headers) keep excepted addresses, which is where backends are named.
func clientKey(key string) bool {
	switch key {
	case "request", "headers", "remote_ip", "client_ip", "remote_addr", "remote", "client", "ip":
		return true
	}
	return false
}

// pick returns the truncator for the value under key.
func (o *objectEncoder) pick(key string) Truncator {
	if len(o.t.Except) > 0 && clientKey(key) {
		return o.c
	}
	return o.t
}

// AddArray implements zapcore.ObjectEncoder.
func (o *objectEncoder) AddArray(key string, m zapcore.ArrayMarshaler) error {
	sc := o.sc
	if sc == nil {
		sc = getScratch()
		defer sc.release()
	}
	return o.enc.AddArray(o.c.String(key), sc.arrayMarshaler(m, o.pick(key), o.c))
}

// AddObject implements zapcore.ObjectEncoder.
func (o *objectEncoder) AddObject(key string, m zapcore.ObjectMarshaler) error {
	sc := o.sc
	if sc == nil {
		sc = getScratch()
		defer sc.release()
	}
	return o.enc.AddObject(o.c.String(key), sc.objectMarshaler(m, o.pick(key), o.c))
}

// AddString implements zapcore.ObjectEncoder.
func (o *objectEncoder) AddString(key, value string) {
	o.enc.AddString(o.c.String(key), o.pick(key).String(value))
}

// AddByteString implements zapcore.ObjectEncoder.
func (o *objectEncoder) AddByteString(key string, value []byte) {
	o.enc.AddByteString(o.c.String(key), o.pick(key).Bytes(value))
}

// AddReflected implements zapcore.ObjectEncoder.
func (o *objectEncoder) AddReflected(key string, value any) error {
	return o.enc.AddReflected(o.c.String(key), o.pick(key).reflected(value))
}

// OpenNamespace implements zapcore.ObjectEncoder.
func (o *objectEncoder) OpenNamespace(key string) { o.enc.OpenNamespace(o.c.String(key)) }

// Values that cannot hold an address pass as they are; binary fields are
// base64 in the output and hold no address text.

func (o *objectEncoder) AddBinary(k string, v []byte)         { o.enc.AddBinary(o.t.String(k), v) }
func (o *objectEncoder) AddBool(k string, v bool)             { o.enc.AddBool(o.t.String(k), v) }
func (o *objectEncoder) AddComplex128(k string, v complex128) { o.enc.AddComplex128(o.t.String(k), v) }
func (o *objectEncoder) AddComplex64(k string, v complex64)   { o.enc.AddComplex64(o.t.String(k), v) }
func (o *objectEncoder) AddDuration(k string, v time.Duration) {
	o.enc.AddDuration(o.t.String(k), v)
}
func (o *objectEncoder) AddFloat64(k string, v float64) { o.enc.AddFloat64(o.t.String(k), v) }
func (o *objectEncoder) AddFloat32(k string, v float32) { o.enc.AddFloat32(o.t.String(k), v) }
func (o *objectEncoder) AddInt(k string, v int)         { o.enc.AddInt(o.t.String(k), v) }
func (o *objectEncoder) AddInt64(k string, v int64)     { o.enc.AddInt64(o.t.String(k), v) }
func (o *objectEncoder) AddInt32(k string, v int32)     { o.enc.AddInt32(o.t.String(k), v) }
func (o *objectEncoder) AddInt16(k string, v int16)     { o.enc.AddInt16(o.t.String(k), v) }
func (o *objectEncoder) AddInt8(k string, v int8)       { o.enc.AddInt8(o.t.String(k), v) }
func (o *objectEncoder) AddTime(k string, v time.Time)  { o.enc.AddTime(o.t.String(k), v) }
func (o *objectEncoder) AddUint(k string, v uint)       { o.enc.AddUint(o.t.String(k), v) }
func (o *objectEncoder) AddUint64(k string, v uint64)   { o.enc.AddUint64(o.t.String(k), v) }
func (o *objectEncoder) AddUint32(k string, v uint32)   { o.enc.AddUint32(o.t.String(k), v) }
func (o *objectEncoder) AddUint16(k string, v uint16)   { o.enc.AddUint16(o.t.String(k), v) }
func (o *objectEncoder) AddUint8(k string, v uint8)     { o.enc.AddUint8(o.t.String(k), v) }
func (o *objectEncoder) AddUintptr(k string, v uintptr) { o.enc.AddUintptr(o.t.String(k), v) }

// arrayEncoder truncates what is appended to enc with t; c is passed on to
// objects inside.
type arrayEncoder struct {
	t, c Truncator
	sc   *scratch
	enc  zapcore.ArrayEncoder
}

// AppendArray implements zapcore.ArrayEncoder.
func (a *arrayEncoder) AppendArray(m zapcore.ArrayMarshaler) error {
	return a.enc.AppendArray(a.sc.arrayMarshaler(m, a.t, a.c))
}

// AppendObject implements zapcore.ArrayEncoder.
func (a *arrayEncoder) AppendObject(m zapcore.ObjectMarshaler) error {
	return a.enc.AppendObject(a.sc.objectMarshaler(m, a.t, a.c))
}

// AppendString implements zapcore.ArrayEncoder.
func (a *arrayEncoder) AppendString(v string) { a.enc.AppendString(a.t.String(v)) }

// AppendByteString implements zapcore.ArrayEncoder.
func (a *arrayEncoder) AppendByteString(v []byte) { a.enc.AppendByteString(a.t.Bytes(v)) }

// AppendReflected implements zapcore.ArrayEncoder.
func (a *arrayEncoder) AppendReflected(v any) error {
	return a.enc.AppendReflected(a.t.reflected(v))
}

func (a *arrayEncoder) AppendBool(v bool)             { a.enc.AppendBool(v) }
func (a *arrayEncoder) AppendComplex128(v complex128) { a.enc.AppendComplex128(v) }
func (a *arrayEncoder) AppendComplex64(v complex64)   { a.enc.AppendComplex64(v) }
func (a *arrayEncoder) AppendFloat64(v float64)       { a.enc.AppendFloat64(v) }
func (a *arrayEncoder) AppendFloat32(v float32)       { a.enc.AppendFloat32(v) }
func (a *arrayEncoder) AppendInt(v int)               { a.enc.AppendInt(v) }
func (a *arrayEncoder) AppendInt64(v int64)           { a.enc.AppendInt64(v) }
func (a *arrayEncoder) AppendInt32(v int32)           { a.enc.AppendInt32(v) }
func (a *arrayEncoder) AppendInt16(v int16)           { a.enc.AppendInt16(v) }
func (a *arrayEncoder) AppendInt8(v int8)             { a.enc.AppendInt8(v) }
func (a *arrayEncoder) AppendUint(v uint)             { a.enc.AppendUint(v) }
func (a *arrayEncoder) AppendUint64(v uint64)         { a.enc.AppendUint64(v) }
func (a *arrayEncoder) AppendUint32(v uint32)         { a.enc.AppendUint32(v) }
func (a *arrayEncoder) AppendUint16(v uint16)         { a.enc.AppendUint16(v) }
func (a *arrayEncoder) AppendUint8(v uint8)           { a.enc.AppendUint8(v) }
func (a *arrayEncoder) AppendUintptr(v uintptr)       { a.enc.AppendUintptr(v) }
func (a *arrayEncoder) AppendDuration(v time.Duration) {
	a.enc.AppendDuration(v)
}
func (a *arrayEncoder) AppendTime(v time.Time) { a.enc.AppendTime(v) }

// objectMarshaler hands m a truncating encoder.
type objectMarshaler struct {
	t, c Truncator
	sc   *scratch
	m    zapcore.ObjectMarshaler
}

// MarshalLogObject implements zapcore.ObjectMarshaler.
func (w *objectMarshaler) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	return w.m.MarshalLogObject(w.sc.objectEncoder(enc, w.t, w.c))
}

// arrayMarshaler hands m a truncating encoder.
type arrayMarshaler struct {
	t, c Truncator
	sc   *scratch
	m    zapcore.ArrayMarshaler
}

// MarshalLogArray implements zapcore.ArrayMarshaler.
func (w *arrayMarshaler) MarshalLogArray(enc zapcore.ArrayEncoder) error {
	return w.m.MarshalLogArray(w.sc.arrayEncoder(enc, w.t, w.c))
}

// fieldList adds an entry's fields through a truncating encoder.
type fieldList struct {
	t, c   Truncator
	sc     *scratch
	fields []zapcore.Field
}

// MarshalLogObject implements zapcore.ObjectMarshaler.
func (l *fieldList) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	oe := l.sc.objectEncoder(enc, l.t, l.c)
	for i := range l.fields {
		l.fields[i].AddTo(oe)
	}
	return nil
}

// reflected truncates a value zap would encode by reflection: it takes the
// JSON form apart and truncates its strings. A value without an address is
// returned as it is, so non-JSON encoders see no difference.
func (t Truncator) reflected(v any) any {
	raw, err := json.Marshal(v)
	if err != nil || !mayHoldAddress(string(raw)) {
		return v
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if dec.Decode(&tree) != nil {
		return v
	}
	if tree, changed := t.tree(tree); changed {
		return tree
	}
	return v
}

func (t Truncator) tree(v any) (any, bool) {
	switch v := v.(type) {
	case string:
		nv := t.String(v)
		return nv, nv != v
	case []any:
		changed := false
		for i := range v {
			var c bool
			v[i], c = t.tree(v[i])
			changed = changed || c
		}
		return v, changed
	case map[string]any:
		changed := false
		out := make(map[string]any, len(v))
		for k, x := range v {
			nk := t.String(k)
			nx, c := t.tree(x)
			out[nk] = nx
			changed = changed || c || nk != k
		}
		return out, changed
	}
	return v, false
}

// scratch holds the wrappers one top-level encoding call needs.
type scratch struct {
	fields fieldList
	one    [1]zapcore.Field
	objs   slab[objectEncoder]
	arrs   slab[arrayEncoder]
	omars  slab[objectMarshaler]
	amars  slab[arrayMarshaler]
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch {
	return scratchPool.Get().(*scratch)
}

// release clears references (so the pool pins no log data) and returns sc
// to the pool unless an unusual entry made it large.
func (sc *scratch) release() {
	sc.fields = fieldList{}
	sc.one[0] = zapcore.Field{}
	n := sc.objs.reset() + sc.arrs.reset() + sc.omars.reset() + sc.amars.reset()
	if n <= 1024 {
		scratchPool.Put(sc)
	}
}

func (sc *scratch) objectEncoder(enc zapcore.ObjectEncoder, t, c Truncator) *objectEncoder {
	o := sc.objs.next()
	*o = objectEncoder{t: t, c: c, sc: sc, enc: enc}
	return o
}

func (sc *scratch) arrayEncoder(enc zapcore.ArrayEncoder, t, c Truncator) *arrayEncoder {
	a := sc.arrs.next()
	*a = arrayEncoder{t: t, c: c, sc: sc, enc: enc}
	return a
}

func (sc *scratch) objectMarshaler(m zapcore.ObjectMarshaler, t, c Truncator) *objectMarshaler {
	w := sc.omars.next()
	*w = objectMarshaler{t: t, c: c, sc: sc, m: m}
	return w
}

func (sc *scratch) arrayMarshaler(m zapcore.ArrayMarshaler, t, c Truncator) *arrayMarshaler {
	w := sc.amars.next()
	*w = arrayMarshaler{t: t, c: c, sc: sc, m: m}
	return w
}

// slab hands out reusable values in order.
type slab[T any] struct {
	items []*T
	used  int
}

func (s *slab[T]) next() *T {
	if s.used == len(s.items) {
		s.items = append(s.items, new(T))
	}
	p := s.items[s.used]
	s.used++
	return p
}

// reset zeroes what was handed out and reports how many values s holds.
func (s *slab[T]) reset() int {
	var zero T
	for _, p := range s.items[:s.used] {
		*p = zero
	}
	s.used = 0
	return len(s.items)
}

// Interface guards
var (
	_ zapcore.ObjectEncoder   = (*objectEncoder)(nil)
	_ zapcore.ArrayEncoder    = (*arrayEncoder)(nil)
	_ zapcore.ObjectMarshaler = (*objectMarshaler)(nil)
	_ zapcore.ArrayMarshaler  = (*arrayMarshaler)(nil)
	_ zapcore.ObjectMarshaler = (*fieldList)(nil)
)
