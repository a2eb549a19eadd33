package views

// SearchVM is the search page: the query as typed, and the results when
// there was something to search for.
type SearchVM struct {
	// Query is the query as searched (clipped to its limit).
	Query string
	// Clipped is set when the query was longer than MaxRunes.
	Clipped  bool
	MaxRunes int
	// NoTerms is set when the query has no word to search for.
	NoTerms bool
	// Searched is set when results were looked for: the results section
	// is shown.
	Searched bool
	Total    int
	// Capped is set when a group's count stopped at its cap: the total
	// is a lower bound.
	Capped bool
	Groups []SearchGroupVM
	// Group is set when one group is paged through; AllHref leads back.
	Group      string
	AllHref    string
	Pagination PaginationVM
}

// SearchGroupVM is one kind of results with its count.
type SearchGroupVM struct {
	Name   string
	Count  int
	Capped bool
	Hits   []SearchHitVM
	// MoreHref pages through the whole group, when it has more.
	MoreHref string
}

// SearchHitVM is one result: what it is, its title and a snippet, each
// with the words the query found marked.
type SearchHitVM struct {
	Kind    string // model, trim, news, proposal, offer, inquiry
	Href    string
	Title   MarkedVM
	Snippet MarkedVM
	// Note is a message id shown under the snippet ("" for none).
	Note string
}

// MarkedVM is a text in pieces, some marked as found; Lang is set when
// the text is in another language than the page.
type MarkedVM struct {
	Parts []MarkVM
	Lang  string
}

// MarkVM is a piece of text; Mark is set on found words. The text is
// plain and rendered escaped.
type MarkVM struct {
	Text string
	Mark bool
}
