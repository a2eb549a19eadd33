package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// config is the portal's settings: flags, each overridable by an
// environment variable (the variable wins, so a deployment's environment
// is the one truth).
type config struct {
	Addr            string
	DBPath          string
	Demo            bool
	BaseURL         string
	SecureCookies   bool
	TrustedProxies  []*net.IPNet
	LogLevel        string
	LogFormat       string
	ShutdownWait    time.Duration
	PageCache       int
	MaxBodyBytes    int64
	SessionKeys     string
	KeyFile         string
	IdleTimeout     time.Duration
	SessionLifetime time.Duration
	SMTPHost        string
	SMTPPort        int
	SMTPUser        string
	SMTPPassword    string
	SMTPStartTLS    bool
	MailFrom        string
	MailFromName    string
}

// setting describes one setting for --help and the environment.
type setting struct {
	flag, env, def, help string
}

var settings = []setting{
	{"addr", "PORTAL_ADDR", "localhost:8080", "address to listen on (host:port)"},
	{"db", "PORTAL_DB", "./data/portal.db", "SQLite database file; its folder is created when missing"},
	{"demo", "PORTAL_DEMO", "0", "1 loads the demonstration catalogue into an empty database and marks the site as a demo"},
	{"base-url", "PORTAL_BASE_URL", "", "public origin used in canonical links and mails (default http://ADDR)"},
	{"secure-cookies", "PORTAL_SECURE_COOKIES", "0", "1 in production behind TLS: Secure and __Host- cookies, HSTS"},
	{"trusted-proxies", "PORTAL_TRUSTED_PROXIES", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed; empty trusts none"},
	{"log-level", "PORTAL_LOG_LEVEL", "info", "debug, info, warn or error"},
	{"log-format", "PORTAL_LOG_FORMAT", "text", "text or json"},
	{"shutdown-wait", "PORTAL_SHUTDOWN_WAIT", "10s", "how long a graceful shutdown waits for requests in flight"},
	{"page-cache", "PORTAL_PAGE_CACHE", "5000", "public pages kept in memory; 0 disables the page cache"},
	{"max-body", "PORTAL_MAX_BODY", "1048576", "largest request body in bytes (larger ones get 413)"},
	{"session-keys", "PORTAL_SESSION_KEYS", "", "comma-separated base64 keys (32+ bytes) signing session cookies, newest first; empty uses the key file"},
	{"key-file", "PORTAL_KEY_FILE", "", "session key file, created with mode 0600 when missing (default: session.keys beside the database)"},
	{"idle-timeout", "PORTAL_IDLE_TIMEOUT", "30m", "a session unused this long ends"},
	{"session-lifetime", "PORTAL_SESSION_LIFETIME", "12h", "a session ends this long after login, used or not"},
	{"smtp-host", "PORTAL_SMTP_HOST", "", "SMTP server for outgoing mail; empty keeps mail in the outbox, readable by admins at /{lang}/admin/mail"},
	{"smtp-port", "PORTAL_SMTP_PORT", "587", "SMTP port"},
	{"smtp-user", "PORTAL_SMTP_USER", "", "SMTP login (AUTH PLAIN, only over TLS or to loopback)"},
	{"smtp-password", "PORTAL_SMTP_PASSWORD", "", "SMTP password"},
	{"smtp-starttls", "PORTAL_SMTP_STARTTLS", "1", "1 requires STARTTLS; 0 still uses it when the server offers it"},
	{"mail-from", "PORTAL_MAIL_FROM", "portal@localhost", "sender address of the portal's mail"},
	{"mail-from-name", "PORTAL_MAIL_FROM_NAME", "Iran Khodro Export", "sender name of the portal's mail"},
}

// parseConfig reads flags from args, then the environment over them.
func parseConfig(args []string, getenv func(string) string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("portal", flag.ContinueOnError)
	fs.SetOutput(stderr)
	vals := map[string]*string{}
	for _, s := range settings {
		vals[s.flag] = fs.String(s.flag, s.def, s.help+" (env "+s.env+")")
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: portal [flags]\n       portal user create --email EMAIL --role ROLE [--name NAME] (password from the terminal or stdin)\n       portal keys rotate\n\n")
		fmt.Fprintf(stderr, "Runs the export partner portal. Every flag can also be set by its environment variable,\nwhich takes precedence over the flag.\n\nSettings:\n")
		for _, s := range settings {
			fmt.Fprintf(stderr, "  -%-16s %-24s %s (default %q)\n", s.flag, s.env, s.help, s.def)
		}
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	get := func(name string) string {
		for _, s := range settings {
			if s.flag == name {
				if v := getenv(s.env); v != "" {
					return v
				}
			}
		}
		return *vals[name]
	}
	var c config
	var errs []error
	c.Addr = get("addr")
	c.DBPath = get("db")
	c.Demo = truthy(get("demo"))
	c.SecureCookies = truthy(get("secure-cookies"))
	c.BaseURL = strings.TrimSuffix(get("base-url"), "/")
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Addr
	}
	if v := get("trusted-proxies"); v != "" {
		for _, part := range strings.Split(v, ",") {
			_, n, err := net.ParseCIDR(strings.TrimSpace(part))
			if err != nil {
				errs = append(errs, fmt.Errorf("trusted-proxies: %w", err))
				continue
			}
			c.TrustedProxies = append(c.TrustedProxies, n)
		}
	}
	c.LogLevel = get("log-level")
	c.LogFormat = get("log-format")
	d, err := time.ParseDuration(get("shutdown-wait"))
	if err != nil {
		errs = append(errs, fmt.Errorf("shutdown-wait: %w", err))
	}
	c.ShutdownWait = d
	if c.PageCache, err = strconv.Atoi(get("page-cache")); err != nil || c.PageCache < 0 {
		errs = append(errs, fmt.Errorf("page-cache: not a count: %q", get("page-cache")))
	}
	c.SessionKeys = get("session-keys")
	c.KeyFile = get("key-file")
	if c.KeyFile == "" {
		c.KeyFile = filepath.Join(filepath.Dir(c.DBPath), "session.keys")
	}
	if c.IdleTimeout, err = time.ParseDuration(get("idle-timeout")); err != nil || c.IdleTimeout <= 0 {
		errs = append(errs, fmt.Errorf("idle-timeout: not a duration: %q", get("idle-timeout")))
	}
	if c.SessionLifetime, err = time.ParseDuration(get("session-lifetime")); err != nil || c.SessionLifetime <= 0 {
		errs = append(errs, fmt.Errorf("session-lifetime: not a duration: %q", get("session-lifetime")))
	}
	c.SMTPHost = get("smtp-host")
	if c.SMTPPort, err = strconv.Atoi(get("smtp-port")); err != nil || c.SMTPPort <= 0 || c.SMTPPort > 65535 {
		errs = append(errs, fmt.Errorf("smtp-port: not a port: %q", get("smtp-port")))
	}
	c.SMTPUser = get("smtp-user")
	c.SMTPPassword = get("smtp-password")
	c.SMTPStartTLS = truthy(get("smtp-starttls"))
	c.MailFrom = get("mail-from")
	c.MailFromName = get("mail-from-name")
	if c.MaxBodyBytes, err = strconv.ParseInt(get("max-body"), 10, 64); err != nil || c.MaxBodyBytes <= 0 {
		errs = append(errs, fmt.Errorf("max-body: not a size: %q", get("max-body")))
	}
	return c, errors.Join(errs...)
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
