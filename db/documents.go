package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Question is a participant's question on a proposal and staff's answer;
// an answer published as FAQ is shown to every participant.
type Question struct {
	ID         int64
	ProposalID int64
	AskerID    int64
	AskerName  string
	Question   string
	AskedAt    time.Time
	Answer     string
	AnsweredAt time.Time
	FAQ        bool
}

// AskQuestion records a participant's question; ErrNotFound when the
// person does not take part in the proposal.
func (t *Tx) AskQuestion(proposalID, userID int64, text string, now time.Time) (int64, error) {
	t.proposalChanged(proposalID)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_questions(proposal_id, asker_id, question, asked_at)
		SELECT pp.proposal_id, pp.user_id, ?, ? FROM proposal_participants pp WHERE pp.proposal_id = ? AND pp.user_id = ?`,
		text, fmtTime(now), proposalID, userID)
	if err != nil {
		return 0, fmt.Errorf("store: ask on proposal %d: %w", proposalID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, fmt.Errorf("store: ask on proposal %d: %w", proposalID, ErrNotFound)
	}
	return res.LastInsertId()
}

// AnswerQuestion stores staff's answer, published as FAQ or only to the
// asker, and returns the question.
func (t *Tx) AnswerQuestion(proposalID, questionID, by int64, answer string, faq bool, now time.Time) (Question, error) {
	t.proposalChanged(proposalID)
	res, err := t.tx.ExecContext(t.ctx, `UPDATE proposal_questions SET answer = ?, answered_by = ?, answered_at = ?, faq = ? WHERE id = ? AND proposal_id = ?`,
		answer, nullID(by), fmtTime(now), faq, questionID, proposalID)
	if err := checkOne(res, err, "answer question", questionID); err != nil {
		return Question{}, err
	}
	var q Question
	var asked, answered sql.NullString
	err = t.tx.QueryRowContext(t.ctx, `SELECT q.id, q.proposal_id, COALESCE(q.asker_id, 0), COALESCE(u.full_name, ''), q.question, q.asked_at,
		q.answer, q.answered_at, q.faq FROM proposal_questions q LEFT JOIN users u ON u.id = q.asker_id WHERE q.id = ?`, questionID).
		Scan(&q.ID, &q.ProposalID, &q.AskerID, &q.AskerName, &q.Question, &asked, &q.Answer, &answered, &q.FAQ)
	q.AskedAt, q.AnsweredAt = parseTime(asked), parseTime(answered)
	return q, err
}

// Questions lists a proposal's questions the viewer may read: staff all of
// them, a participant their own and the published FAQ entries.
func (s *Store) Questions(ctx context.Context, v Viewer, proposalID int64) ([]Question, error) {
	scope, args := participantScope(v)
	rows, err := s.query(ctx, `SELECT q.id, q.proposal_id, COALESCE(q.asker_id, 0), COALESCE(u.full_name, ''), q.question, q.asked_at,
		q.answer, q.answered_at, q.faq FROM proposal_questions q JOIN proposals p ON p.id = q.proposal_id LEFT JOIN users u ON u.id = q.asker_id
		WHERE q.proposal_id = ? AND `+scope+` AND (? OR q.asker_id = ? OR (q.faq = 1 AND q.answer <> ''))
		ORDER BY q.asked_at, q.id`, append(append([]any{proposalID}, args...), v.Staff(), v.ID)...)
	if err != nil {
		return nil, fmt.Errorf("store: questions of %d: %w", proposalID, err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var asked, answered sql.NullString
		if err := rows.Scan(&q.ID, &q.ProposalID, &q.AskerID, &q.AskerName, &q.Question, &asked, &q.Answer, &answered, &q.FAQ); err != nil {
			return nil, fmt.Errorf("store: questions of %d: %w", proposalID, err)
		}
		q.AskedAt, q.AnsweredAt = parseTime(asked), parseTime(answered)
		out = append(out, q)
	}
	return out, rows.Err()
}

// Document is a file attached to a proposal: one version of a document
// series. Replacing a document adds a version to its series and keeps
// the old one (its file and its access records) for staff; deleting hides
// the series from participants and keeps every row.
type Document struct {
	ID         int64
	ProposalID int64
	Name       string
	File       string
	Kind       string
	Size       int64
	SHA256     string
	UploadedAt time.Time
	// SeriesID is the first version's id; Version counts from 1.
	SeriesID int64
	Version  int
	// SupersededAt is set on a version a newer one replaced; DeletedAt on
	// a deleted document's versions.
	SupersededAt time.Time
	DeletedAt    time.Time
}

// Current reports whether the row is the version participants see.
func (d Document) Current() bool { return d.SupersededAt.IsZero() && d.DeletedAt.IsZero() }

// AddDocument records an uploaded file stored under file, as the first
// version of a new document.
func (t *Tx) AddDocument(d Document, by int64, now time.Time) (int64, error) {
	t.proposalChanged(d.ProposalID)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_documents(proposal_id, name, file, kind, size, sha256, uploaded_by, uploaded_at, series_id, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 1)`, d.ProposalID, d.Name, d.File, d.Kind, d.Size, d.SHA256, nullID(by), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: add document to %d: %w", d.ProposalID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE proposal_documents SET series_id = id WHERE id = ?`, id); err != nil {
		return 0, fmt.Errorf("store: add document to %d: %w", d.ProposalID, err)
	}
	return id, nil
}

// ReplaceDocument adds d as the next version of the current document
// oldID of the proposal and marks oldID superseded; it returns the new
// version's row. ErrNotFound when oldID is no document of the proposal;
// ErrConflict when it is no longer current (replaced or deleted
// meanwhile).
func (t *Tx) ReplaceDocument(proposalID, oldID int64, d Document, by int64, now time.Time) (Document, error) {
	old, err := t.currentDocument(proposalID, oldID)
	if err != nil {
		return Document{}, err
	}
	t.proposalChanged(proposalID)
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE proposal_documents SET superseded_at = ? WHERE id = ?`, fmtTime(now), old.ID); err != nil {
		return Document{}, fmt.Errorf("store: replace document %d: %w", oldID, err)
	}
	d.ProposalID, d.SeriesID, d.Version, d.UploadedAt = proposalID, old.SeriesID, old.Version+1, now.UTC()
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_documents(proposal_id, name, file, kind, size, sha256, uploaded_by, uploaded_at, series_id, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, proposalID, d.Name, d.File, d.Kind, d.Size, d.SHA256, nullID(by), fmtTime(now), d.SeriesID, d.Version)
	if err != nil {
		return Document{}, fmt.Errorf("store: replace document %d: %w", oldID, err)
	}
	d.ID, err = res.LastInsertId()
	return d, err
}

// DeleteDocument hides the current document docID (every version of its
// series) from participants; the rows, files and access records stay.
// ErrNotFound when docID is no document of the proposal; ErrConflict when
// it is no longer current.
func (t *Tx) DeleteDocument(proposalID, docID, by int64, now time.Time) (Document, error) {
	d, err := t.currentDocument(proposalID, docID)
	if err != nil {
		return Document{}, err
	}
	t.proposalChanged(proposalID)
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE proposal_documents SET deleted_at = ?, deleted_by = ? WHERE series_id = ? AND deleted_at IS NULL`,
		fmtTime(now), nullID(by), d.SeriesID); err != nil {
		return Document{}, fmt.Errorf("store: delete document %d: %w", docID, err)
	}
	d.DeletedAt = now.UTC()
	return d, nil
}

// currentDocument reads a proposal's document row for a change: it must
// be the current version of a document that is not deleted.
func (t *Tx) currentDocument(proposalID, docID int64) (Document, error) {
	d, err := scanDocument(t.tx.QueryRowContext(t.ctx, `SELECT `+documentCols+` FROM proposal_documents d WHERE d.id = ? AND d.proposal_id = ?`, docID, proposalID))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("store: document %d: %w", docID, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("store: document %d: %w", docID, err)
	}
	if !d.Current() {
		return d, fmt.Errorf("store: document %d: %w", docID, ErrConflict)
	}
	return d, nil
}

const documentCols = `d.id, d.proposal_id, d.name, d.file, d.kind, d.size, d.sha256, d.uploaded_at, d.series_id, d.version, d.superseded_at, d.deleted_at`

// Documents lists a proposal's current documents for a viewer who may
// open them: staff, or a participant who accepted the current NDA.
func (s *Store) Documents(ctx context.Context, v Viewer, proposalID int64) ([]Document, error) {
	return s.documents(ctx, `SELECT `+documentCols+` FROM proposal_documents d JOIN proposals p ON p.id = d.proposal_id
		WHERE d.proposal_id = ? AND d.superseded_at IS NULL AND d.deleted_at IS NULL AND `+ndaScope+` ORDER BY d.series_id, d.id`, proposalID, v.Staff(), v.ID)
}

// DocumentVersions lists, for staff, a proposal's earlier versions and
// deleted documents, newest first; anyone else gets none.
func (s *Store) DocumentVersions(ctx context.Context, v Viewer, proposalID int64) ([]Document, error) {
	if !v.Staff() {
		return nil, nil
	}
	return s.documents(ctx, `SELECT `+documentCols+` FROM proposal_documents d
		WHERE d.proposal_id = ? AND (d.superseded_at IS NOT NULL OR d.deleted_at IS NOT NULL) ORDER BY d.series_id, d.version DESC`, proposalID)
}

func (s *Store) documents(ctx context.Context, q string, args ...any) ([]Document, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: documents of %v: %w", args[0], err)
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, fmt.Errorf("store: documents of %v: %w", args[0], err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ndaScope admits staff (first argument) and participants (second
// argument, the user id) who accepted the proposal p's current NDA.
const ndaScope = `(? OR EXISTS (SELECT 1 FROM proposal_participants sp JOIN nda_acceptances n ON n.proposal_id = sp.proposal_id
	AND n.user_id = sp.user_id AND n.nda_version = p.nda_version WHERE sp.proposal_id = p.id AND sp.user_id = ?))`

func scanDocument(r rowScanner) (Document, error) {
	var d Document
	var at, superseded, deleted sql.NullString
	err := r.Scan(&d.ID, &d.ProposalID, &d.Name, &d.File, &d.Kind, &d.Size, &d.SHA256, &at, &d.SeriesID, &d.Version, &superseded, &deleted)
	d.UploadedAt, d.SupersededAt, d.DeletedAt = parseTime(at), parseTime(superseded), parseTime(deleted)
	return d, err
}

// DocumentFor returns a document the viewer may open: for a participant
// past the NDA gate, the current version of a document that is not
// deleted; staff may open every version, deleted ones included.
// ErrNotFound otherwise.
func (s *Store) DocumentFor(ctx context.Context, v Viewer, proposalID, docID int64) (Document, error) {
	d, err := scanDocument(s.queryRow(ctx, `SELECT `+documentCols+`
		FROM proposal_documents d JOIN proposals p ON p.id = d.proposal_id
		WHERE d.id = ? AND d.proposal_id = ? AND (? OR (d.superseded_at IS NULL AND d.deleted_at IS NULL)) AND `+ndaScope,
		docID, proposalID, v.Staff(), v.Staff(), v.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, fmt.Errorf("store: document %d: %w", docID, ErrNotFound)
	}
	if err != nil {
		return Document{}, fmt.Errorf("store: document %d: %w", docID, err)
	}
	return d, nil
}

// RecordDocumentAccess notes that someone viewed or downloaded a document.
func (s *Store) RecordDocumentAccess(ctx context.Context, docID, userID int64, action, ip string, now time.Time) error {
	_, err := s.db.Write.ExecContext(ctx, `INSERT INTO document_access(document_id, user_id, action, at, ip) VALUES (?, ?, ?, ?, ?)`,
		docID, nullID(userID), action, fmtTime(now), ip)
	if err != nil {
		return fmt.Errorf("store: document access %d: %w", docID, err)
	}
	return nil
}

// DocumentAccess is one view or download of a document.
type DocumentAccess struct {
	Document string
	Version  int
	UserName string
	Company  string
	Action   string
	At       time.Time
	IP       string
}

// DocumentAccessLog lists who opened a proposal's documents, newest
// first; staff only.
func (s *Store) DocumentAccessLog(ctx context.Context, v Viewer, proposalID int64, limit int) ([]DocumentAccess, error) {
	if !v.Staff() {
		return nil, nil
	}
	rows, err := s.query(ctx, `SELECT d.name, d.version, COALESCE(u.full_name, ''), COALESCE(u.company, ''), a.action, a.at, a.ip
		FROM document_access a JOIN proposal_documents d ON d.id = a.document_id LEFT JOIN users u ON u.id = a.user_id
		WHERE d.proposal_id = ? ORDER BY a.at DESC, a.id DESC LIMIT ?`, proposalID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: document access of %d: %w", proposalID, err)
	}
	defer rows.Close()
	var out []DocumentAccess
	for rows.Next() {
		var a DocumentAccess
		var at sql.NullString
		if err := rows.Scan(&a.Document, &a.Version, &a.UserName, &a.Company, &a.Action, &at, &a.IP); err != nil {
			return nil, fmt.Errorf("store: document access of %d: %w", proposalID, err)
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
