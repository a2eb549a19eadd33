package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web"
)

// run is the whole program: it parses the settings, opens and migrates the
// database, builds the server and serves until ctx ends, then shuts down
// gracefully.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 1 {
		switch args[1] {
		case "user":
			return runUser(ctx, args[2:], getenv, stdin, stdout, stderr)
		case "keys":
			if len(args) < 3 || args[2] != "rotate" {
				return errors.New("usage: portal keys rotate")
			}
			cfg, err := parseConfig(nil, getenv, stderr)
			if err != nil {
				return err
			}
			return rotateKeys(cfg.KeyFile, stdout)
		}
	}
	cfg, err := parseConfig(args[1:], getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	logger := newLogger(cfg, stderr)
	srv, store, closeDB, err := setup(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeDB()
	gcCtx, stopGC := context.WithCancel(ctx)
	gcDone := make(chan struct{})
	go func() { tuneGC(gcCtx, getenv, time.Second); close(gcDone) }()
	defer func() { stopGC(); <-gcDone }()
	go purgeSessions(ctx, store, cfg.IdleTimeout, logger)
	go runSchedules(ctx, store, scheduleEvery, time.Now, logger)
	mailer := web.NewMailer(store, web.MailerConfig{
		Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUser, Password: cfg.SMTPPassword,
		StartTLS: cfg.SMTPStartTLS, From: cfg.MailFrom, FromName: cfg.MailFromName,
	}, logger, nil)
	srv.SetMailWake(mailer.Wake())
	go sendDigests(ctx, srv, digestEvery, time.Now, logger)
	go notifyExpiredOffers(ctx, srv, expiryEvery, logger)
	mailerDone := make(chan struct{})
	go func() { mailer.Run(ctx); close(mailerDone) }()
	if cfg.SMTPHost == "" {
		logger.Info("no SMTP server set: mail stays in the outbox, shown to admins at /{lang}/admin/mail")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	logger.Info("listening", "addr", "http://"+ln.Addr().String(), "db", cfg.DBPath, "demo", cfg.Demo)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownWait)
	defer cancel()
	err = errors.Join(hs.Shutdown(sctx), srv.Shutdown(sctx))
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	select {
	case <-mailerDone:
	case <-sctx.Done():
	}
	logger.Info("stopped")
	return nil
}

// setup opens and migrates the database, loads the demo data when asked
// and builds the HTTP server.
func setup(ctx context.Context, cfg config, logger *slog.Logger) (*web.Server, *db.Store, func(), error) {
	start := time.Now()
	d, err := db.Open(ctx, cfg.DBPath)
	if err != nil {
		return nil, nil, nil, err
	}
	n, err := db.Migrate(ctx, d)
	if err != nil {
		d.Close()
		return nil, nil, nil, err
	}
	store, err := db.NewStore(ctx, d)
	if err != nil {
		d.Close()
		return nil, nil, nil, err
	}
	var demo []web.DemoAccount
	if cfg.Demo {
		loaded, err := store.LoadDemo(ctx)
		if err != nil {
			d.Close()
			return nil, nil, nil, err
		}
		if loaded {
			logger.Info("demo data loaded")
		}
		if err := loadDemoOffers(ctx, store, logger); err != nil {
			d.Close()
			return nil, nil, nil, err
		}
		if err := loadDemoShipments(ctx, store, logger); err != nil {
			d.Close()
			return nil, nil, nil, err
		}
		if demo, err = ensureDemoAccounts(ctx, store); err != nil {
			d.Close()
			return nil, nil, nil, err
		}
	}
	keys, err := loadSessionKeys(cfg.SessionKeys, cfg.KeyFile)
	if err != nil {
		d.Close()
		return nil, nil, nil, err
	}
	catalog, err := i18n.Load()
	if err != nil {
		d.Close()
		return nil, nil, nil, err
	}
	srv := web.NewServer(web.Deps{
		Logger:  logger,
		Store:   store,
		Catalog: catalog,
		Config: web.Config{
			BaseURL:          cfg.BaseURL,
			DemoMode:         cfg.Demo,
			SecureCookies:    cfg.SecureCookies,
			TrustedProxies:   cfg.TrustedProxies,
			MaxBodyBytes:     cfg.MaxBodyBytes,
			PageCacheEntries: cfg.PageCache,
			SessionKeys:      keys,
			IdleTimeout:      cfg.IdleTimeout,
			SessionLifetime:  cfg.SessionLifetime,
			DemoAccounts:     demo,
			MediaDir:         mediaDir(cfg.DBPath),
			DocumentsDir:     filepath.Join(filepath.Dir(cfg.DBPath), "documents"),
		},
	})
	logger.Info("ready", "migrations_applied", n, "startup", time.Since(start).Round(time.Millisecond))
	return srv, store, func() { d.Close() }, nil
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// purgeSessions deletes expired and idle sessions every few minutes until
// ctx ends.
func purgeSessions(ctx context.Context, store *db.Store, idle time.Duration, logger *slog.Logger) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := store.PurgeSessions(ctx, time.Now(), idle)
			if err != nil && ctx.Err() == nil {
				logger.Warn("purge sessions", "err", err)
			} else if n > 0 {
				logger.Info("purged sessions", "count", n)
			}
		}
	}
}

// scheduleEvery is how often due scheduled publishing runs.
const scheduleEvery = 15 * time.Second

// mediaDir is the folder of uploaded media: media/ beside the database,
// in the data folder and outside the web root.
func mediaDir(dbPath string) string { return filepath.Join(filepath.Dir(dbPath), "media") }

// runSchedules carries out scheduled publishing every interval until ctx
// ends, and once at start, so what fell due while the portal was down is
// published right after a restart.
func runSchedules(ctx context.Context, store *db.Store, every time.Duration, now func() time.Time, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := store.RunDueSchedules(ctx, now())
		if err != nil && ctx.Err() == nil {
			logger.Warn("scheduled publishing", "err", err)
		} else if n > 0 {
			logger.Info("scheduled publishing", "done", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// digestEvery is how often the digest job looks for people whose digest
// hour has come (each chooses an hour in their own time zone, some of
// which are half an hour off UTC).
const digestEvery = time.Minute

// sendDigests queues the daily notification digests of the people whose
// hour has come, every interval until ctx ends, and once at start, so a
// digest that fell due while the portal was down goes out right after a
// restart (and one already sent is not sent again).
func sendDigests(ctx context.Context, srv *web.Server, every time.Duration, now func() time.Time, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := srv.SendDigests(ctx, now())
		if err != nil && ctx.Err() == nil {
			logger.Warn("send digests", "err", err)
		} else if n > 0 {
			logger.Info("digests queued", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// expiryEvery is how often followers of offers that expired are told.
const expiryEvery = 5 * time.Minute

// notifyExpiredOffers tells followers of expired offers, once at start and
// then every interval until ctx ends.
func notifyExpiredOffers(ctx context.Context, srv *web.Server, every time.Duration, logger *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := srv.NotifyExpiredOffers(ctx)
		if err != nil && ctx.Err() == nil {
			logger.Warn("offer expiry notices", "err", err)
		} else if n > 0 {
			logger.Info("offer expiry notices", "offers", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
