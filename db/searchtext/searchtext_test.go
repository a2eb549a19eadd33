package searchtext

import (
	"reflect"
	"strings"
	"testing"
)

func TestTerms(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"russian plural and case fold", "КРОССОВЕРЫ", []string{"кроссовер"}},
		{"russian inflections share a stem", "кроссовера кроссоверами", []string{"кроссовер", "кроссовер"}},
		{"ё folds to е", "Ёлка ёлке", []string{"елк", "елк"}},
		{"english stemming", "Crossovers assemblies", []string{"crossov", "assembl"}},
		{"stress mark removed", "ру́сский", []string{"русск"}},
		{"arabic ye and kaf become persian", "كيا", []string{"کیا"}},
		{"alef maksura becomes persian ye", "مصطفى", []string{"مصطفی"}},
		{"tatweel and harakat removed", "مـــدَل", []string{"مدل"}},
		{"hamza above removed", "فاصلهٔ", []string{"فاصله"}},
		{"persian digits become ascii", "۱۴۰۵ ٢٠٢٦", []string{"1405", "2026"}},
		{"zwnj joins, and the parts are kept", "کراس\u200cاوور", []string{"کراساوور", "کراس", "اوور"}},
		{"punctuation splits", "Dena-Plus, (Rira)!", []string{"dena", "plus", "rira"}},
		{"mixed letters and digits are not stemmed", "EF7 TU5P", []string{"ef7", "tu5p"}},
		{"full-width latin", "ＲＩＲＡ", []string{"rira"}},
		{"german sharp s folds", "Straße", []string{"strass"}},
		{"invisible marks dropped", "Ri\u200dra\u200f", []string{"rira"}},
		{"empty", "  ,;  ", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Terms(c.in); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Terms(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestTransliteration(t *testing.T) {
	cases := []struct{ in, latin, cyr string }{
		{"рира", "rira", ""},
		{"щука", "shchuka", ""},
		{"ریرا", "rira", ""},
		{"rira", "", "рира"},
		{"tara", "", "тара"},
		{"shchuka", "", "щука"},
		{"samand", "", "саманд"},
	}
	for _, c := range cases {
		if c.latin != "" {
			if got := ToLatin(c.in); got != c.latin {
				t.Errorf("ToLatin(%q) = %q, want %q", c.in, got, c.latin)
			}
		}
		if c.cyr != "" {
			if got := ToCyrillic(c.in); got != c.cyr {
				t.Errorf("ToCyrillic(%q) = %q, want %q", c.in, got, c.cyr)
			}
		}
	}
}

func TestNamesAreFoundThroughTransliteration(t *testing.T) {
	cases := []struct{ name, query string }{
		{"Rira", "Рира"},
		{"Rira", "Риру"},
		{"Рира", "rira"},
		{"ریرا", "Rira"},
		{"ریرا", "Рира"},
		{"Tara", "Тара"},
		{"Samand", "Саманд"},
	}
	for _, c := range cases {
		idx := " " + Index(c.name) + " " + Names(c.name) + " "
		q := ParseQuery(c.query + " ")
		for _, term := range q.Terms {
			if !strings.Contains(idx, " "+term+" ") {
				t.Errorf("%q: term %q of %q not in the index terms %q", c.name, term, c.query, idx)
			}
		}
	}
}

func TestParseQuery(t *testing.T) {
	long := strings.Repeat("кроссовер ", 1024) // 10 KB
	cases := []struct {
		name, in string
		terms    []string
		prefix   bool
		clipped  bool
		match    string
	}{
		{"empty", "", nil, false, false, ""},
		{"spaces", "   ", nil, false, false, ""},
		{"only punctuation", `"*():-^`, nil, false, false, ""},
		{"one word being typed is a prefix", "кроссоверы", []string{"кроссовер"}, true, false, `"кроссовер"*`},
		{"a trailing space ends the word", "кроссоверы ", []string{"кроссовер"}, false, false, `"кроссовер"`},
		{"short last word is no prefix", "V1", []string{"v1"}, false, false, `"v1"`},
		{"fts syntax is only text", `rira* OR (tara) NOT "dena" NEAR ^x : -y AND`,
			[]string{"rira", "tara", "not", "dena", "near", "x", "y"}, false, false, `"rira" "tara" "not" "dena" "near" "x" "y"`},
		{"stop words dropped", "сборка в Калуге", []string{"сборк", "калуг"}, true, false, `"сборк" "калуг"*`},
		{"only stop words kept", "и в на ", []string{"и", "в", "на"}, false, false, `"и" "в" "на"`},
		{"repeated terms once", "Rira rira RIRA ", []string{"rira"}, false, false, `"rira"`},
		{"persian arabic variants", "كيا ", []string{"کیا"}, false, false, `"کیا"`},
		{"10 KB query clipped", long, []string{"кроссовер"}, false, true, `"кроссовер"`},
		{"invalid utf-8 replaced", "ri\xffra ", []string{"ri", "ra"}, false, false, `"ri" "ra"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := ParseQuery(c.in)
			if !reflect.DeepEqual(q.Terms, c.terms) {
				t.Errorf("terms %q, want %q", q.Terms, c.terms)
			}
			if q.Prefix != c.prefix {
				t.Errorf("prefix %v, want %v", q.Prefix, c.prefix)
			}
			if q.Clipped != c.clipped {
				t.Errorf("clipped %v, want %v", q.Clipped, c.clipped)
			}
			if got := q.Match(); got != c.match {
				t.Errorf("match %q, want %q", got, c.match)
			}
			if q.Empty() != (len(c.terms) == 0) {
				t.Errorf("empty %v with %d terms", q.Empty(), len(c.terms))
			}
		})
	}
}

func TestMatchQuotesEveryTerm(t *testing.T) {
	q := Query{Terms: []string{`a"b`, "c"}, Prefix: true}
	if got, want := q.Match(), `"a""b" "c"*`; got != want {
		t.Errorf("Match = %q, want %q", got, want)
	}
	if n := len(ParseQuery(strings.Repeat("w", 3) + " x1 x2 x3 x4 x5 x6 x7 x8 x9 x10 x11 x12 x13 x14").Terms); n != MaxTerms {
		t.Errorf("%d terms, want %d", n, MaxTerms)
	}
}

func render(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		if p.Mark {
			b.WriteString("[" + p.Text + "]")
		} else {
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestHighlightAndSnippet(t *testing.T) {
	cases := []struct {
		name, query, text string
		max               int
		want              string
		found             bool
	}{
		{"inflected word", "кроссоверы ", "Новый городской кроссовер Iran Khodro", 0, "Новый городской [кроссовер] Iran Khodro", true},
		{"transliterated name", "Рира ", "Rira — самая новая модель", 0, "[Rira] — самая новая модель", true},
		{"persian variant", "ريرا ", "ریرا تازه\u200cترین خودرو", 0, "[ریرا] تازه\u200cترین خودرو", true},
		{"prefix", "крос", "Кроссовер и седан", 0, "[Кроссовер] и седан", true},
		{"markup is text", "script ", "<script>alert(1)</script>", 0, "<[script]>alert(1)</[script]>", true},
		{"nothing found", "тара ", "Rira crossover", 0, "Rira crossover", false},
		{"window around the find", "дилер ", "Один два три четыре пять шесть семь восемь девять дилер десять одиннадцать двенадцать", 40,
			"… семь восемь девять [дилер] десять …", true},
		{"find near the start keeps the start", "crossover ", "Iran Khodro's new urban crossover with a turbo engine and more words after it", 60,
			"Iran Khodro's new urban [crossover] with a turbo engine and …", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parts, found := ParseQuery(c.query).Snippet(c.text, c.max)
			if got := render(parts); got != c.want {
				t.Errorf("snippet %q, want %q", got, c.want)
			}
			if found != c.found {
				t.Errorf("found %v, want %v", found, c.found)
			}
		})
	}
}

func BenchmarkIndex(b *testing.B) {
	text := "Rira — самая новая модель экспортной линейки: кроссовер с турбомотором 1,65 л, высоким дорожным просветом и просторным салоном на пять мест."
	for b.Loop() {
		_ = Index(text)
	}
}
