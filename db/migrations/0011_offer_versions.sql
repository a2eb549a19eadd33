-- Offers: a published offer is copied into a new draft, which replaces it
-- when published; followers are told when an offer they follow changes.
--
-- copied_from: the offer a draft was copied from. replaces: publishing
-- this offer archives copied_from and moves its followers here.
-- replaced_by: set on an offer when a newer version replaced it.
-- expiry_told_at: when followers were told the offer expired (once).
ALTER TABLE offers ADD COLUMN copied_from INTEGER REFERENCES offers(id) ON DELETE SET NULL;
ALTER TABLE offers ADD COLUMN replaces INTEGER NOT NULL DEFAULT 0 CHECK (replaces IN (0, 1));
ALTER TABLE offers ADD COLUMN replaced_by INTEGER REFERENCES offers(id) ON DELETE SET NULL;
ALTER TABLE offers ADD COLUMN expiry_told_at TEXT;
-- Offers that expired before followers were told of expiry are old news.
UPDATE offers SET expiry_told_at = updated_at WHERE status = 'published' AND valid_until < date('now');
CREATE INDEX offers_expiry ON offers(valid_until) WHERE status = 'published' AND expiry_told_at IS NULL;
CREATE INDEX offer_follows_offer ON offer_follows(offer_id);

-- Notifications are about a proposal or an offer. SQLite cannot change a
-- column's constraints, so the table is made again with its rows.
CREATE TABLE notifications_v2 (
	id INTEGER PRIMARY KEY,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	-- offer_version: a newer version replaced the offer (detail: what
	-- changed, comma-separated: price_up, price_down, extended);
	-- offer_expired: its validity ended; offer_withdrawn: staff archived it.
	kind TEXT NOT NULL CHECK (kind IN ('stage','note','answer','offer_version','offer_expired','offer_withdrawn')),
	proposal_id INTEGER REFERENCES proposals(id) ON DELETE CASCADE,
	offer_id INTEGER REFERENCES offers(id) ON DELETE CASCADE,
	detail TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	read_at TEXT,
	-- digested_at is set when a daily digest carried the entry.
	digested_at TEXT,
	CHECK ((proposal_id IS NULL) <> (offer_id IS NULL))
) STRICT;
INSERT INTO notifications_v2(id, user_id, kind, proposal_id, detail, created_at, read_at, digested_at)
	SELECT id, user_id, kind, proposal_id, detail, created_at, read_at, digested_at FROM notifications;
DROP TABLE notifications;
ALTER TABLE notifications_v2 RENAME TO notifications;
CREATE INDEX notifications_user ON notifications(user_id, read_at, id);
CREATE INDEX notifications_digest ON notifications(digested_at, user_id);
