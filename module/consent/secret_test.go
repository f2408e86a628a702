package consent

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"testing"

	"go.uber.org/zap"
)

// flakyStore is a storage whose Load fails for the n-th call on, as a shared
// store that times out does: not "no such key", an error.
type flakyStore struct {
	mu       sync.Mutex
	data     map[string][]byte
	loads    int
	failFrom int // Load number (1-based) from which Load fails; 0: never
	stores   int
}

func (s *flakyStore) Lock(context.Context, string) error   { return nil }
func (s *flakyStore) Unlock(context.Context, string) error { return nil }
func (s *flakyStore) Load(_ context.Context, k string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	if s.failFrom > 0 && s.loads >= s.failFrom {
		return nil, errors.New("i/o timeout")
	}
	b, ok := s.data[k]
	if !ok {
		return nil, fmt.Errorf("%s: %w", k, fs.ErrNotExist)
	}
	return b, nil
}
func (s *flakyStore) Store(_ context.Context, k string, v []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stores++
	s.data[k] = v
	return nil
}

func TestSharedSecretGeneratesOnceAndKeeps(t *testing.T) {
	st := &flakyStore{data: map[string][]byte{}}
	k1, err := sharedSecret(context.Background(), st, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	k2, err := sharedSecret(context.Background(), st, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	if string(k1) != string(k2) || len(k1) < MinSecretLen || st.stores != 1 {
		t.Fatalf("keys %x, %x after %d stores: want one key, stored once", k1, k2, st.stores)
	}
}

// A store that fails while the key is read must never get a new key: the
// other instances sign with the stored one, and overwriting it would void
// every visitor's choice. The second read (under the lock) used to fall
// through to generating on any error.
func TestSharedSecretNeverOverwritesOnAFailingStore(t *testing.T) {
	for _, failFrom := range []int{1, 2} {
		t.Run(fmt.Sprintf("load %d fails", failFrom), func(t *testing.T) {
			st := &flakyStore{data: map[string][]byte{}, failFrom: failFrom}
			key, err := sharedSecret(context.Background(), st, zap.NewNop())
			if err == nil || key != nil {
				t.Fatalf("got key %x, err %v: want an error", key, err)
			}
			if st.stores != 0 {
				t.Errorf("the key was stored %d times while the store failed", st.stores)
			}
		})
	}
}
