-- The public vehicle catalogue: models, trims, grouped specifications with
-- units, equipment and media. Every translatable text lives in a *_texts
-- table with one row per language (ru, en, fa).

CREATE TABLE content_version (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	version INTEGER NOT NULL
) STRICT;
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE TABLE models (
	id INTEGER PRIMARY KEY,
	slug TEXT NOT NULL UNIQUE CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 1 AND 80),
	body_type TEXT NOT NULL CHECK (body_type IN ('sedan','hatchback','crossover','suv','pickup','van','wagon')),
	seats INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 12),
	model_year INTEGER NOT NULL,
	sort_order INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
	published_at TEXT,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) STRICT;
CREATE INDEX models_status_sort ON models(status, sort_order, id);

CREATE TABLE model_texts (
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	name TEXT NOT NULL,
	tagline TEXT NOT NULL DEFAULT '',
	description TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (model_id, lang)
) STRICT, WITHOUT ROWID;

CREATE TABLE trims (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	slug TEXT NOT NULL CHECK (slug GLOB '[a-z0-9]*' AND length(slug) BETWEEN 1 AND 80),
	fuel TEXT NOT NULL CHECK (fuel IN ('petrol','diesel','cng','bifuel','hybrid','electric')),
	transmission TEXT NOT NULL CHECK (transmission IN ('manual','automatic','cvt','dct')),
	drive TEXT NOT NULL DEFAULT 'fwd' CHECK (drive IN ('fwd','rwd','awd')),
	engine_cc INTEGER NOT NULL CHECK (engine_cc >= 0),
	power_hp INTEGER NOT NULL CHECK (power_hp > 0),
	-- Indicative list price in minor units of currency (kopecks for RUB).
	price_minor INTEGER NOT NULL CHECK (price_minor > 0),
	currency TEXT NOT NULL DEFAULT 'RUB' CHECK (length(currency) = 3),
	sort_order INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
	UNIQUE (model_id, slug)
) STRICT;
CREATE INDEX trims_model ON trims(model_id, status, sort_order);
CREATE INDEX trims_filter ON trims(status, fuel, transmission);

CREATE TABLE trim_texts (
	trim_id INTEGER NOT NULL REFERENCES trims(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	name TEXT NOT NULL,
	PRIMARY KEY (trim_id, lang)
) STRICT, WITHOUT ROWID;

-- Specification groups (engine and performance, dimensions and weights,
-- equipment, safety …) and their items. An item has a kind: a number with
-- a unit code (translated through the message catalogs: unit.mm), a yes/no
-- equipment flag, or a text translated per language.
CREATE TABLE spec_groups (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	sort_order INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TABLE spec_group_texts (
	group_id INTEGER NOT NULL REFERENCES spec_groups(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	name TEXT NOT NULL,
	PRIMARY KEY (group_id, lang)
) STRICT, WITHOUT ROWID;

CREATE TABLE spec_items (
	id INTEGER PRIMARY KEY,
	group_id INTEGER NOT NULL REFERENCES spec_groups(id) ON DELETE CASCADE,
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('number','bool','text')),
	unit TEXT NOT NULL DEFAULT '',
	decimals INTEGER NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 3),
	sort_order INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX spec_items_group ON spec_items(group_id, sort_order);

CREATE TABLE spec_item_texts (
	item_id INTEGER NOT NULL REFERENCES spec_items(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	name TEXT NOT NULL,
	PRIMARY KEY (item_id, lang)
) STRICT, WITHOUT ROWID;

-- A trim's value of a specification item: num for numbers, flag for
-- equipment (1 fitted, 0 not fitted), texts in trim_spec_texts.
CREATE TABLE trim_specs (
	trim_id INTEGER NOT NULL REFERENCES trims(id) ON DELETE CASCADE,
	item_id INTEGER NOT NULL REFERENCES spec_items(id) ON DELETE CASCADE,
	num REAL,
	flag INTEGER CHECK (flag IN (0, 1)),
	PRIMARY KEY (trim_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE trim_spec_texts (
	trim_id INTEGER NOT NULL,
	item_id INTEGER NOT NULL,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	value TEXT NOT NULL,
	PRIMARY KEY (trim_id, item_id, lang),
	FOREIGN KEY (trim_id, item_id) REFERENCES trim_specs(trim_id, item_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- Photos and brochures of a model. source 'static' files ship embedded in
-- the binary (the demo drawings); 'upload' files live under the data folder.
CREATE TABLE media (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	kind TEXT NOT NULL CHECK (kind IN ('photo','brochure')),
	source TEXT NOT NULL CHECK (source IN ('static','upload')),
	file TEXT NOT NULL,
	mime TEXT NOT NULL,
	width INTEGER NOT NULL DEFAULT 0,
	height INTEGER NOT NULL DEFAULT 0,
	bytes INTEGER NOT NULL DEFAULT 0,
	-- lang is NULL for a file that serves every language (a photo); a
	-- brochure may exist per language.
	lang TEXT CHECK (lang IN ('ru','en','fa')),
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) STRICT;
CREATE INDEX media_model ON media(model_id, kind, sort_order);

CREATE TABLE media_texts (
	media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	alt TEXT NOT NULL,
	PRIMARY KEY (media_id, lang)
) STRICT, WITHOUT ROWID;
