-- Accounts, sessions, one-time tokens, the audit log and the mail outbox.

CREATE TABLE users (
	id INTEGER PRIMARY KEY,
	-- email is stored folded (lower case, trimmed) by the store.
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	full_name TEXT NOT NULL,
	company TEXT NOT NULL DEFAULT '',
	position TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL CHECK (role IN ('investor','partner','staff','admin')),
	-- unconfirmed: email not confirmed yet; pending: waits for approval;
	-- active: may log in; rejected: refused by staff; disabled: switched off.
	status TEXT NOT NULL CHECK (status IN ('unconfirmed','pending','active','rejected','disabled')),
	lang TEXT NOT NULL DEFAULT 'ru' CHECK (lang IN ('ru','en','fa')),
	reject_reason TEXT NOT NULL DEFAULT '',
	email_confirmed_at TEXT,
	decided_at TEXT,
	decided_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	first_failed_at TEXT,
	locked_until TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX users_status ON users(status, created_at);
CREATE INDEX users_role ON users(role);

-- Sessions: the cookie carries a random id; only its SHA-256 is stored, so
-- a copy of the database does not hand out live cookies.
CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	csrf TEXT NOT NULL,
	data BLOB NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	last_seen_at TEXT NOT NULL,
	expires_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

-- One-time tokens for email confirmation and password reset; only the
-- token's SHA-256 is stored.
CREATE TABLE tokens (
	hash TEXT PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	purpose TEXT NOT NULL CHECK (purpose IN ('confirm','reset')),
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_at TEXT
) STRICT, WITHOUT ROWID;
CREATE INDEX tokens_user ON tokens(user_id, purpose);

CREATE TABLE audit_log (
	id INTEGER PRIMARY KEY,
	at TEXT NOT NULL,
	actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor_email TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	target_type TEXT NOT NULL DEFAULT '',
	target_id INTEGER,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_at ON audit_log(at);
CREATE INDEX audit_action ON audit_log(action, at);
CREATE INDEX audit_actor ON audit_log(actor_id, at);

-- Mail is written here in the same transaction as the change that causes
-- it, and sent by a background sender.
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	message_id TEXT NOT NULL UNIQUE,
	to_addr TEXT NOT NULL,
	to_name TEXT NOT NULL DEFAULT '',
	lang TEXT NOT NULL,
	subject TEXT NOT NULL,
	text_body TEXT NOT NULL,
	html_body TEXT NOT NULL,
	created_at TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	next_attempt_at TEXT NOT NULL,
	sent_at TEXT,
	last_error TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
