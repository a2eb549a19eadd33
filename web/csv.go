package web

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"
)

// csvCell neutralises a cell a spreadsheet would run as a formula: the
// CSV exports (offers, inquiries) hold text people typed.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvExport is a CSV download being written: UTF-8 with a byte-order mark,
// so spreadsheets read Cyrillic and Persian right, every cell neutralised.
type csvExport struct {
	buf bytes.Buffer
	w   *csv.Writer
}

// newCSVExport starts an export with its header row.
func newCSVExport(head []string) *csvExport {
	e := &csvExport{}
	e.buf.WriteString("\ufeff")
	e.w = csv.NewWriter(&e.buf)
	e.row(head)
	return e
}

// row adds a row.
func (e *csvExport) row(cells []string) {
	for i := range cells {
		cells[i] = csvCell(cells[i])
	}
	_ = e.w.Write(cells)
}

// send answers with the export as an attachment named filename; it is
// personal data, so it is never cached.
func (e *csvExport) send(c echo.Context, filename string) error {
	e.w.Flush()
	if err := e.w.Error(); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	h.Set("Cache-Control", "private, no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", e.buf.Bytes())
}

// plainNumber is a number the portal writes itself: digits, a sign, a dot.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// rowWithNumbers adds a row of text cells followed by number cells; the
// numbers the portal computed (a negative change, say) are kept as they
// are, so spreadsheets read them as numbers, and anything else in them is
// neutralised like text.
func (e *csvExport) rowWithNumbers(text []string, numbers []string) {
	cells := make([]string, 0, len(text)+len(numbers))
	for _, c := range text {
		cells = append(cells, csvCell(c))
	}
	for _, c := range numbers {
		if !plainNumber.MatchString(c) {
			c = csvCell(c)
		}
		cells = append(cells, c)
	}
	_ = e.w.Write(cells)
}
