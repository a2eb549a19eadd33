-- Partnership proposals and their negotiation: participants, the NDA gate,
-- the tamper-evident shared timeline, internal notes, Q&A, documents with
-- access records, in-app notifications with preferences, and feed tokens.

CREATE TABLE proposals (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('distribution','assembly','joint_venture','aftersales','financing')),
	title_ru TEXT NOT NULL,
	title_en TEXT NOT NULL,
	title_fa TEXT NOT NULL,
	summary_ru TEXT NOT NULL DEFAULT '',
	summary_en TEXT NOT NULL DEFAULT '',
	summary_fa TEXT NOT NULL DEFAULT '',
	market TEXT NOT NULL CHECK (market IN ('ru','az','om','iq')),
	region TEXT NOT NULL DEFAULT '',
	models TEXT NOT NULL DEFAULT '',
	volume_per_year INTEGER NOT NULL DEFAULT 0 CHECK (volume_per_year >= 0),
	invest_min INTEGER NOT NULL DEFAULT 0 CHECK (invest_min >= 0),
	invest_max INTEGER NOT NULL DEFAULT 0 CHECK (invest_max >= invest_min),
	currency TEXT NOT NULL DEFAULT 'RUB' CHECK (currency IN ('RUB','USD','EUR','CNY','IRR','AED')),
	key_terms TEXT NOT NULL DEFAULT '',
	-- public: teaser for everyone, summary for approved members;
	-- members: teaser and summary for approved members only;
	-- private: participants (and staff) only.
	visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public','members','private')),
	nda_text TEXT NOT NULL DEFAULT '',
	nda_version INTEGER NOT NULL DEFAULT 1,
	stage TEXT NOT NULL DEFAULT 'new' CHECK (stage IN ('new','qualification','nda_signed','term_sheet','due_diligence',
		'contract_drafting','signed','declined','withdrawn','on_hold')),
	stage_since TEXT NOT NULL,
	next_step TEXT NOT NULL DEFAULT '',
	next_due TEXT NOT NULL DEFAULT '',
	owner_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	-- version increments with every change: optimistic locking.
	version INTEGER NOT NULL DEFAULT 1,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX proposals_stage ON proposals(stage, stage_since, id);
CREATE INDEX proposals_visibility ON proposals(visibility, id);

CREATE TABLE proposal_participants (
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	company TEXT NOT NULL DEFAULT '',
	added_at TEXT NOT NULL,
	PRIMARY KEY (proposal_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX proposal_participants_user ON proposal_participants(user_id, proposal_id);

-- Who accepted which version of a proposal's NDA text, when and from where.
CREATE TABLE nda_acceptances (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	nda_version INTEGER NOT NULL,
	text_sha256 TEXT NOT NULL,
	accepted_at TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT '',
	UNIQUE (proposal_id, user_id, nda_version)
) STRICT;

-- The shared timeline: stage moves and shared notes, a hash chain per
-- proposal (hash = sha256 of the canonical JSON that includes prev_hash).
CREATE TABLE proposal_events (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('created','stage','note')),
	at TEXT NOT NULL,
	actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor_name TEXT NOT NULL DEFAULT '',
	from_stage TEXT NOT NULL DEFAULT '',
	to_stage TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL DEFAULT '',
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL,
	UNIQUE (proposal_id, seq)
) STRICT;

-- Internal notes: staff only, never in the participants' chain; a stage
-- move with an internal note has its note here, linked to the event.
CREATE TABLE proposal_internal_notes (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	event_id INTEGER REFERENCES proposal_events(id) ON DELETE SET NULL,
	at TEXT NOT NULL,
	actor_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	actor_name TEXT NOT NULL DEFAULT '',
	note TEXT NOT NULL
) STRICT;
CREATE INDEX proposal_internal_notes_proposal ON proposal_internal_notes(proposal_id, at);

CREATE TABLE proposal_questions (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	asker_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	question TEXT NOT NULL,
	asked_at TEXT NOT NULL,
	answer TEXT NOT NULL DEFAULT '',
	answered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	answered_at TEXT,
	faq INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX proposal_questions_proposal ON proposal_questions(proposal_id, asked_at);

CREATE TABLE proposal_documents (
	id INTEGER PRIMARY KEY,
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	file TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('pdf','docx','xlsx','pptx','doc','xls')),
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	uploaded_at TEXT NOT NULL
) STRICT;
CREATE INDEX proposal_documents_proposal ON proposal_documents(proposal_id);

CREATE TABLE document_access (
	id INTEGER PRIMARY KEY,
	document_id INTEGER NOT NULL REFERENCES proposal_documents(id) ON DELETE CASCADE,
	user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	action TEXT NOT NULL CHECK (action IN ('view','download')),
	at TEXT NOT NULL,
	ip TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX document_access_document ON document_access(document_id, at);

CREATE TABLE notifications (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('stage','note','answer')),
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	detail TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at TEXT,
	-- digested_at is set when a daily digest carried the entry.
	digested_at TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
CREATE INDEX notifications_digest ON notifications(digested_at, user_id);

CREATE TABLE user_prefs (
	user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	notify TEXT NOT NULL DEFAULT 'immediate' CHECK (notify IN ('immediate','digest','none'))
) STRICT;

-- Private Atom feed tokens, one per participant and proposal; only the
-- token's SHA-256 is stored.
CREATE TABLE feed_tokens (
	proposal_id INTEGER NOT NULL REFERENCES proposals(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL,
	PRIMARY KEY (proposal_id, user_id)
) STRICT, WITHOUT ROWID;
