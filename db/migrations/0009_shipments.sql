-- Export shipments: units of a catalogue model shipped to a market in a
-- month, for the export dashboard against the 100,000-a-year goal. One
-- record per month, market and model: entering the same three again
-- replaces the figure (CSV import) or is refused (the single-record form).

CREATE TABLE markets (
	id INTEGER PRIMARY KEY,
	-- code is a short Latin name (ISO 3166 alpha-2 for countries), matched
	-- by CSV imports as well as the names.
	code TEXT NOT NULL UNIQUE CHECK (code GLOB '[a-z][a-z0-9-]*' AND length(code) BETWEEN 2 AND 20),
	name_ru TEXT NOT NULL CHECK (length(name_ru) BETWEEN 1 AND 80),
	name_en TEXT NOT NULL CHECK (length(name_en) BETWEEN 1 AND 80),
	name_fa TEXT NOT NULL CHECK (length(name_fa) BETWEEN 1 AND 80),
	sort_order INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
) STRICT;

INSERT INTO markets (code, name_ru, name_en, name_fa, sort_order) VALUES
	('ru', 'Россия', 'Russia', 'روسیه', 10),
	('az', 'Азербайджан', 'Azerbaijan', 'جمهوری آذربایجان', 20),
	('om', 'Оман', 'Oman', 'عمان', 30),
	('iq', 'Ирак', 'Iraq', 'عراق', 40),
	('by', 'Беларусь', 'Belarus', 'بلاروس', 50),
	('kz', 'Казахстан', 'Kazakhstan', 'قزاقستان', 60),
	('am', 'Армения', 'Armenia', 'ارمنستان', 70),
	('sy', 'Сирия', 'Syria', 'سوریه', 80);

CREATE TABLE shipments (
	id INTEGER PRIMARY KEY,
	-- month is 'YYYY-MM': text order is time order.
	month TEXT NOT NULL CHECK (month GLOB '[12][0-9][0-9][0-9]-[01][0-9]' AND substr(month, 6, 2) BETWEEN '01' AND '12'),
	market_id INTEGER NOT NULL REFERENCES markets(id) ON DELETE RESTRICT,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE RESTRICT,
	units INTEGER NOT NULL CHECK (units > 0 AND units <= 1000000),
	-- demo marks illustrative figures loaded with the demonstration data.
	demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
	updated_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (month, market_id, model_id)
) STRICT;
-- The dashboard sums units over ranges of months: this index answers
-- every aggregation without reading the table.
CREATE INDEX shipments_month_units ON shipments(month, market_id, model_id, units, demo);
CREATE INDEX shipments_market ON shipments(market_id, month);
CREATE INDEX shipments_model ON shipments(model_id, month);
