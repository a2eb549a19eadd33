package i18n

import (
	"context"
	"time"
)

// T translates id in ctx's language.
func T(ctx context.Context, id string, pairs ...any) string { return From(ctx).T(id, pairs...) }

// Plural translates id with the plural form for n in ctx's language.
func Plural(ctx context.Context, id string, n int, pairs ...any) string {
	return From(ctx).Plural(id, n, pairs...)
}

// FormatMoney formats m in ctx's language.
func FormatMoney(ctx context.Context, m Money) string { return From(ctx).Money(m) }

// FormatDate formats t's day in ctx's language.
func FormatDate(ctx context.Context, t time.Time) string { return From(ctx).Date(t) }

// FormatInt formats n in ctx's language.
func FormatInt(ctx context.Context, n int) string { return From(ctx).Int(n) }

// FormatNumber formats x with decimals fraction digits in ctx's language.
func FormatNumber(ctx context.Context, x float64, decimals int) string {
	return From(ctx).Number(x, decimals)
}

// Lang is ctx's language code.
func Lang(ctx context.Context) string { return From(ctx).Lang }

// Dir is ctx's text direction, ltr or rtl.
func Dir(ctx context.Context) string { return From(ctx).Dir }

// FormatDateTime formats a moment in ctx's language and zone.
func FormatDateTime(ctx context.Context, t time.Time) string { return From(ctx).DateTime(t) }
