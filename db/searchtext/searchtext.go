// Package searchtext turns text into the terms the portal's search index
// holds, and a person's query into a safe FTS5 MATCH expression over the
// same terms. Indexing and querying go through the same steps, in Go, so
// SQLite's tokenizer only splits on spaces:
//
//   - NFKC (Arabic presentation forms, full-width Latin), then Unicode case
//     folding;
//   - letters typed either way folded: ё to е; Arabic ي ى to Persian ی,
//     Arabic ك to Persian ک, ة and ۀ to ه, the hamza and madda forms of
//     alef to ا, ؤ to و, ئ to ی;
//   - combining marks (harakat, Russian stress marks), tatweel and
//     invisible format characters removed; Arabic-Indic and Persian digits
//     turned into ASCII digits;
//   - a zero-width non-joiner (Persian نیم‌فاصله) joins the word's parts,
//     and the index also holds each part, so "خودروها", "خودرو‌ها" and
//     "خودرو ها" all find each other;
//   - Russian words stemmed with the Snowball Russian stemmer, English
//     words with the Snowball English (Porter2) stemmer, so "кроссоверы"
//     finds "кроссовер".
//
// Names are indexed a second time transliterated (Latin to Cyrillic, and
// Cyrillic or Persian to Latin), so "Рира" finds "Rira" and the other way.
package searchtext

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/russian"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits of a query.
const (
	// MaxQueryRunes is how much of a query is read; the rest is dropped.
	MaxQueryRunes = 200
	// MaxTerms is how many terms of a query are searched for.
	MaxTerms = 12
	// maxWordRunes bounds one indexed word: longer runs of letters are cut.
	maxWordRunes = 64
	// minPrefixRunes is the shortest last term matched as a prefix.
	minPrefixRunes = 3
)

// LetterFolds are the pairs of letters that people type either way, each
// with the form compared: ё and е, and the Arabic forms of ye and kaf with
// the Persian ones. db.Fold uses the same pairs for the staff searches.
var LetterFolds = []string{"ё", "е", "ي", "ی", "ى", "ی", "ك", "ک"}

// folds maps a letter, after case folding, to the form compared.
var folds = map[rune]rune{
	'ё': 'е',
	'ي': 'ی', 'ى': 'ی', 'ئ': 'ی', 'ۍ': 'ی', 'ې': 'ی',
	'ك': 'ک',
	'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه',
	'أ': 'ا', 'إ': 'ا', 'ٱ': 'ا', 'آ': 'ا',
	'ؤ': 'و',
}

const (
	zwnj    = '\u200c'
	tatweel = '\u0640'
)

// foldRune returns the compared form of one rune after case folding, and
// what kind of rune it is for splitting words.
func foldRune(r rune) (rune, runeClass) {
	if f, ok := folds[r]; ok {
		return f, wordRune
	}
	switch {
	case r >= '٠' && r <= '٩': // Arabic-Indic digits
		return '0' + (r - '٠'), wordRune
	case r >= '۰' && r <= '۹': // Persian digits
		return '0' + (r - '۰'), wordRune
	case r == zwnj:
		return r, joinerRune
	case r == tatweel, unicode.Is(unicode.Mn, r), unicode.Is(unicode.Me, r), unicode.Is(unicode.Cf, r):
		return r, dropRune
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return r, wordRune
	}
	return r, breakRune
}

type runeClass int

const (
	breakRune  runeClass = iota // ends a word
	wordRune                    // part of a word
	dropRune                    // removed: a word goes on across it
	joinerRune                  // ZWNJ: joins the parts of one word
)

// prepare applies NFKC and Unicode case folding.
func prepare(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	return cases.Fold().String(norm.NFKC.String(s))
}

// word is one word of normalised text: its joined form, and its parts
// when a ZWNJ split it.
type word struct {
	joined string
	parts  []string
}

// words splits prepared text into normalised words.
func words(s string, emit func(w word)) {
	var cur strings.Builder
	var parts []string
	partStart := 0
	n := 0
	flush := func() {
		if cur.Len() == 0 {
			parts, partStart, n = parts[:0], 0, 0
			return
		}
		w := word{joined: cur.String()}
		if len(parts) > 0 {
			if tail := w.joined[partStart:]; tail != "" {
				parts = append(parts, tail)
			}
			w.parts = append([]string(nil), parts...)
		}
		emit(w)
		cur.Reset()
		parts, partStart, n = parts[:0], 0, 0
	}
	for _, r := range s {
		f, class := foldRune(r)
		switch class {
		case wordRune:
			if n < maxWordRunes {
				cur.WriteRune(f)
				n++
			}
		case joinerRune:
			if cur.Len() > partStart {
				parts = append(parts, cur.String()[partStart:])
				partStart = cur.Len()
			}
		case breakRune:
			flush()
		}
	}
	flush()
}

// script is the writing system of a word, which picks its stemmer.
type script int

const (
	other script = iota
	latin
	cyrillic
	arabic
)

func scriptOf(w string) script {
	s := other
	for _, r := range w {
		var k script
		switch {
		case r >= 'a' && r <= 'z':
			k = latin
		case unicode.Is(unicode.Cyrillic, r):
			k = cyrillic
		case unicode.Is(unicode.Arabic, r):
			k = arabic
		default:
			// Digits and letters of other scripts: not stemmed.
			return other
		}
		if s != other && s != k {
			return other
		}
		s = k
	}
	return s
}

// Stem returns the stem of one normalised word: Snowball Russian for
// Cyrillic words, Snowball English for Latin ones, the word itself
// otherwise (Persian words, numbers, mixed words such as "ef7").
func Stem(w string) string {
	switch scriptOf(w) {
	case cyrillic:
		env := snowballstem.NewEnv(w)
		russian.Stem(env)
		return env.Current()
	case latin:
		env := snowballstem.NewEnv(w)
		english.Stem(env)
		return env.Current()
	}
	return w
}

// Terms returns the index terms of a text: every word normalised and
// stemmed, and for a word a ZWNJ split, each part as well.
func Terms(s string) []string {
	var out []string
	words(prepare(s), func(w word) {
		out = append(out, Stem(w.joined))
		for _, p := range w.parts {
			out = append(out, Stem(p))
		}
	})
	return out
}

// Index returns a text as the space-separated terms the index holds.
func Index(texts ...string) string {
	var b strings.Builder
	for _, s := range texts {
		for _, t := range Terms(s) {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(t)
		}
	}
	return b.String()
}

// Names returns the transliterations of the words of names as index
// terms: each Latin word in Cyrillic, each Cyrillic or Persian word in
// Latin and, from that Latin, in Cyrillic too.
func Names(names ...string) string {
	var b strings.Builder
	seen := map[string]bool{}
	add := func(w string) {
		if w == "" || seen[w] {
			return
		}
		seen[w] = true
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(Stem(w))
	}
	for _, s := range names {
		words(prepare(s), func(w word) {
			for _, v := range variants(w.joined) {
				add(v)
			}
		})
	}
	return b.String()
}

// variants are a normalised word's transliterations (not the word itself).
func variants(w string) []string {
	switch scriptOf(w) {
	case latin:
		return []string{ToCyrillic(w)}
	case cyrillic:
		return []string{ToLatin(w)}
	case arabic:
		l := ToLatin(w)
		return []string{l, ToCyrillic(l)}
	}
	return nil
}

// stopWords are left out of queries (when anything else is left): a
// query's terms must all be found, and these say nothing about a text.
var stopWords = map[string]bool{
	"и": true, "в": true, "во": true, "не": true, "на": true, "с": true, "со": true, "по": true, "к": true, "ко": true,
	"у": true, "о": true, "об": true, "от": true, "до": true, "из": true, "за": true, "для": true, "а": true, "но": true,
	"или": true, "что": true, "как": true, "это": true, "же": true, "ли": true, "бы": true,
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "in": true, "on": true, "for": true,
	"to": true, "with": true, "at": true, "by": true, "from": true, "is": true, "are": true,
	"و": true, "در": true, "به": true, "از": true, "که": true, "با": true, "را": true, "این": true, "آن": true,
	"برای": true, "یا": true, "تا": true,
}

// Query is a person's search query as terms of the index.
type Query struct {
	// Terms are the stemmed terms, each of which a result contains.
	Terms []string
	// Prefix is set when the last term is matched as the start of a word
	// (the query did not end with a space, and the term is long enough).
	Prefix bool
	// Clipped is set when the query was longer than MaxQueryRunes.
	Clipped bool
}

// ParseQuery reads a query: at most MaxQueryRunes of it (invalid UTF-8
// replaced), normalised and stemmed like indexed text, stop words
// dropped when other words remain, repeated terms once, at most MaxTerms.
func ParseQuery(raw string) Query {
	var q Query
	if !utf8.ValidString(raw) {
		raw = strings.ToValidUTF8(raw, " ")
	}
	if utf8.RuneCountInString(raw) > MaxQueryRunes {
		i, n := 0, 0
		for i = range raw {
			if n == MaxQueryRunes {
				break
			}
			n++
		}
		raw = raw[:i]
		q.Clipped = true
	}
	var ws []string
	words(prepare(raw), func(w word) { ws = append(ws, w.joined) })
	kept := ws[:0:0]
	for _, w := range ws {
		if !stopWords[w] {
			kept = append(kept, w)
		}
	}
	if len(kept) == 0 {
		kept = ws
	}
	seen := map[string]bool{}
	for _, w := range kept {
		t := Stem(w)
		if seen[t] {
			continue
		}
		seen[t] = true
		q.Terms = append(q.Terms, t)
		if len(q.Terms) == MaxTerms {
			break
		}
	}
	if n := len(q.Terms); n > 0 && !q.Clipped {
		// The last word is still being typed unless a space follows it.
		typing := strings.TrimRightFunc(raw, unicode.IsSpace) == raw
		q.Prefix = typing && utf8.RuneCountInString(q.Terms[n-1]) >= minPrefixRunes && Stem(kept[len(kept)-1]) == q.Terms[n-1]
	}
	return q
}

// Empty reports whether the query has nothing to search for.
func (q Query) Empty() bool { return len(q.Terms) == 0 }

// Match is the FTS5 MATCH expression of the query: every term quoted as
// an FTS5 string (a double quote in it doubled), so no character a person
// types is read as FTS5 syntax; the last one with * when it is a prefix.
func (q Query) Match() string {
	var b strings.Builder
	for i, t := range q.Terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
		if q.Prefix && i == len(q.Terms)-1 {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// Key is the query's terms as one string, for caches and tests.
func (q Query) Key() string {
	k := strings.Join(q.Terms, " ")
	if q.Prefix {
		k += "*"
	}
	return k
}

// matches reports whether an index term of displayed text is one the
// query looks for.
func (q Query) matches(t string) bool {
	for i, qt := range q.Terms {
		if t == qt || (q.Prefix && i == len(q.Terms)-1 && strings.HasPrefix(t, qt)) {
			return true
		}
	}
	return false
}

// wordMatches reports whether a displayed word (not yet normalised) is
// one the query looks for, directly or through a transliteration.
func (q Query) wordMatches(raw string) bool {
	found := false
	words(prepare(raw), func(w word) {
		if found {
			return
		}
		cands := append([]string{w.joined}, w.parts...)
		cands = append(cands, variants(w.joined)...)
		for _, c := range cands {
			if q.matches(Stem(c)) {
				found = true
				return
			}
		}
	})
	return found
}

// Part is a piece of displayed text; Mark is set on words the query
// found. Parts are plain text: whoever renders them escapes them.
type Part struct {
	Text string
	Mark bool
}

// Highlight splits text into parts, marking the words the query found.
func (q Query) Highlight(text string) []Part {
	parts, _ := q.snippet(text, 0)
	return parts
}

// Snippet returns a piece of text of about maxRunes around the first
// word the query found, with the found words marked, and whether any
// was found; without one it is the text's start.
func (q Query) Snippet(text string, maxRunes int) ([]Part, bool) {
	return q.snippet(text, maxRunes)
}

// span is a word of the displayed text: byte offsets.
type span struct{ start, end int }

// displayWords finds the words of displayed text, with the same rules
// that split indexed text.
func displayWords(text string) []span {
	var out []span
	start := -1
	for i, r := range text {
		_, class := foldRune(unicode.ToLower(r))
		if class == breakRune {
			if start >= 0 {
				out = append(out, span{start, i})
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, span{start, len(text)})
	}
	return out
}

func (q Query) snippet(text string, maxRunes int) ([]Part, bool) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	ws := displayWords(text)
	marked := make([]bool, len(ws))
	first := -1
	for i, w := range ws {
		if q.wordMatches(text[w.start:w.end]) {
			marked[i] = true
			if first < 0 {
				first = i
			}
		}
	}
	from, to := 0, len(text)
	if maxRunes > 0 && utf8.RuneCountInString(text) > maxRunes {
		// A window of maxRunes from the start when the first find is well
		// inside it; else starting a few words before the find, at a space.
		if first > 3 && utf8.RuneCountInString(text[:ws[first].end]) > maxRunes*3/4 {
			from = ws[first-3].start
			for from > 0 {
				r, size := utf8.DecodeLastRuneInString(text[:from])
				if unicode.IsSpace(r) {
					break
				}
				from -= size
			}
		}
		to = from
		n := 0
		for to < len(text) && n < maxRunes {
			_, size := utf8.DecodeRuneInString(text[to:])
			to += size
			n++
		}
		// End on a word boundary.
		for _, w := range ws {
			if w.start < to && w.end > to {
				if w.start > from {
					to = w.start
				}
				break
			}
		}
	}
	var parts []Part
	add := func(s string, mark bool) {
		if s == "" {
			return
		}
		if n := len(parts); n > 0 && parts[n-1].Mark == mark {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, Part{Text: s, Mark: mark})
	}
	if from > 0 {
		add("… ", false)
	}
	pos := from
	for i, w := range ws {
		if w.end <= from || w.start >= to {
			continue
		}
		if marked[i] {
			add(text[pos:w.start], false)
			add(text[w.start:w.end], true)
			pos = w.end
		}
	}
	add(strings.TrimRightFunc(text[pos:to], unicode.IsSpace), false)
	if to < len(text) {
		add(" …", false)
	}
	return parts, first >= 0
}
