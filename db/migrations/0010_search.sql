-- Search across the portal: one FTS5 index holding, per object and access
-- level, the normalised and stemmed terms of its texts (made in Go, see
-- db/searchtext), and search_docs holding the texts as shown, for result
-- titles and snippets.
--
-- A document's id (the FTS rowid) is kind << 40 | object id << 2 | level:
-- kinds 1 model, 2 trim, 3 news item, 4 proposal, 5 offer, 6 inquiry, in
-- the order of who may see them, so a viewer's kinds are one rowid range.
-- A proposal has a document per level (0 teaser: titles; 1 summary: and
-- summaries; 2 details: and region, models, key terms, next step); a
-- query picks, for each proposal, the one level the viewer may open.
--
-- Columns: titles and bodies per language, t for titles in no language
-- (inquiry references and companies, names transliterated), x for other
-- text in no language. The index is contentless (the texts are in
-- search_docs) with deletes allowed.
CREATE VIRTUAL TABLE search_fts USING fts5(t_ru, t_en, t_fa, b_ru, b_en, b_fa, t, x,
	content='', contentless_delete=1, tokenize='ascii');

CREATE TABLE search_docs (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('model','trim','news','proposal','offer','inquiry')),
	ref_id INTEGER NOT NULL,
	level INTEGER NOT NULL DEFAULT 0 CHECK (level BETWEEN 0 AND 2),
	-- path is the object's page under /{lang}; sub a detail the page shows
	-- (a news item's kind).
	path TEXT NOT NULL,
	sub TEXT NOT NULL DEFAULT '',
	title_ru TEXT NOT NULL DEFAULT '',
	title_en TEXT NOT NULL DEFAULT '',
	title_fa TEXT NOT NULL DEFAULT '',
	body_ru TEXT NOT NULL DEFAULT '',
	body_en TEXT NOT NULL DEFAULT '',
	body_fa TEXT NOT NULL DEFAULT '',
	extra TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX search_docs_ref ON search_docs(kind, ref_id);

-- rebuild is set when the index must be made again from the content (on
-- the first start after this migration); the store does it when it opens.
CREATE TABLE search_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	rebuild INTEGER NOT NULL
) STRICT;
INSERT INTO search_state (id, rebuild) VALUES (1, 1);
