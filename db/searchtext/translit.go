package searchtext

import "strings"

// Latin is a GOST-like transliteration of Russian letters, and a plain one
// of Persian letters and digits, into Latin: slugs are made with it, and
// names are indexed with it.
var Latin = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "",
	'э': "e", 'ю': "yu", 'я': "ya",
	'ا': "a", 'آ': "a", 'ب': "b", 'پ': "p", 'ت': "t", 'ث': "s", 'ج': "j", 'چ': "ch", 'ح': "h", 'خ': "kh",
	'د': "d", 'ذ': "z", 'ر': "r", 'ز': "z", 'ژ': "zh", 'س': "s", 'ش': "sh", 'ص': "s", 'ض': "z", 'ط': "t",
	'ظ': "z", 'ع': "", 'غ': "gh", 'ف': "f", 'ق': "gh", 'ک': "k", 'ك': "k", 'گ': "g", 'ل': "l", 'م': "m",
	'ن': "n", 'و': "v", 'ه': "h", 'ی': "i", 'ي': "i", 'ء': "", 'ئ': "y", 'ؤ': "v", 'ة': "h",
	'۰': "0", '۱': "1", '۲': "2", '۳': "3", '۴': "4", '۵': "5", '۶': "6", '۷': "7", '۸': "8", '۹': "9",
}

// ToLatin transliterates the Russian and Persian letters of a lower-case
// word into Latin; other characters stay.
func ToLatin(w string) string {
	var b strings.Builder
	for _, r := range w {
		if t, ok := Latin[r]; ok {
			b.WriteString(t)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cyrillicDigraphs are the Latin letter groups read as one Russian letter,
// longest first.
var cyrillicDigraphs = []struct{ latin, cyr string }{
	{"shch", "щ"}, {"zh", "ж"}, {"kh", "х"}, {"ts", "ц"}, {"ch", "ч"}, {"sh", "ш"}, {"yu", "ю"}, {"ya", "я"},
	{"yo", "е"}, {"ye", "е"}, {"ph", "ф"}, {"th", "т"}, {"ck", "к"}, {"qu", "кв"}, {"ee", "и"}, {"oo", "у"},
}

// cyrillicLetters reads single Latin letters as Russian ones.
var cyrillicLetters = map[byte]string{
	'a': "а", 'b': "б", 'c': "к", 'd': "д", 'e': "е", 'f': "ф", 'g': "г", 'h': "х", 'i': "и", 'j': "дж",
	'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'q': "к", 'r': "р", 's': "с", 't': "т",
	'u': "у", 'v': "в", 'w': "в", 'x': "кс", 'y': "и", 'z': "з",
}

// ToCyrillic reads a lower-case Latin word the way a Russian reader
// would write it ("rira" → "рира", "tara" → "тара"); other characters stay.
func ToCyrillic(w string) string {
	var b strings.Builder
	for i := 0; i < len(w); {
		matched := false
		for _, d := range cyrillicDigraphs {
			if strings.HasPrefix(w[i:], d.latin) {
				b.WriteString(d.cyr)
				i += len(d.latin)
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if c, ok := cyrillicLetters[w[i]]; ok {
			b.WriteString(c)
			i++
			continue
		}
		b.WriteByte(w[i])
		i++
	}
	return b.String()
}
