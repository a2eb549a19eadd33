package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// argon2id parameters: OWASP's minimum (19 MiB, two passes, one lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// Password length bounds, in characters.
const (
	minPasswordLen = 12
	maxPasswordLen = 128
)

// hasher computes argon2id hashes, at most a few at once: each takes 19 MiB,
// so a flood of logins queues instead of exhausting memory.
type hasher struct {
	slots chan struct{}
	// dummy is a hash of a random password, verified against when an
	// account does not exist, so such logins take as long as real ones.
	dummy string
}

func newHasher(concurrent int) *hasher {
	h := &hasher{slots: make(chan struct{}, max(1, concurrent))}
	var pw [24]byte
	_, _ = rand.Read(pw[:])
	h.dummy, _ = h.hash(context.Background(), base64.StdEncoding.EncodeToString(pw[:]))
	return h
}

func (h *hasher) acquire(ctx context.Context) error {
	select {
	case h.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *hasher) release() { <-h.slots }

// hash returns the PHC string of an argon2id hash of password.
func (h *hasher) hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

var errBadHash = errors.New("password: malformed hash")

// verify reports whether password matches the PHC-encoded hash, using the
// parameters stored in the hash (so they can be raised later).
func (h *hasher) verify(ctx context.Context, encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, errBadHash
	}
	var mem, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &p); err != nil || mem > 256*1024 || t > 10 || p == 0 {
		return false, errBadHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false, errBadHash
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, p, uint32(len(want)))
	h.release()
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

//go:embed passwords/common.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// isCommonPassword reports whether password (case folded) is on the list
// of common passwords shipped with the portal.
func isCommonPassword(password string) bool {
	commonOnce.Do(func() {
		common = map[string]struct{}{}
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("web: common password list: " + err.Error())
		}
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			common[sc.Text()] = struct{}{}
		}
	})
	_, ok := common[strings.ToLower(password)]
	return ok
}

// passwordProblem returns the message id of what is wrong with a new
// password, or "".
func passwordProblem(password, email string) string {
	n := utf8.RuneCountInString(password)
	switch {
	case n < minPasswordLen:
		return "form.password_short"
	case n > maxPasswordLen:
		return "form.password_long"
	case isCommonPassword(password):
		return "form.password_common"
	case email != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return "form.password_is_email"
	}
	return ""
}

// HashPassword hashes a password with the portal's argon2id parameters,
// for the command line and the demo accounts.
func HashPassword(password string) (string, error) {
	return newHasherNoDummy().hash(context.Background(), password)
}

// PasswordProblem returns the message id of what is wrong with a new
// password, or "" when it may be used.
func PasswordProblem(password, email string) string { return passwordProblem(password, email) }

func newHasherNoDummy() *hasher { return &hasher{slots: make(chan struct{}, 1)} }
