package db

import (
	"database/sql/driver"
	"slices"
	"strings"

	"modernc.org/sqlite"

	"github.com/ikco/partner-portal/db/searchtext"
)

// folder lowers case and folds letters that people type either way: ё to
// е, and the Arabic forms of ye and kaf to the Persian ones.
var folder = strings.NewReplacer(append(slices.Clone(searchtext.LetterFolds), "\u200c", " ")...)

// Fold is the form in which text is compared in searches: SQLite's lower()
// and LIKE fold ASCII only, so every search compares Fold of both sides.
func Fold(s string) string { return folder.Replace(strings.ToLower(s)) }

func init() {
	// fold(text) is Fold for SQL; deterministic so it may sit in indexes.
	sqlite.MustRegisterDeterministicScalarFunction("fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return Fold(v), nil
		case []byte:
			return Fold(string(v)), nil
		case nil:
			return nil, nil
		default:
			return v, nil
		}
	})
}
