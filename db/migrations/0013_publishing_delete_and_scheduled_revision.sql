-- Publishing: specification groups and items can be deleted (and
-- restored), and a scheduled publish names the revision it publishes.

-- A deletion of a specification group (with the items it had) or of one
-- item. Deleted groups and items keep their rows, names and codes, so a
-- deletion can be undone; a catalogue entry whose draft held values of a
-- deleted item got a new revision without them (spec_deletion_models).
CREATE TABLE spec_deletions (
	id INTEGER PRIMARY KEY,
	-- what was deleted: 'group' (with its items) or 'item'
	kind TEXT NOT NULL CHECK (kind IN ('group','item')),
	target_id INTEGER NOT NULL,
	-- the codes of the items it took away, space-separated
	codes TEXT NOT NULL DEFAULT '',
	deleted_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	deleted_by_email TEXT NOT NULL DEFAULT '',
	deleted_at TEXT NOT NULL,
	restored_at TEXT
) STRICT;

-- The revisions a deletion made: the entry's revision from_rev held the
-- values, revision rev is the same without them.
CREATE TABLE spec_deletion_models (
	deletion_id INTEGER NOT NULL REFERENCES spec_deletions(id) ON DELETE CASCADE,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	from_rev INTEGER NOT NULL,
	rev INTEGER NOT NULL,
	PRIMARY KEY (deletion_id, model_id)
) STRICT, WITHOUT ROWID;

-- deletion_id is set while the group or item is deleted; version moves on
-- with every change, for optimistic locking of the staff forms.
ALTER TABLE spec_groups ADD COLUMN deletion_id INTEGER REFERENCES spec_deletions(id);
ALTER TABLE spec_groups ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE spec_items ADD COLUMN deletion_id INTEGER REFERENCES spec_deletions(id);
ALTER TABLE spec_items ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- Revisions made by deleting or restoring a specification item are of
-- their own kinds; SQLite cannot change a CHECK, so the table is made
-- again with the same rows.
CREATE TABLE catalogue_revisions_new (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	rev INTEGER NOT NULL CHECK (rev > 0),
	snapshot TEXT NOT NULL CHECK (json_valid(snapshot)),
	-- imported: the live version before its first edit; created, saved,
	-- restored: a staff member's save; spec_deleted, spec_restored: values
	-- of a specification item taken out or put back when staff deleted or
	-- restored the item.
	action TEXT NOT NULL CHECK (action IN ('imported','created','saved','restored','spec_deleted','spec_restored')),
	note TEXT NOT NULL DEFAULT '',
	author_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
	author_email TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	UNIQUE (model_id, rev)
) STRICT;
INSERT INTO catalogue_revisions_new (id, model_id, rev, snapshot, action, note, author_id, author_email, created_at)
	SELECT id, model_id, rev, snapshot, action, note, author_id, author_email, created_at FROM catalogue_revisions;
DROP TABLE catalogue_revisions;
ALTER TABLE catalogue_revisions_new RENAME TO catalogue_revisions;

-- The revision a scheduled publish publishes: the one staff saw when they
-- scheduled it (0: the live version of an entry never edited). Pending
-- publishes from before take the newest revision saved by then.
ALTER TABLE catalogue_schedules ADD COLUMN rev INTEGER;
UPDATE catalogue_schedules SET rev = COALESCE((SELECT max(r.rev) FROM catalogue_revisions r
		WHERE r.model_id = catalogue_schedules.model_id AND r.created_at <= catalogue_schedules.created_at), 0)
	WHERE action = 'publish' AND done_at IS NULL AND canceled_at IS NULL;
