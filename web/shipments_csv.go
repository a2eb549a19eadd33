package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ikco/partner-portal/db"
)

// Bounds of a shipments CSV upload: a few years of every market and model
// fit well within them.
const (
	maxShipmentCSVBytes = 512 << 10
	maxShipmentCSVLines = 5000
)

// firstShipmentMonth is the earliest month a record may be for.
const firstShipmentMonth = "2000-01"

// shipmentRefs are the markets and models a record may name, with the
// keys CSV lines match them by: code or slug, and every name, folded.
type shipmentRefs struct {
	markets  []db.Market
	models   []db.ShipmentModel
	marketBy map[string]int64 // folded key → id; ambiguous keys map to -1
	modelBy  map[string]int64
}

func newShipmentRefs(markets []db.Market, models []db.ShipmentModel) *shipmentRefs {
	r := &shipmentRefs{markets: markets, models: models, marketBy: map[string]int64{}, modelBy: map[string]int64{}}
	add := func(m map[string]int64, key string, id int64) {
		key = db.Fold(strings.TrimSpace(key))
		if key == "" {
			return
		}
		if old, ok := m[key]; ok && old != id {
			m[key] = -1
			return
		}
		m[key] = id
	}
	for _, mk := range markets {
		for _, k := range []string{mk.Code, mk.Name.RU, mk.Name.EN, mk.Name.FA} {
			add(r.marketBy, k, mk.ID)
		}
	}
	for _, md := range models {
		add(r.modelBy, md.Slug, md.ID)
		for _, n := range md.Names {
			add(r.modelBy, n, md.ID)
		}
	}
	// A code or slug always names its own market or model, even when it
	// is another one's name too.
	for _, mk := range markets {
		r.marketBy[db.Fold(mk.Code)] = mk.ID
	}
	for _, md := range models {
		r.modelBy[db.Fold(md.Slug)] = md.ID
	}
	return r
}

func (r *shipmentRefs) market(id int64) (db.Market, bool) {
	for _, m := range r.markets {
		if m.ID == id {
			return m, true
		}
	}
	return db.Market{}, false
}

func (r *shipmentRefs) model(id int64) (db.ShipmentModel, bool) {
	for _, m := range r.models {
		if m.ID == id {
			return m, true
		}
	}
	return db.ShipmentModel{}, false
}

// csvLine is a valid line of an upload.
type csvLine struct {
	Line  int
	Input db.ShipmentInput
}

// csvProblem is what is wrong with a line: a message id, and the value
// and other line it names.
type csvProblem struct {
	Line  int
	ID    string
	Value string
	Other int
}

// csvResult is an upload read: its valid lines, the problems of the
// others, or a problem of the whole file (FileProblem), after which
// nothing else is read.
type csvResult struct {
	Lines       []csvLine
	Problems    []csvProblem
	FileProblem string
}

// ok reports whether every line is valid and there is at least one.
func (r csvResult) ok() bool { return r.FileProblem == "" && len(r.Problems) == 0 && len(r.Lines) > 0 }

// csvColumns are the columns of the header row, in any order.
var csvColumns = []string{"month", "market", "model", "units"}

// digitFolder turns Persian and Arabic-Indic digits into ASCII ones, so a
// figure typed in a Persian spreadsheet reads the same.
var digitFolder = strings.NewReplacer(
	"۰", "0", "۱", "1", "۲", "2", "۳", "3", "۴", "4", "۵", "5", "۶", "6", "۷", "7", "۸", "8", "۹", "9",
	"٠", "0", "١", "1", "٢", "2", "٣", "3", "٤", "4", "٥", "5", "٦", "6", "٧", "7", "٨", "8", "٩", "9")

// parseUnits reads a positive whole number of units, with spaces (plain,
// no-break, thin) allowed between digit groups.
func parseUnits(s string) (int, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "").Replace(digitFolder.Replace(strings.TrimSpace(s)))
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 || n > db.MaxShipmentUnits {
		return 0, false
	}
	return n, true
}

// checkMonth validates a month as typed against the current one and
// returns it normalised, or the message id of its problem.
func checkMonth(s, current string) (string, string) {
	s = digitFolder.Replace(strings.TrimSpace(s))
	switch {
	case !db.ValidMonth(s):
		return "", "shipments.error.month"
	case s < firstShipmentMonth:
		return "", "shipments.error.month_old"
	case s > current:
		return "", "shipments.error.month_future"
	}
	return s, ""
}

// parseShipmentCSV reads an upload: UTF-8 with or without a byte-order
// mark, comma or semicolon separated, a header row naming the columns
// month, market and model (by code, slug or name in any language) and
// units. Every line is checked against refs and the current month; lines
// naming the same month, market and model twice are refused.
func parseShipmentCSV(b []byte, refs *shipmentRefs, current string) csvResult {
	var res csvResult
	if len(b) > maxShipmentCSVBytes {
		res.FileProblem = "shipments.csv.error.too_large"
		return res
	}
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	if !utf8.Valid(b) {
		res.FileProblem = "shipments.csv.error.not_utf8"
		return res
	}
	b = norm.NFC.Bytes(b)
	first, _, _ := bytes.Cut(b, []byte("\n"))
	r := csv.NewReader(bytes.NewReader(b))
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	r.ReuseRecord = true

	head, err := r.Read()
	if errors.Is(err, io.EOF) {
		res.FileProblem = "shipments.csv.error.empty"
		return res
	}
	cols := map[string]int{}
	if err == nil {
		for i, h := range trimTrailingEmpty(head) {
			cols[strings.ToLower(strings.TrimSpace(h))] = i
		}
	}
	for _, c := range csvColumns {
		if _, ok := cols[c]; !ok || len(cols) != len(csvColumns) {
			res.FileProblem = "shipments.csv.error.header"
			return res
		}
	}

	seen := map[db.ShipmentKey]int{}
	lines := 0
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		lines++
		if lines > maxShipmentCSVLines {
			res = csvResult{FileProblem: "shipments.csv.error.too_many"}
			return res
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			res.Problems = append(res.Problems, csvProblem{Line: pe.StartLine, ID: "shipments.csv.error.syntax"})
			continue
		}
		if err != nil {
			res.Problems = append(res.Problems, csvProblem{Line: lines + 1, ID: "shipments.csv.error.syntax"})
			continue
		}
		line, _ := r.FieldPos(0)
		rec = trimTrailingEmpty(rec)
		if len(rec) != len(csvColumns) {
			res.Problems = append(res.Problems, csvProblem{Line: line, ID: "shipments.csv.error.fields", Value: strconv.Itoa(len(rec))})
			continue
		}
		before := len(res.Problems)
		problem := func(id, value string) {
			res.Problems = append(res.Problems, csvProblem{Line: line, ID: id, Value: shortValue(value)})
		}
		var in db.ShipmentInput
		monthText := strings.TrimSpace(rec[cols["month"]])
		if m, id := checkMonth(monthText, current); id != "" {
			if id == "shipments.error.month" {
				// Quote what the line holds.
				id = "shipments.csv.error.month"
			}
			problem(id, monthText)
		} else {
			in.Month = m
		}
		marketText := strings.TrimSpace(rec[cols["market"]])
		switch id := refs.marketBy[db.Fold(marketText)]; {
		case marketText == "":
			problem("shipments.csv.error.market_missing", "")
		case id == -1:
			problem("shipments.csv.error.market_ambiguous", marketText)
		case id == 0:
			problem("shipments.csv.error.market", marketText)
		default:
			in.MarketID = id
		}
		modelText := strings.TrimSpace(rec[cols["model"]])
		switch id := refs.modelBy[db.Fold(modelText)]; {
		case modelText == "":
			problem("shipments.csv.error.model_missing", "")
		case id == -1:
			problem("shipments.csv.error.model_ambiguous", modelText)
		case id == 0:
			problem("shipments.csv.error.model", modelText)
		default:
			in.ModelID = id
		}
		unitsText := strings.TrimSpace(rec[cols["units"]])
		if n, ok := parseUnits(unitsText); ok {
			in.Units = n
		} else {
			problem("shipments.csv.error.units", unitsText)
		}
		if len(res.Problems) > before {
			continue
		}
		key := db.ShipmentKey{Month: in.Month, MarketID: in.MarketID, ModelID: in.ModelID}
		if other, dup := seen[key]; dup {
			res.Problems = append(res.Problems, csvProblem{Line: line, ID: "shipments.csv.error.duplicate", Other: other})
			continue
		}
		seen[key] = line
		res.Lines = append(res.Lines, csvLine{Line: line, Input: in})
	}
	if lines == 0 {
		res.FileProblem = "shipments.csv.error.no_lines"
	}
	return res
}

// shortValue cuts a cell quoted back in a problem to a readable length.
func shortValue(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}

// trimTrailingEmpty drops empty cells at the end of a record: some
// spreadsheets end every line with a separator.
func trimTrailingEmpty(rec []string) []string {
	for len(rec) > 0 && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

// uploadSignature signs an upload for the session that previewed it, so
// the confirm step imports exactly the file that was checked and shown;
// the confirm step checks every line again all the same.
func (s *Server) uploadSignature(sessionID string, content []byte) []byte {
	key := hmac.New(sha256.New, s.cfg.SessionKeys[0])
	key.Write([]byte("shipments-import"))
	mac := hmac.New(sha256.New, key.Sum(nil))
	mac.Write([]byte(hashSessionID(sessionID)))
	mac.Write([]byte{0})
	sum := sha256.Sum256(content)
	mac.Write(sum[:])
	return mac.Sum(nil)
}
