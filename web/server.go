// Package web is the portal's HTTP side: the echo server, its routes,
// middleware and handlers.
package web

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

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
}

// NewServer builds the echo instance with every route and middleware.
func NewServer(d Deps) *Server {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Config.MaxBodyBytes == 0 {
		d.Config.MaxBodyBytes = 1 << 20
	}
	s := &Server{
		log:     d.Logger,
		store:   d.Store,
		catalog: d.Catalog,
		cfg:     d.Config,
		now:     d.Now,
		cache:   newPageCache(d.Config.PageCacheEntries, d.Store.ContentVersion),
	}
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
