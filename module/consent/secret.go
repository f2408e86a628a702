package consent

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/caddyserver/caddy/v2"
	"go.uber.org/zap"
)

// secretStorageKey is where a generated signing key lives in Caddy storage.
// Every instance that shares the storage (a cluster, or a restart) reads the
// same key, so consent cookies stay valid across them.
const secretStorageKey = "caddy-consent/secret"

// loadSecret returns the configured secret, or the one kept in storage,
// generating and storing it on first use.
func (h *Handler) loadSecret(ctx caddy.Context) ([]byte, error) {
	if h.Secret != "" {
		s := caddy.NewReplacer().ReplaceKnown(h.Secret, "")
		if len(s) < MinSecretLen {
			return nil, fmt.Errorf("secret: %d bytes, want at least %d", len(s), MinSecretLen)
		}
		return []byte(s), nil
	}
	st := storage(ctx)
	if st == nil {
		return nil, errors.New("secret: no Caddy storage to keep a generated key in; set secret")
	}
	return sharedSecret(ctx, st, h.logger)
}

// secretStore is the part of certmagic.Storage the secret needs.
type secretStore interface {
	Lock(context.Context, string) error
	Unlock(context.Context, string) error
	Load(context.Context, string) ([]byte, error)
	Store(context.Context, string, []byte) error
}

// sharedSecret reads the key kept in st, generating and storing it when st
// has none. Only a key that is missing is generated: a store that fails
// (a Redis timeout, a network file system gone) is an error, or one instance
// would overwrite the key the others sign with, and every visitor's choice
// would count as none.
func sharedSecret(ctx context.Context, st secretStore, logger *zap.Logger) ([]byte, error) {
	if key, err := readSecret(ctx, st); err == nil {
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	// Two instances starting at once must not each write their own key.
	if err := st.Lock(ctx, secretStorageKey); err != nil {
		return nil, fmt.Errorf("secret: locking storage: %v", err)
	}
	defer func() { _ = st.Unlock(context.WithoutCancel(ctx), secretStorageKey) }()
	if key, err := readSecret(ctx, st); err == nil {
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret: %v", err)
	}
	enc := base64.RawURLEncoding.EncodeToString(key)
	if err := st.Store(ctx, secretStorageKey, []byte(enc)); err != nil {
		return nil, fmt.Errorf("secret: storing generated key: %v", err)
	}
	logger.Info("generated a consent signing key and stored it", zap.String("storage_key", secretStorageKey))
	return key, nil
}

func readSecret(ctx context.Context, st secretStore) ([]byte, error) {
	b, err := st.Load(ctx, secretStorageKey)
	if err != nil {
		return nil, fmt.Errorf("secret: loading %s from storage: %w", secretStorageKey, err)
	}
	key, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < MinSecretLen {
		return nil, fmt.Errorf("secret: the key stored at %s is corrupt; delete it to generate a new one", secretStorageKey)
	}
	return key, nil
}
