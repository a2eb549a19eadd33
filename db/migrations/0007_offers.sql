-- Commercial offers for investors and partners, exchange rates to the
-- ruble, follows and expressions of interest.
--
-- Money is integer minor units plus an ISO currency (IRR has no minor
-- units). Rates are exact decimals kept as text (value rubles per nominal
-- units), never floating point. Dates without a time are 'YYYY-MM-DD'.

CREATE TABLE exchange_rates (
	id INTEGER PRIMARY KEY,
	rate_date TEXT NOT NULL CHECK (rate_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
	currency TEXT NOT NULL CHECK (currency GLOB '[A-Z][A-Z][A-Z]' AND currency <> 'RUB'),
	value TEXT NOT NULL CHECK (value GLOB '[0-9]*' AND value NOT GLOB '*[^0-9.]*'),
	nominal INTEGER NOT NULL CHECK (nominal > 0),
	source TEXT NOT NULL CHECK (source IN ('cbr','manual')),
	entered_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	-- One rate per currency and day: a later import or entry replaces it.
	UNIQUE (currency, rate_date)
) STRICT;

CREATE TABLE offers (
	id INTEGER PRIMARY KEY,
	model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
	-- NULL: the offer is for the model as a whole.
	trim_id INTEGER REFERENCES trims(id) ON DELETE CASCADE,
	status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft','published','archived')),
	price_minor INTEGER NOT NULL CHECK (price_minor > 0),
	currency TEXT NOT NULL CHECK (currency IN ('RUB','USD','EUR','CNY','IRR')),
	moq INTEGER NOT NULL CHECK (moq > 0),
	incoterm TEXT NOT NULL CHECK (incoterm IN ('EXW','FCA','CPT','CIP','DAP','DPU','DDP','FAS','FOB','CFR','CIF')),
	place TEXT NOT NULL CHECK (length(place) BETWEEN 1 AND 120),
	lead_days INTEGER NOT NULL CHECK (lead_days BETWEEN 0 AND 730),
	valid_from TEXT NOT NULL,
	valid_until TEXT NOT NULL CHECK (valid_until >= valid_from),
	pricelist_media_id INTEGER REFERENCES media_files(id) ON DELETE SET NULL,
	demo INTEGER NOT NULL DEFAULT 0 CHECK (demo IN (0, 1)),
	-- Frozen at publish and never recomputed: the price in rubles and the
	-- rate used for it (1 / RUB / 'rub' for ruble offers).
	rub_minor INTEGER,
	rate_value TEXT,
	rate_nominal INTEGER,
	rate_date TEXT,
	rate_source TEXT CHECK (rate_source IN ('cbr','manual','rub')),
	-- The offer this one follows for the same trim (or model) and how its
	-- price in rubles moved: -1 down, 0 same, 1 up; NULL for the first.
	prev_offer_id INTEGER REFERENCES offers(id) ON DELETE SET NULL,
	price_change INTEGER CHECK (price_change IN (-1, 0, 1)),
	published_at TEXT,
	created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	CHECK (status = 'draft' OR (rub_minor IS NOT NULL AND rate_value IS NOT NULL AND published_at IS NOT NULL))
) STRICT;
-- Lists walk offers newest first and stop at a page: published_at leads.
CREATE INDEX offers_list ON offers(status, published_at DESC, id DESC);
CREATE INDEX offers_valid ON offers(status, valid_until);
CREATE INDEX offers_model ON offers(model_id, trim_id, status, published_at);

-- Volume tiers: from min_qty units the unit price is price_minor.
CREATE TABLE offer_tiers (
	offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
	min_qty INTEGER NOT NULL CHECK (min_qty > 0),
	price_minor INTEGER NOT NULL CHECK (price_minor > 0),
	PRIMARY KEY (offer_id, min_qty)
) STRICT, WITHOUT ROWID;

CREATE TABLE offer_texts (
	offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
	lang TEXT NOT NULL CHECK (lang IN ('ru','en','fa')),
	warranty TEXT NOT NULL DEFAULT '',
	after_sales TEXT NOT NULL DEFAULT '',
	notes TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (offer_id, lang)
) STRICT, WITHOUT ROWID;

CREATE TABLE offer_follows (
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
	created_at TEXT NOT NULL,
	PRIMARY KEY (user_id, offer_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE offer_requests (
	id INTEGER PRIMARY KEY,
	offer_id INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
	user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	quantity INTEGER NOT NULL CHECK (quantity > 0),
	message TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new','replied')),
	replied_at TEXT,
	replied_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
	created_at TEXT NOT NULL
) STRICT;
CREATE INDEX offer_requests_list ON offer_requests(created_at DESC, id DESC);
