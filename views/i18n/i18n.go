// Package i18n carries a request's language through its context.Context:
// the translator over the embedded message catalogs (ru, en, fa) and the
// formatters for numbers, money and dates in that language.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// Langs are the portal's languages; the first is the default.
var Langs = []string{"ru", "en", "fa"}

// Default is the language used when nothing else matches.
const Default = "ru"

//go:embed locales/*.toml
var localeFS embed.FS

// Catalog is the parsed set of message files of every language.
type Catalog struct {
	bundle  *goi18n.Bundle
	locales map[string]*Locale
	// ids lists each language's message ids, for the completeness test.
	ids map[string]map[string]bool
}

var (
	loadOnce sync.Once
	loaded   *Catalog
	loadErr  error
)

// Load parses the embedded message catalogs once and returns them.
func Load() (*Catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = load(localeFS) })
	return loaded, loadErr
}

// MustLoad is Load for tests and init paths where a broken catalog is a bug.
func MustLoad() *Catalog {
	c, err := Load()
	if err != nil {
		panic(err)
	}
	return c
}

func load(fsys fs.FS) (*Catalog, error) {
	b := goi18n.NewBundle(language.Russian)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	c := &Catalog{bundle: b, locales: map[string]*Locale{}, ids: map[string]map[string]bool{}}
	files, err := fs.Glob(fsys, "locales/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		buf, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		mf, err := b.ParseMessageFileBytes(buf, f)
		if err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", f, err)
		}
		lang := mf.Tag.String()
		if c.ids[lang] == nil {
			c.ids[lang] = map[string]bool{}
		}
		for _, m := range mf.Messages {
			if c.ids[lang][m.ID] {
				return nil, fmt.Errorf("i18n: %s: message %q defined twice", f, m.ID)
			}
			c.ids[lang][m.ID] = true
		}
	}
	for _, l := range Langs {
		tag := language.MustParse(l)
		dir := "ltr"
		if l == "fa" {
			dir = "rtl"
		}
		c.locales[l] = &Locale{
			Lang:      l,
			Tag:       tag,
			Dir:       dir,
			localizer: goi18n.NewLocalizer(b, l),
			printer:   message.NewPrinter(tag),
			cache:     &sync.Map{},
			memo:      &numberMemo{},
		}
	}
	return c, nil
}

// IDs returns the message ids defined for lang.
func (c *Catalog) IDs(lang string) map[string]bool { return c.ids[lang] }

// Locale returns the locale of lang, or of the default language.
func (c *Catalog) Locale(lang string) *Locale {
	if l, ok := c.locales[lang]; ok {
		return l
	}
	return c.locales[Default]
}

// Supported reports whether lang is one of the portal's languages.
func Supported(lang string) bool {
	for _, l := range Langs {
		if l == lang {
			return true
		}
	}
	return false
}

// Match picks the best portal language for an Accept-Language header,
// the default when nothing matches.
func Match(acceptLanguage string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	for _, t := range tags {
		base, conf := t.Base()
		if conf == language.No {
			continue
		}
		if Supported(base.String()) {
			return base.String()
		}
	}
	return Default
}

// Locale is one language's translator and formatters, shared by every
// request in that language.
type Locale struct {
	Lang      string
	Tag       language.Tag
	Dir       string
	localizer *goi18n.Localizer
	printer   *message.Printer
	cache     *sync.Map // id → translated string, for messages without data
	memo      *numberMemo
}

// T translates a message id. Pairs of key and value fill the message's
// template ({{.Name}}). A missing id yields the id itself, which the
// catalog test catches before release.
func (l *Locale) T(id string, pairs ...any) string {
	if len(pairs) == 0 {
		if v, ok := l.cache.Load(id); ok {
			return v.(string)
		}
	}
	var data map[string]any
	if len(pairs) > 0 {
		data = make(map[string]any, len(pairs)/2)
		for i := 0; i+1 < len(pairs); i += 2 {
			data[fmt.Sprint(pairs[i])] = pairs[i+1]
		}
	}
	s, err := l.localizer.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil || s == "" {
		return id
	}
	if len(pairs) == 0 {
		l.cache.Store(id, s)
	}
	return s
}

// Plural translates a message with plural forms for count n; the
// message's template receives the formatted number as {{.Count}}.
func (l *Locale) Plural(id string, n int, pairs ...any) string {
	data := map[string]any{"Count": l.Int(n)}
	for i := 0; i+1 < len(pairs); i += 2 {
		data[fmt.Sprint(pairs[i])] = pairs[i+1]
	}
	s, err := l.localizer.Localize(&goi18n.LocalizeConfig{MessageID: id, PluralCount: n, TemplateData: data})
	if err != nil || s == "" {
		return id
	}
	return s
}

type ctxKey struct{}

// state is what a request's context carries about its language.
type state struct {
	loc *Locale
	// path is the request path without the /{lang} prefix, and query its
	// raw query, so a language switch keeps the person on the same page.
	path  string
	query string
}

// WithLocale returns ctx carrying loc and the request's path (without the
// language prefix) and raw query.
func WithLocale(ctx context.Context, loc *Locale, path, rawQuery string) context.Context {
	return context.WithValue(ctx, ctxKey{}, state{loc: loc, path: path, query: rawQuery})
}

// From returns the locale in ctx, or the default language's.
func From(ctx context.Context) *Locale {
	if st, ok := ctx.Value(ctxKey{}).(state); ok && st.loc != nil {
		return st.loc
	}
	return MustLoad().Locale(Default)
}

// Href builds a path in ctx's language from parts; parts after the first
// are path-escaped. Href(ctx, "/models/", slug) → /ru/models/rira.
func Href(ctx context.Context, parts ...string) string {
	return HrefLang(From(ctx).Lang, parts...)
}

// HrefLang is Href for an explicit language.
func HrefLang(lang string, parts ...string) string {
	var b strings.Builder
	b.WriteString("/")
	b.WriteString(lang)
	for i, p := range parts {
		if i == 0 {
			if !strings.HasPrefix(p, "/") {
				b.WriteString("/")
			}
			b.WriteString(p)
			continue
		}
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

// SwitchHref is the current page, with its query, in another language.
func SwitchHref(ctx context.Context, lang string) string {
	st, _ := ctx.Value(ctxKey{}).(state)
	p := st.path
	if p == "" {
		p = "/"
	}
	u := "/" + lang + p
	if st.query != "" {
		u += "?" + st.query
	}
	return u
}

// CurrentPath is the request path without its language prefix.
func CurrentPath(ctx context.Context) string {
	st, _ := ctx.Value(ctxKey{}).(state)
	return st.path
}
