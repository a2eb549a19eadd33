package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// keyLen is the size of a session signing key in bytes.
const keyLen = 32

// maxKeys is how many keys the key file keeps: the newest signs, the
// others still verify cookies made before a rotation.
const maxKeys = 3

// loadSessionKeys returns the session signing keys, newest first: from
// PORTAL_SESSION_KEYS (comma-separated base64) when set, else from the key
// file, which is created with one new key (mode 0600) when missing.
func loadSessionKeys(env, path string) ([][]byte, error) {
	if env != "" {
		return parseKeys(strings.Split(env, ","))
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := writeKeys(path, [][]byte{newKey()}); err != nil {
			return nil, err
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("session keys: %w", err)
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return parseKeys(lines)
}

func parseKeys(lines []string) ([][]byte, error) {
	var keys [][]byte
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		k, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(k) < keyLen {
			return nil, fmt.Errorf("session keys: a key is not base64 of %d or more bytes", keyLen)
		}
		keys = append(keys, k)
	}
	if len(keys) == 0 {
		return nil, errors.New("session keys: none given")
	}
	return keys, nil
}

func newKey() []byte {
	k := make([]byte, keyLen)
	if _, err := rand.Read(k); err != nil {
		panic(err)
	}
	return k
}

// writeKeys writes the key file, readable by its owner only.
func writeKeys(path string, keys [][]byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("# Session cookie signing keys, newest first. `portal keys rotate` adds one.\n")
	for _, k := range keys {
		buf.WriteString(base64.StdEncoding.EncodeToString(k) + "\n")
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("session keys: %w", err)
	}
	return os.Rename(tmp, path)
}

// rotateKeys puts a new key first in the key file and keeps the newest
// older ones, so cookies signed before still verify until they expire.
func rotateKeys(path string, stdout io.Writer) error {
	keys, err := loadSessionKeys("", path)
	if err != nil {
		return err
	}
	keys = append([][]byte{newKey()}, keys...)
	if len(keys) > maxKeys {
		keys = keys[:maxKeys]
	}
	if err := writeKeys(path, keys); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rotated: %s now holds %d keys; restart the portal to sign with the new one\n", path, len(keys))
	return nil
}
