// Package web is the portal's HTTP side: the echo server, its routes,
// middleware and handlers.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/singleflight"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
)

// Config is what the HTTP side needs to know of the portal's settings.
type Config struct {
	// BaseURL is the portal's public origin (http://localhost:8080), for
	// canonical links and links in mail.
	BaseURL string
	// DemoMode marks the site as showing demonstration data.
	DemoMode bool
	// SecureCookies sets Secure and the __Host- prefix on cookies and sends
	// Strict-Transport-Security: the production setting behind TLS.
	SecureCookies bool
	// TrustedProxies are the CIDR ranges whose X-Forwarded-For is believed;
	// empty means the client address is the TCP peer's.
	TrustedProxies []*net.IPNet
	// MaxBodyBytes bounds request bodies; larger ones get 413.
	MaxBodyBytes int64
	// PageCacheEntries bounds the public page cache; 0 disables it.
	PageCacheEntries int
	// SessionKeys sign session cookies, newest first; older keys still
	// verify, so keys can be rotated without logging everyone out.
	SessionKeys [][]byte
	// IdleTimeout ends a session unused for this long (30 minutes).
	IdleTimeout time.Duration
	// SessionLifetime ends a session this long after login (12 hours).
	SessionLifetime time.Duration
	// HashConcurrency bounds argon2id hashes computed at once (each takes
	// 19 MiB); 0 means one per CPU.
	HashConcurrency int
	// MediaDir is the folder of uploaded media files, outside the web
	// root (the data folder's media/); empty disables uploads' storage.
	MediaDir string
	// DemoAccounts lists the demo logins shown on the login page in demo
	// mode.
	DemoAccounts []DemoAccount
	// DocumentsDir is the folder proposal documents are stored in; empty
	// refuses uploads.
	DocumentsDir string
	// MaxDocumentBytes bounds an uploaded document (25 MiB when 0).
	MaxDocumentBytes int64
	// now, when set, is the clock (tests); Deps.Now takes precedence.
	now func() time.Time
}

// DemoAccount is a demo login shown on the login page in demo mode.
type DemoAccount struct {
	Role, Email, Password string
}

// Deps are the server's dependencies, passed explicitly.
type Deps struct {
	Logger  *slog.Logger
	Store   *db.Store
	Catalog *i18n.Catalog
	Config  Config
	// Now is the clock; tests inject their own.
	Now func() time.Time
}

// Server is the portal's HTTP handler with the state its handlers share.
type Server struct {
	echo    *echo.Echo
	log     *slog.Logger
	store   *db.Store
	catalog *i18n.Catalog
	cfg     Config
	now     func() time.Time
	cache   *pageCache
	// cacheable holds the route paths whose anonymous GETs are cached.
	cacheable map[string]bool
	// modelScoped names, for the cached routes that show one model alone,
	// the path parameter holding its slug: their pages are stamped with
	// that model's stamp, not the content version.
	modelScoped map[string]string
	// memo keeps catalogue query results until the next publish.
	memo *memo
	// pages keeps logged-in people's rendered pages of shared content,
	// per session, until the next publish.
	pages *memo
	// searches keeps search results as shown (see handleSearch), apart
	// from the page memos, which a stream of different queries must not
	// push out.
	searches *memo
	// flight makes each missing public page once, however many ask.
	flight   singleflight.Group
	sessions *sessionStore
	hasher   *hasher
	limits   *limiters
	// imageSlots bounds the photos decoded at once: each may take up to
	// a few hundred MB while it is processed.
	imageSlots chan struct{}
	// fragments keeps rendered parts of proposal pages that are the same
	// for many people: a proposal's participants' timeline under the
	// proposal's own version, the board's columns under the proposals
	// version.
	fragments *memo
	// proposalPages keeps people's own proposal pages rendered and
	// compressed per session: a status page until its proposal changes,
	// the board until any proposal does; access is decided on every
	// request first.
	proposalPages *memo
	// standIn takes the place of the CSRF token in fragments rendered for
	// many people; each page replaces it with its viewer's token. It is
	// random per process, so it never occurs in content.
	standIn string
	// inbox keeps the staff inquiry inbox's rendered pages.
	inbox htmlCache
	// mailWake, when set, wakes the outbox sender after a mail is queued.
	mailWake chan<- struct{}
}

// SetMailWake gives the server the channel that wakes the outbox sender
// after a mail is queued.
func (s *Server) SetMailWake(ch chan<- struct{}) { s.mailWake = ch }

// NewServer builds the echo instance with every route and middleware.
func NewServer(d Deps) *Server {
	if d.Now == nil {
		d.Now = d.Config.now
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Config.MaxBodyBytes == 0 {
		d.Config.MaxBodyBytes = 1 << 20
	}
	if d.Config.MaxDocumentBytes == 0 {
		d.Config.MaxDocumentBytes = defaultMaxDocumentBytes
	}
	if d.Config.IdleTimeout == 0 {
		d.Config.IdleTimeout = 30 * time.Minute
	}
	if d.Config.SessionLifetime == 0 {
		d.Config.SessionLifetime = 12 * time.Hour
	}
	if len(d.Config.SessionKeys) == 0 {
		// Without configured keys sessions still work, but do not survive
		// a restart: fine for tests, never for production (run.go always
		// passes keys).
		d.Config.SessionKeys = [][]byte{[]byte(randomToken(32))}
	}
	if d.Config.HashConcurrency <= 0 {
		d.Config.HashConcurrency = runtime.NumCPU()
	}
	s := &Server{
		log:         d.Logger,
		store:       d.Store,
		catalog:     d.Catalog,
		cfg:         d.Config,
		now:         d.Now,
		cacheable:   map[string]bool{},
		modelScoped: map[string]string{},
		memo:        newMemo(d.Config.PageCacheEntries),
		pages:       newMemo(min(d.Config.PageCacheEntries, 2000)),
		searches:    newMemo(min(d.Config.PageCacheEntries, 2000)),
		hasher:      newHasher(d.Config.HashConcurrency),
		limits:      newLimiters(d.Now),
		// Two at a time: enough for a few staff members uploading.
		imageSlots: make(chan struct{}, 2),

		// Proposal pages and their parts, kept per proposals version.
		fragments:     newMemo(min(d.Config.PageCacheEntries, 2000)),
		proposalPages: newMemo(min(d.Config.PageCacheEntries, 1000)),
		standIn:       "csrf-stand-in-" + randomToken(24),
	}
	s.cache = newPageCache(d.Config.PageCacheEntries, s.stamp)
	s.sessions = newSessionStore(d.Store, d.Config.SessionKeys, d.Config.SecureCookies, d.Config.IdleTimeout, d.Config.SessionLifetime, d.Now)
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(discard{})
	if len(d.Config.TrustedProxies) > 0 {
		opts := make([]echo.TrustOption, 0, len(d.Config.TrustedProxies)+3)
		opts = append(opts, echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false))
		for _, n := range d.Config.TrustedProxies {
			opts = append(opts, echo.TrustIPRange(n))
		}
		e.IPExtractor = echo.ExtractIPFromXFFHeader(opts...)
	} else {
		// Without a trusted proxy, X-Forwarded-For is a header anyone can
		// write: take the TCP peer's address.
		e.IPExtractor = echo.ExtractIPDirect()
	}
	e.HTTPErrorHandler = s.handleError
	s.echo = e
	s.routes()
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.echo.ServeHTTP(w, r) }

// Echo exposes the router, for tests that enumerate routes.
func (s *Server) Echo() *echo.Echo { return s.echo }

// Shutdown lets background work of the server stop.
func (s *Server) Shutdown(ctx context.Context) error { return nil }

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
