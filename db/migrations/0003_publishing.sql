-- Publishing: drafts as revisions (a JSON snapshot of a model per save),
-- scheduled publishing, old slugs that redirect, the "what's new" items
-- and the media library of uploaded files. The live tables of 0001 hold
-- only the published version of each model.

-- draft_rev is the model's newest revision, published_rev the one the live
-- tables show (0: the live rows predate the revisions).
ALTER TABLE models ADD COLUMN draft_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE models ADD COLUMN published_rev INTEGER NOT NULL DEFAULT 0;

CREATE TABLE catalogue_revisions (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	rev INTEGER NOT NULL CHECK (rev > 0),
	snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
	-- imported: the live version before its first edit; created, saved,
	-- restored: a staff member's save.
	action TEXT NOT NULL CHECK (action IN ('imported','created','saved','restored')),
	note TEXT NOT NULL DEFAULT '',
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	author_email TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	UNIQUE (model_id, rev)
) STRICT;

CREATE TABLE catalogue_schedules (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	action TEXT NOT NULL CHECK (action IN ('publish','unpublish')),
	due_at TEXT NOT NULL,
	created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	done_at TEXT,
	canceled_at TEXT
) STRICT;
CREATE INDEX catalogue_schedules_due ON catalogue_schedules(due_at) WHERE done_at IS NULL AND canceled_at IS NULL;

-- A model's former slugs: their pages redirect (301) to the current one.
CREATE TABLE slug_redirects (
	old_slug TEXT PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- What's new: written when a model is published. trim_slug names the
-- trim of a new_trim item; texts are rendered per language when shown.
CREATE TABLE news_items (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('new_model','new_trim','specs_updated','new_brochure')),
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	trim_slug TEXT NOT NULL DEFAULT '',
	at TEXT NOT NULL
) STRICT;
CREATE INDEX news_items_at ON news_items(at DESC, id DESC);

-- Uploaded files: photos (re-encoded JPEG in a few widths, named
-- <name>-<width>.jpg) and PDF brochures (<name>.pdf), under the data
-- folder's media/ with generated names.
CREATE TABLE media_files (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE CHECK (name GLOB '[0-9a-f]*' AND length(name) = 32),
	kind TEXT NOT NULL CHECK (kind IN ('photo','brochure')),
	file TEXT NOT NULL,
	mime TEXT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL,
	widths TEXT NOT NULL DEFAULT '',
	original_name TEXT NOT NULL DEFAULT '',
	uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	deleted_at TEXT
) STRICT;
