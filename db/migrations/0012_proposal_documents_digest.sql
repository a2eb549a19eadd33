-- Proposal documents get versions and a soft delete; people choose the
-- hour (and time zone) of their daily digest.

-- A document is a series of versions, each a row of its own (its file, its
-- view and download records): series_id is the first version's id,
-- version counts from 1, and superseded_at is set when a newer version
-- replaced the row. deleted_at hides a document from participants; its
-- rows, files and access records stay for staff and the audit.
ALTER TABLE proposal_documents ADD COLUMN series_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE proposal_documents ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
ALTER TABLE proposal_documents ADD COLUMN superseded_at TEXT;
ALTER TABLE proposal_documents ADD COLUMN deleted_at TEXT;
ALTER TABLE proposal_documents ADD COLUMN deleted_by INTEGER REFERENCES users(id) ON DELETE SET NULL;
UPDATE proposal_documents SET series_id = id;
CREATE UNIQUE INDEX proposal_documents_series ON proposal_documents(series_id, version);

-- The daily digest goes out at digest_hour:00 in time_zone (an IANA name;
-- '' means the zone of the person's language: Moscow, or Tehran for
-- Persian). 9:00 is the hour the digest went out before (06:00 UTC).
ALTER TABLE user_prefs ADD COLUMN digest_hour INTEGER NOT NULL DEFAULT 9 CHECK (digest_hour BETWEEN 0 AND 23);
ALTER TABLE user_prefs ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';
