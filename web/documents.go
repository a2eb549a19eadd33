package web

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// defaultMaxDocumentBytes bounds an uploaded proposal document.
const defaultMaxDocumentBytes = 25 << 20

// cfbMagic opens every OLE compound file (legacy .doc and .xls).
var cfbMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// sniffDocument decides a document's kind from its content and checks it
// against the file name's extension: a PDF starts with %PDF-; an Office
// Open XML file is a zip with [Content_Types].xml and a word/, xl/ or
// ppt/ part; a legacy .doc or .xls is an OLE compound file. It returns ""
// for anything else, or when the extension claims another kind.
func sniffDocument(name string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		if ext == ".pdf" {
			return "pdf"
		}
	case bytes.HasPrefix(data, cfbMagic):
		if ext == ".doc" || ext == ".xls" {
			return ext[1:]
		}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return ""
		}
		var types bool
		dirs := map[string]bool{}
		for _, f := range zr.File {
			if f.Name == "[Content_Types].xml" {
				types = true
			}
			if dir, _, ok := strings.Cut(f.Name, "/"); ok {
				dirs[dir] = true
			}
		}
		if !types {
			return ""
		}
		want := map[string]string{".docx": "word", ".xlsx": "xl", ".pptx": "ppt"}[ext]
		if want != "" && dirs[want] {
			return ext[1:]
		}
	}
	return ""
}

// documentTypes are the Content-Type headers of document kinds.
var documentTypes = map[string]string{
	"pdf":  "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
	"doc":  "application/msword",
	"xls":  "application/vnd.ms-excel",
}

// safeFileName keeps a document's name readable but harmless: no folders,
// no control characters, at most 150 characters.
func safeFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r == 0x7f || r == '"' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') {
			continue
		}
		b.WriteRune(r)
	}
	out := []rune(strings.TrimSpace(b.String()))
	if len(out) > 150 {
		out = out[len(out)-150:]
	}
	if len(out) == 0 || string(out) == "." {
		return "document"
	}
	return string(out)
}

// receiveDocument reads the uploaded "file" of a multipart form, checks
// its size and its type (from the content, against the name) and stores
// it under a random name in the documents folder. A refusal comes back as
// a status and a message id, with nothing stored.
func (s *Server) receiveDocument(c echo.Context) (d db.Document, status int, errID string, err error) {
	if s.cfg.DocumentsDir == "" {
		return d, http.StatusServiceUnavailable, "staffp.upload.no_storage", nil
	}
	fh, err := c.FormFile("file")
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return d, http.StatusRequestEntityTooLarge, "staffp.upload.too_large", nil
		}
		return d, http.StatusUnprocessableEntity, "staffp.upload.missing", nil
	}
	if fh.Size > s.cfg.MaxDocumentBytes {
		return d, http.StatusRequestEntityTooLarge, "staffp.upload.too_large", nil
	}
	f, err := fh.Open()
	if err != nil {
		return d, 0, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxDocumentBytes+1))
	if err != nil {
		return d, 0, "", err
	}
	if int64(len(data)) > s.cfg.MaxDocumentBytes {
		return d, http.StatusRequestEntityTooLarge, "staffp.upload.too_large", nil
	}
	if len(data) == 0 {
		return d, http.StatusUnprocessableEntity, "staffp.upload.missing", nil
	}
	name := safeFileName(fh.Filename)
	kind := sniffDocument(name, data)
	if kind == "" {
		return d, http.StatusUnprocessableEntity, "staffp.upload.bad_type", nil
	}
	if err := os.MkdirAll(s.cfg.DocumentsDir, 0o750); err != nil {
		return d, 0, "", err
	}
	file := randomToken(24)
	if err := os.WriteFile(filepath.Join(s.cfg.DocumentsDir, file), data, 0o640); err != nil {
		return d, 0, "", err
	}
	sum := sha256.Sum256(data)
	d = db.Document{ProposalID: proposalIDParam(c), Name: name, File: file, Kind: kind, Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	return d, 0, "", nil
}

// proposalIDParam is the :id of a route already checked by its handler.
func proposalIDParam(c echo.Context) int64 {
	id, _ := paramID(c, "id")
	return id
}

// dropDocumentFile removes a stored upload whose record did not commit.
func (s *Server) dropDocumentFile(d db.Document) {
	if d.File != "" {
		_ = os.Remove(filepath.Join(s.cfg.DocumentsDir, d.File))
	}
}

// handleProposalDocumentReplace stores a new version of a document: the
// old version's row, file and access records stay (staff can still open
// them); participants see the new version. Replacing a version that was
// replaced or deleted meanwhile is a conflict (409).
func (s *Server) handleProposalDocumentReplace(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	docID, err := paramID(c, "doc")
	if err != nil {
		return err
	}
	old, err := s.store.DocumentFor(ctx, dbViewer(c), p.ID, docID)
	if err != nil {
		return err
	}
	refuse := func(status int, errID string) error {
		return s.renderStaffProposal(c, status, p, func(vm *views.StaffProposalVM) {
			for i := range vm.P.Documents {
				if vm.P.Documents[i].ID == docID {
					vm.P.Documents[i].ReplaceError = errID
				}
			}
			vm.ErrorID = errID
		})
	}
	if !old.Current() {
		return refuse(http.StatusConflict, "staffp.doc.conflict")
	}
	up, status, errID, err := s.receiveDocument(c)
	if err != nil {
		return err
	}
	if errID != "" {
		return refuse(status, errID)
	}
	var nd db.Document
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if nd, err = tx.ReplaceDocument(p.ID, docID, up, viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.document_replaced", "proposal", p.ID,
			fmt.Sprintf("document %d v%d replaced by %d v%d %s", old.ID, old.Version, nd.ID, nd.Version, nd.Name)))
	})
	if err != nil {
		s.dropDocumentFile(up)
	}
	switch {
	case errors.Is(err, db.ErrConflict):
		return refuse(http.StatusConflict, "staffp.doc.conflict")
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=replaced#docs-h"))
}

// handleProposalDocumentDelete deletes a document after a confirmation:
// the first request (without confirm=1) shows a page that asks, and works
// without JavaScript. The delete is soft: participants no longer see or
// open the document; staff keep its versions, files and access records.
func (s *Server) handleProposalDocumentDelete(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.staffProposalOf(c)
	if err != nil {
		return err
	}
	docID, err := paramID(c, "doc")
	if err != nil {
		return err
	}
	d, err := s.store.DocumentFor(ctx, dbViewer(c), p.ID, docID)
	if err != nil {
		return err
	}
	if !d.Current() {
		return s.renderStaffProposal(c, http.StatusConflict, p, func(vm *views.StaffProposalVM) { vm.ErrorID = "staffp.doc.conflict" })
	}
	if c.FormValue("confirm") != "1" {
		lang := i18n.Lang(ctx)
		vm := views.DocumentDeleteVM{Proposal: textVM(p.Title.In(lang), lang), Document: s.documentVM(c, p.ID, d),
			Action: s.staffHref(c, p.ID, "/documents/"+idString(d.ID)+"/delete"), CancelHref: s.staffHref(c, p.ID, "#docs-h")}
		c.Response().Header().Set("Cache-Control", "private, no-store")
		return render(c, http.StatusOK, views.DocumentDeletePage(s.adminMeta(c, "staffp.doc.delete_title"), vm))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if _, err := tx.DeleteDocument(p.ID, docID, viewerOf(c).user.ID, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "proposal.document_deleted", "proposal", p.ID, fmt.Sprintf("document %d v%d %s", d.ID, d.Version, d.Name)))
	})
	switch {
	case errors.Is(err, db.ErrConflict):
		return s.renderStaffProposal(c, http.StatusConflict, p, func(vm *views.StaffProposalVM) { vm.ErrorID = "staffp.doc.conflict" })
	case err != nil:
		return err
	}
	return c.Redirect(http.StatusSeeOther, s.staffHref(c, p.ID, "?done=doc_deleted#docs-h"))
}

// documentVM is a document as lists show it, with its links for the
// viewer (staff also get the forms to replace and delete it).
func (s *Server) documentVM(c echo.Context, proposalID int64, d db.Document) views.DocumentVM {
	ctx := c.Request().Context()
	href := i18n.Href(ctx, "/proposals/"+idString(proposalID)+"/documents/"+idString(d.ID))
	dv := views.DocumentVM{ID: d.ID, Name: d.Name, Kind: d.Kind, Size: d.Size, UploadedAt: d.UploadedAt, Version: d.Version, Href: href,
		SupersededAt: d.SupersededAt, DeletedAt: d.DeletedAt}
	if d.Kind == "pdf" {
		dv.ViewHref = href + "?view=1"
	}
	if dbViewer(c).Staff() && d.Current() {
		base := "/documents/" + idString(d.ID)
		dv.ReplaceAction = s.staffHref(c, proposalID, base+"/replace")
		dv.DeleteAction = s.staffHref(c, proposalID, base+"/delete")
	}
	return dv
}
