-- The search index's vocabulary, one row per indexed term: a query whose
-- last word is a whole indexed term matches it exactly instead of as a
-- prefix, since an FTS5 prefix query reads every matching term's whole
-- document list (see Store.search).
CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row');
