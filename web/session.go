package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"github.com/ikco/partner-portal/db"
)

// Session value keys: this file is the only code that touches them.
const (
	keyUserID  = "uid"
	keyCSRF    = "csrf"
	keyCreated = "created"
	keySeen    = "seen"
	// keyCurrency is the currency the person reads offer prices in.
	keyCurrency = "cur"
	// keyInquiryDraft holds the key of a visitor's inquiry draft, typed
	// before registering, until an account claims it.
	keyInquiryDraft = "inquiry_draft"
	// keyUser holds the account loaded with the session, for this request
	// only: it is never saved.
	keyUser = "user"
)

// sessionStore keeps sessions in SQLite behind gorilla/sessions: the cookie
// carries only a random 256-bit id, signed with securecookie; the data and
// expiry live in the database, so logout, disabling an account and ending
// a session take effect at once, on every running instance.
type sessionStore struct {
	store    *db.Store
	codecs   []securecookie.Codec
	name     string
	secure   bool
	idle     time.Duration
	absolute time.Duration
	now      func() time.Time
}

// newSessionStore builds the store; keys are HMAC keys, newest first: the
// first signs new cookies, every one verifies (key rotation).
func newSessionStore(store *db.Store, keys [][]byte, secure bool, idle, absolute time.Duration, now func() time.Time) *sessionStore {
	var pairs [][]byte
	for _, k := range keys {
		pairs = append(pairs, k, nil)
	}
	codecs := securecookie.CodecsFromPairs(pairs...)
	for _, c := range codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.MaxAge(int(absolute / time.Second))
			// The cookie holds only the random id: its bytes as they
			// are, with no gob encoder made and run on every request.
			sc.SetSerializer(securecookie.NopEncoder{})
		}
	}
	name := "portal_session"
	if secure {
		// __Host- cookies must be Secure, for path / and without Domain:
		// no subdomain can plant or read them.
		name = "__Host-portal_session"
	}
	return &sessionStore{store: store, codecs: codecs, name: name, secure: secure, idle: idle, absolute: absolute, now: now}
}

func hashSessionID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:])
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (st *sessionStore) options() *sessions.Options {
	return &sessions.Options{Path: "/", HttpOnly: true, Secure: st.secure, SameSite: http.SameSiteLaxMode}
}

// Get returns the request's session, loading it once per request.
func (st *sessionStore) Get(r *http.Request, name string) (*sessions.Session, error) {
	return sessions.GetRegistry(r).Get(st, name)
}

// New loads the session named by the request's cookie, or starts a new one
// when there is no cookie, its signature fails, or the session has ended,
// expired or idled out.
func (st *sessionStore) New(r *http.Request, name string) (*sessions.Session, error) {
	s := sessions.NewSession(st, name)
	s.Options = st.options()
	s.IsNew = true
	ck, err := r.Cookie(st.name)
	if err != nil {
		return s, nil
	}
	var raw []byte
	if err := securecookie.DecodeMulti(st.name, ck.Value, &raw, st.codecs...); err != nil {
		return s, nil
	}
	id := string(raw)
	rec, user, err := st.store.SessionAndUser(r.Context(), hashSessionID(id))
	if errors.Is(err, db.ErrNotFound) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	now := st.now()
	if now.Before(rec.ExpiresAt) && now.Sub(rec.LastSeenAt) >= st.idle {
		// The session kept in memory may not know of a use through
		// another instance: ask the database before ending it.
		rec, user, err = st.store.SessionAndUserFresh(r.Context(), hashSessionID(id))
		if errors.Is(err, db.ErrNotFound) {
			return s, nil
		}
		if err != nil {
			return s, err
		}
	}
	if !now.Before(rec.ExpiresAt) || now.Sub(rec.LastSeenAt) >= st.idle {
		_ = st.store.DeleteSession(r.Context(), rec.IDHash)
		return s, nil
	}
	if len(rec.Data) > 0 {
		var kept map[string]string
		if err := json.Unmarshal(rec.Data, &kept); err != nil {
			return s, nil
		}
		for k, v := range kept {
			s.Values[k] = v
		}
	}
	s.Values[keyUserID] = rec.UserID
	s.Values[keyCSRF] = rec.CSRF
	s.Values[keyCreated] = rec.CreatedAt.UnixNano()
	s.Values[keySeen] = rec.LastSeenAt.UnixNano()
	if user != nil {
		s.Values[keyUser] = user
	}
	s.ID = id
	s.IsNew = false
	return s, nil
}

type clientKey struct{}

// clientInfo is the request's client address and user agent, for the
// session list.
type clientInfo struct{ ip, ua string }

func withClient(ctx context.Context, ip, ua string) context.Context {
	return context.WithValue(ctx, clientKey{}, clientInfo{ip, ua})
}

// Save writes the session to the database and its signed id to the
// cookie; a negative MaxAge deletes both.
func (st *sessionStore) Save(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	if s.Options.MaxAge < 0 {
		if s.ID != "" {
			if err := st.store.DeleteSession(r.Context(), hashSessionID(s.ID)); err != nil {
				return err
			}
		}
		http.SetCookie(w, sessions.NewCookie(st.name, "", s.Options))
		return nil
	}
	now := st.now()
	if s.ID == "" {
		s.ID = randomToken(32)
		s.Values[keyCreated] = now.UnixNano()
	}
	if tok, _ := s.Values[keyCSRF].(string); tok == "" {
		s.Values[keyCSRF] = randomToken(32)
	}
	created := now
	if ns, ok := s.Values[keyCreated].(int64); ok {
		created = time.Unix(0, ns).UTC()
	}
	uid, _ := s.Values[keyUserID].(int64)
	csrf, _ := s.Values[keyCSRF].(string)
	// The other values are short strings (the viewer's currency, a
	// visitor's inquiry draft), kept as a JSON object; none most of the
	// time, and then nothing is stored or decoded on each request.
	rest := map[string]string{}
	for k, v := range s.Values {
		ks, kok := k.(string)
		vs, vok := v.(string)
		if kok && vok && ks != keyCSRF {
			rest[ks] = vs
		}
	}
	data := []byte{}
	if len(rest) > 0 {
		var err error
		if data, err = json.Marshal(rest); err != nil {
			return err
		}
	}
	ci, _ := r.Context().Value(clientKey{}).(clientInfo)
	if err := st.store.SaveSession(r.Context(), db.Session{
		IDHash: hashSessionID(s.ID), UserID: uid, CSRF: csrf, Data: data,
		IP: ci.ip, UserAgent: ci.ua, CreatedAt: created, LastSeenAt: now, ExpiresAt: created.Add(st.absolute),
	}); err != nil {
		return err
	}
	encoded, err := securecookie.EncodeMulti(st.name, []byte(s.ID), st.codecs...)
	if err != nil {
		return err
	}
	http.SetCookie(w, sessions.NewCookie(st.name, encoded, s.Options))
	return nil
}

// sessionUserID returns the account a session is logged in as, or 0.
func sessionUserID(s *sessions.Session) int64 {
	uid, _ := s.Values[keyUserID].(int64)
	return uid
}

// sessionUser is the account the session was loaded with, or nil.
func sessionUser(s *sessions.Session) *db.User {
	u, _ := s.Values[keyUser].(*db.User)
	return u
}

// sessionLastSeen is when the session was last used, as loaded.
func sessionLastSeen(s *sessions.Session) time.Time {
	ns, _ := s.Values[keySeen].(int64)
	return time.Unix(0, ns)
}

// sessionCSRF returns the session's CSRF token, or "".
func sessionCSRF(s *sessions.Session) string {
	tok, _ := s.Values[keyCSRF].(string)
	return tok
}

// startLogin turns the session into a fresh one for uid: a new id and a
// new CSRF token, the old session deleted, so a session id fixed before
// login is worth nothing after it.
func (st *sessionStore) startLogin(r *http.Request, w http.ResponseWriter, s *sessions.Session, uid int64) error {
	if s.ID != "" {
		if err := st.store.DeleteSession(r.Context(), hashSessionID(s.ID)); err != nil {
			return err
		}
	}
	s.ID = ""
	s.IsNew = true
	s.Values = map[any]any{keyUserID: uid}
	return st.Save(r, w, s)
}

// end deletes the session and its cookie.
func (st *sessionStore) end(r *http.Request, w http.ResponseWriter, s *sessions.Session) error {
	s.Options.MaxAge = -1
	return st.Save(r, w, s)
}

// sessionCurrency is the currency the person chose for offer prices, or "".
func sessionCurrency(s *sessions.Session) string {
	cur, _ := s.Values[keyCurrency].(string)
	return cur
}

// setSessionCurrency keeps the person's chosen currency; the caller saves
// the session.
func setSessionCurrency(s *sessions.Session, cur string) {
	s.Values[keyCurrency] = cur
}

// sessionInquiryDraft returns the key of the visitor's inquiry draft, or "".
func sessionInquiryDraft(s *sessions.Session) string {
	if s == nil {
		return ""
	}
	k, _ := s.Values[keyInquiryDraft].(string)
	return k
}

// setSessionInquiryDraft remembers a visitor's inquiry draft key; "" forgets it.
func setSessionInquiryDraft(s *sessions.Session, key string) {
	if key == "" {
		delete(s.Values, keyInquiryDraft)
		return
	}
	s.Values[keyInquiryDraft] = key
}
