-- Joint-venture inquiries from partners: drafts saved step by step, a
-- reference number per year given at submission, a message thread with
-- staff, PDF attachments, and the link to the proposal an accepted
-- inquiry became (proposal_id here; the proposal finds its inquiry
-- through the index on it).

CREATE TABLE inquiry_counters (
	year INTEGER PRIMARY KEY,
	last INTEGER NOT NULL
) STRICT;

CREATE TABLE inquiries (
	id INTEGER PRIMARY KEY,
	user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
	-- anon_key holds a visitor's draft, typed before registering, until it
	-- is attached to their account.
	anon_key TEXT UNIQUE,
	-- ref (JV-YYYY-NNNNNN) is NULL until the draft is submitted: a draft
	-- submits once.
	ref TEXT UNIQUE,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','new','in_review','needs_info','accepted','declined')),
	step INTEGER NOT NULL DEFAULT 1,
	company TEXT NOT NULL DEFAULT '',
	country TEXT NOT NULL DEFAULT 'RU',
	inn TEXT NOT NULL DEFAULT '',
	ogrn TEXT NOT NULL DEFAULT '',
	kpp TEXT NOT NULL DEFAULT '',
	website TEXT NOT NULL DEFAULT '',
	region TEXT NOT NULL DEFAULT '',
	contact_name TEXT NOT NULL DEFAULT '',
	contact_position TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL DEFAULT 'joint_venture',
	models TEXT NOT NULL DEFAULT '',
	volume_per_year INTEGER NOT NULL DEFAULT 0 CHECK (volume_per_year >= 0),
	investment INTEGER NOT NULL DEFAULT 0 CHECK (investment >= 0),
	currency TEXT NOT NULL DEFAULT 'RUB',
	timeline TEXT NOT NULL DEFAULT '',
	network_points INTEGER NOT NULL DEFAULT 0 CHECK (network_points >= 0),
	network_cities TEXT NOT NULL DEFAULT '',
	message TEXT NOT NULL DEFAULT '',
	assignee_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	proposal_id INTEGER REFERENCES proposals(id) ON DELETE SET NULL,
	decline_reason TEXT NOT NULL DEFAULT '',
	-- search is the folded text staff search in (company, INN, reference,
	-- contact, email).
	search TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	submitted_at TEXT
) STRICT;
CREATE INDEX inquiries_user ON inquiries(user_id, id);
CREATE INDEX inquiries_status ON inquiries(status, submitted_at, id);
CREATE INDEX inquiries_status_assignee ON inquiries(status, assignee_id, submitted_at, id);
CREATE INDEX inquiries_submitted ON inquiries(submitted_at, id) WHERE submitted_at IS NOT NULL;
CREATE INDEX inquiries_inn ON inquiries(inn) WHERE inn <> '';
CREATE INDEX inquiries_proposal ON inquiries(proposal_id) WHERE proposal_id IS NOT NULL;

CREATE TABLE inquiry_messages (
	id INTEGER PRIMARY KEY,
	inquiry_id INTEGER NOT NULL REFERENCES inquiries(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('submitted','message','info_request','resubmitted','accepted','declined')),
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	author_name TEXT NOT NULL DEFAULT '',
	staff INTEGER NOT NULL DEFAULT 0,
	body TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL
) STRICT;
CREATE INDEX inquiry_messages_inquiry ON inquiry_messages(inquiry_id, id);

CREATE TABLE inquiry_attachments (
	id INTEGER PRIMARY KEY,
	inquiry_id INTEGER NOT NULL REFERENCES inquiries(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	file TEXT NOT NULL,
	size INTEGER NOT NULL,
	sha256 TEXT NOT NULL,
	added_at TEXT NOT NULL
) STRICT;
CREATE INDEX inquiry_attachments_inquiry ON inquiry_attachments(inquiry_id, id);
