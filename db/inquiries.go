package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// InquiryStatuses are the states of a submitted inquiry, in triage order.
var InquiryStatuses = []string{"new", "in_review", "needs_info", "accepted", "declined"}

// InquiryCountries are the countries a partner company may be registered in.
var InquiryCountries = []string{"RU", "BY", "KZ", "AM", "KG", "AZ", "OM", "IQ", "AE", "OTHER"}

// MaxInquiryAttachments bounds an inquiry's attachments.
const MaxInquiryAttachments = 5

// Errors of inquiry changes.
var (
	// ErrNotEditable is a change to an inquiry its status does not allow:
	// a submitted inquiry is edited only when staff asked for information.
	ErrNotEditable = errors.New("inquiry not editable")
	// ErrTooManyAttachments is an attachment over MaxInquiryAttachments.
	ErrTooManyAttachments = errors.New("too many attachments")
)

// Inquiry is a joint-venture inquiry: a draft while the partner types it,
// then submitted with a reference number and triaged by staff.
type Inquiry struct {
	ID              int64
	UserID          int64
	Ref             string
	Status          string
	Step            int
	Company         string
	Country         string
	INN             string
	OGRN            string
	KPP             string
	Website         string
	Region          string
	ContactName     string
	ContactPosition string
	Email           string
	Phone           string
	Kind            string
	Models          string
	VolumePerYear   int
	Investment      int64 // whole currency units
	Currency        string
	Timeline        string
	NetworkPoints   int
	NetworkCities   string
	Message         string
	AssigneeID      int64
	AssigneeName    string
	ProposalID      int64
	DeclineReason   string
	OwnerName       string
	OwnerEmail      string
	CreatedAt       time.Time
	UpdatedAt       time.Time
	SubmittedAt     time.Time
}

// Editable reports whether the partner may change the inquiry: a draft,
// or one staff asked more information about.
func (q Inquiry) Editable() bool { return q.Status == "draft" || q.Status == "needs_info" }

const inquiryCols = `i.id, COALESCE(i.user_id, 0), COALESCE(i.ref, ''), i.status, i.step, i.company, i.country, i.inn, i.ogrn, i.kpp,
	i.website, i.region, i.contact_name, i.contact_position, i.email, i.phone, i.kind, i.models, i.volume_per_year, i.investment,
	i.currency, i.timeline, i.network_points, i.network_cities, i.message, COALESCE(i.assignee_id, 0),
	COALESCE((SELECT full_name FROM users WHERE id = i.assignee_id), ''), COALESCE(i.proposal_id, 0), i.decline_reason,
	COALESCE(u.full_name, ''), COALESCE(u.email, ''), i.created_at, i.updated_at, i.submitted_at`

const inquiryFrom = ` FROM inquiries i LEFT JOIN users u ON u.id = i.user_id `

func scanInquiry(r rowScanner) (Inquiry, error) {
	var q Inquiry
	var created, updated, submitted sql.NullString
	err := r.Scan(&q.ID, &q.UserID, &q.Ref, &q.Status, &q.Step, &q.Company, &q.Country, &q.INN, &q.OGRN, &q.KPP,
		&q.Website, &q.Region, &q.ContactName, &q.ContactPosition, &q.Email, &q.Phone, &q.Kind, &q.Models, &q.VolumePerYear,
		&q.Investment, &q.Currency, &q.Timeline, &q.NetworkPoints, &q.NetworkCities, &q.Message, &q.AssigneeID,
		&q.AssigneeName, &q.ProposalID, &q.DeclineReason, &q.OwnerName, &q.OwnerEmail, &created, &updated, &submitted)
	q.CreatedAt, q.UpdatedAt, q.SubmittedAt = parseTime(created), parseTime(updated), parseTime(submitted)
	return q, err
}

func scanInquiries(rows *sql.Rows, err error) ([]Inquiry, error) {
	if err != nil {
		return nil, fmt.Errorf("store: inquiries: %w", err)
	}
	defer rows.Close()
	var out []Inquiry
	for rows.Next() {
		q, err := scanInquiry(rows)
		if err != nil {
			return nil, fmt.Errorf("store: inquiries: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// inquirySearch is the folded text staff search an inquiry by.
func inquirySearch(q Inquiry) string {
	return Fold(strings.Join([]string{q.Ref, q.Company, q.INN, q.OGRN, q.ContactName, q.Email, q.Region}, " "))
}

// CreateInquiryDraft starts an empty draft for an account, or for a
// visitor's session (anonKey) when userID is 0, and returns its id.
func (t *Tx) CreateInquiryDraft(userID int64, anonKey string, now time.Time) (int64, error) {
	var anon any
	if anonKey != "" {
		anon = anonKey
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO inquiries(user_id, anon_key, created_at, updated_at) VALUES (?, ?, ?, ?)`,
		nullID(userID), anon, fmtTime(now), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: create inquiry draft: %w", err)
	}
	return res.LastInsertId()
}

// SaveInquiry writes the fields of an editable inquiry and the step the
// partner reached; ErrNotEditable once it is submitted (unless staff asked
// for information), ErrNotFound when it is not theirs.
func (t *Tx) SaveInquiry(q Inquiry, now time.Time) error {
	t.inquiriesChanged = true
	res, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET step = max(step, ?), company = ?, country = ?, inn = ?, ogrn = ?, kpp = ?,
		website = ?, region = ?, contact_name = ?, contact_position = ?, email = ?, phone = ?, kind = ?, models = ?,
		volume_per_year = ?, investment = ?, currency = ?, timeline = ?, network_points = ?, network_cities = ?, message = ?,
		search = ?, updated_at = ?
		WHERE id = ? AND status IN ('draft','needs_info')`,
		q.Step, q.Company, q.Country, q.INN, q.OGRN, q.KPP, q.Website, q.Region, q.ContactName, q.ContactPosition, q.Email, q.Phone,
		q.Kind, q.Models, q.VolumePerYear, q.Investment, q.Currency, q.Timeline, q.NetworkPoints, q.NetworkCities, q.Message,
		inquirySearch(q), fmtTime(now), q.ID)
	if err != nil {
		return fmt.Errorf("store: save inquiry %d: %w", q.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: save inquiry %d: %w", q.ID, ErrNotEditable)
	}
	return t.indexInquiry(q.ID)
}

// InquiryByID reads an inquiry in the transaction.
func (t *Tx) InquiryByID(id int64) (Inquiry, error) {
	q, err := scanInquiry(t.tx.QueryRowContext(t.ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Inquiry{}, fmt.Errorf("store: inquiry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Inquiry{}, fmt.Errorf("store: inquiry %d: %w", id, err)
	}
	return q, nil
}

// nextInquiryRef takes the next reference number of the year from its
// counter: JV-2026-000123.
func (t *Tx) nextInquiryRef(now time.Time) (string, error) {
	year := now.UTC().Year()
	var n int64
	err := t.tx.QueryRowContext(t.ctx, `INSERT INTO inquiry_counters(year, last) VALUES (?, 1)
		ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last`, year).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("store: inquiry counter %d: %w", year, err)
	}
	return fmt.Sprintf("JV-%04d-%06d", year, n), nil
}

// SubmitInquiry submits a draft, giving it its reference number, or
// resubmits one staff asked information about. The draft is the
// idempotency key: submitting an inquiry already submitted changes nothing
// and reports first false, so a double click or a resubmitted page makes
// one inquiry.
func (t *Tx) SubmitInquiry(id int64, actor User, now time.Time) (ref string, first bool, err error) {
	t.inquiriesChanged = true
	q, err := t.InquiryByID(id)
	if err != nil {
		return "", false, err
	}
	switch q.Status {
	case "draft":
		ref, err = t.nextInquiryRef(now)
		if err != nil {
			return "", false, err
		}
		q.Ref = ref
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET status = 'new', ref = ?, search = ?, submitted_at = ?, updated_at = ?
			WHERE id = ? AND status = 'draft'`, ref, inquirySearch(q), fmtTime(now), fmtTime(now), id); err != nil {
			return "", false, fmt.Errorf("store: submit inquiry %d: %w", id, err)
		}
		if err := t.indexInquiry(id); err != nil {
			return "", false, err
		}
		return ref, true, t.AddInquiryMessage(InquiryMessage{InquiryID: id, Kind: "submitted", AuthorID: actor.ID, AuthorName: actor.FullName, At: now})
	case "needs_info":
		if _, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET status = 'in_review', updated_at = ? WHERE id = ?`, fmtTime(now), id); err != nil {
			return "", false, fmt.Errorf("store: resubmit inquiry %d: %w", id, err)
		}
		return q.Ref, true, t.AddInquiryMessage(InquiryMessage{InquiryID: id, Kind: "resubmitted", AuthorID: actor.ID, AuthorName: actor.FullName, At: now})
	}
	return q.Ref, false, nil
}

// InquiryFor returns an inquiry the viewer may see: their own (drafts
// included), or for staff any submitted one; ErrNotFound otherwise, so
// another company's inquiry looks like none at all.
func (s *Store) InquiryFor(ctx context.Context, v Viewer, id int64) (Inquiry, error) {
	if !v.Member() {
		return Inquiry{}, fmt.Errorf("store: inquiry %d: %w", id, ErrNotFound)
	}
	q, err := scanInquiry(s.queryRow(ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.id = ?
		AND (i.user_id = ? OR (? AND i.status <> 'draft'))`, id, v.ID, v.Staff()))
	if errors.Is(err, sql.ErrNoRows) {
		return Inquiry{}, fmt.Errorf("store: inquiry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Inquiry{}, fmt.Errorf("store: inquiry %d: %w", id, err)
	}
	return q, nil
}

// InquiryByAnonKey returns a visitor's draft by the key in their session.
func (s *Store) InquiryByAnonKey(ctx context.Context, key string) (Inquiry, error) {
	q, err := scanInquiry(s.queryRow(ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.anon_key = ? AND i.user_id IS NULL`, key))
	if errors.Is(err, sql.ErrNoRows) {
		return Inquiry{}, fmt.Errorf("store: visitor's inquiry: %w", ErrNotFound)
	}
	if err != nil {
		return Inquiry{}, fmt.Errorf("store: visitor's inquiry: %w", err)
	}
	return q, nil
}

// ClaimAnonInquiry gives a visitor's draft to the account they registered
// or logged in as; it reports whether there was one to claim.
func (t *Tx) ClaimAnonInquiry(key string, userID int64, now time.Time) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(t.ctx, `UPDATE inquiries SET user_id = ?, anon_key = NULL, updated_at = ?
		WHERE anon_key = ? AND user_id IS NULL RETURNING id`, userID, fmtTime(now), key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: claim inquiry: %w", err)
	}
	return id, nil
}

// MyInquiries lists an account's inquiries, drafts included, newest first.
func (s *Store) MyInquiries(ctx context.Context, userID int64) ([]Inquiry, error) {
	return scanInquiries(s.query(ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.user_id = ? ORDER BY i.id DESC LIMIT 200`, userID))
}

// InquiryFilter selects staff's inbox rows.
type InquiryFilter struct {
	Status   string
	Assignee int64 // -1: unassigned
	Query    string
	Page     int
	PerPage  int
}

func (f InquiryFilter) where() (string, []any) {
	// Submitted inquiries are those with a submission time: the condition
	// lets the inbox walk the partial index on submitted_at.
	conds := []string{"i.submitted_at IS NOT NULL"}
	var args []any
	if f.Status != "" {
		conds = append(conds, "i.status = ?")
		args = append(args, f.Status)
	}
	switch {
	case f.Assignee == -1:
		conds = append(conds, "i.assignee_id IS NULL")
	case f.Assignee > 0:
		conds = append(conds, "i.assignee_id = ?")
		args = append(args, f.Assignee)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, `i.search LIKE ? ESCAPE '\'`)
		args = append(args, "%"+likeEscape(Fold(q))+"%")
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// cachedInbox is an inbox page kept while the inquiries version stands.
type cachedInbox struct {
	version int64
	list    []Inquiry
	total   int
}

// ListInquiries returns a page of submitted inquiries for staff, newest
// first, with the number of all that match. The inbox changes only when
// an inquiry does: a page is served from memory while the inquiries
// version stands.
func (s *Store) ListInquiries(ctx context.Context, f InquiryFilter) ([]Inquiry, int, error) {
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	version := s.InquiriesVersion()
	key := fmt.Sprintf("%+v", f)
	s.inboxMu.Lock()
	if c, ok := s.inbox[key]; ok && c.version == version {
		s.inboxMu.Unlock()
		return c.list, c.total, nil
	}
	s.inboxMu.Unlock()
	list, total, err := s.listInquiries(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	s.inboxMu.Lock()
	if s.inbox == nil || len(s.inbox) >= 512 {
		s.inbox = map[string]cachedInbox{}
	}
	s.inbox[key] = cachedInbox{version: version, list: list, total: total}
	s.inboxMu.Unlock()
	return list, total, nil
}

func (s *Store) listInquiries(ctx context.Context, f InquiryFilter) ([]Inquiry, int, error) {
	where, args := f.where()
	var total int
	if err := s.queryRow(ctx, `SELECT count(*) FROM inquiries i`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count inquiries: %w", err)
	}
	list, err := scanInquiries(s.query(ctx, `SELECT `+inquiryCols+inquiryFrom+where+` ORDER BY i.submitted_at DESC, i.id DESC LIMIT ? OFFSET ?`,
		append(args, f.PerPage, (f.Page-1)*f.PerPage)...))
	return list, total, err
}

// ExportInquiries returns every submitted inquiry that matches, for CSV.
func (s *Store) ExportInquiries(ctx context.Context, f InquiryFilter) ([]Inquiry, error) {
	where, args := f.where()
	return scanInquiries(s.db.Read.QueryContext(ctx, `SELECT `+inquiryCols+inquiryFrom+where+` ORDER BY i.submitted_at DESC, i.id DESC`, args...))
}

// InquiriesByINN lists the other submitted inquiries of the same INN, for
// the company's history.
func (s *Store) InquiriesByINN(ctx context.Context, inn string, except int64) ([]Inquiry, error) {
	if inn == "" {
		return nil, nil
	}
	return scanInquiries(s.query(ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.inn = ? AND i.id <> ? AND i.status <> 'draft'
		ORDER BY i.submitted_at DESC LIMIT 50`, inn, except))
}

// InquiryOfProposal returns the inquiry a proposal was made from.
func (s *Store) InquiryOfProposal(ctx context.Context, v Viewer, proposalID int64) (Inquiry, error) {
	q, err := scanInquiry(s.queryRow(ctx, `SELECT `+inquiryCols+inquiryFrom+`WHERE i.proposal_id = ? AND (? OR i.user_id = ?)
		ORDER BY i.id LIMIT 1`, proposalID, v.Staff(), v.ID))
	if errors.Is(err, sql.ErrNoRows) {
		return Inquiry{}, fmt.Errorf("store: inquiry of proposal %d: %w", proposalID, ErrNotFound)
	}
	if err != nil {
		return Inquiry{}, fmt.Errorf("store: inquiry of proposal %d: %w", proposalID, err)
	}
	return q, nil
}

// InquiryMessage is an entry of an inquiry's thread.
type InquiryMessage struct {
	ID         int64
	InquiryID  int64
	Kind       string
	AuthorID   int64
	AuthorName string
	Staff      bool
	Body       string
	At         time.Time
}

// AddInquiryMessage appends to an inquiry's thread.
func (t *Tx) AddInquiryMessage(m InquiryMessage) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO inquiry_messages(inquiry_id, kind, author_id, author_name, staff, body, at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.InquiryID, m.Kind, nullID(m.AuthorID), m.AuthorName, m.Staff, m.Body, fmtTime(m.At))
	if err != nil {
		return fmt.Errorf("store: inquiry %d message: %w", m.InquiryID, err)
	}
	return nil
}

// InquiryMessages is an inquiry's thread, oldest first.
func (s *Store) InquiryMessages(ctx context.Context, inquiryID int64) ([]InquiryMessage, error) {
	rows, err := s.query(ctx, `SELECT id, inquiry_id, kind, COALESCE(author_id, 0), author_name, staff, body, at
		FROM inquiry_messages WHERE inquiry_id = ? ORDER BY id`, inquiryID)
	if err != nil {
		return nil, fmt.Errorf("store: inquiry %d messages: %w", inquiryID, err)
	}
	defer rows.Close()
	var out []InquiryMessage
	for rows.Next() {
		var m InquiryMessage
		var at sql.NullString
		if err := rows.Scan(&m.ID, &m.InquiryID, &m.Kind, &m.AuthorID, &m.AuthorName, &m.Staff, &m.Body, &at); err != nil {
			return nil, err
		}
		m.At = parseTime(at)
		out = append(out, m)
	}
	return out, rows.Err()
}

// SetInquiryStatus moves a submitted inquiry to a status; from lists the
// statuses it may leave (ErrNotEditable otherwise).
func (t *Tx) SetInquiryStatus(id int64, to string, from []string, now time.Time) error {
	t.inquiriesChanged = true
	ph := strings.TrimSuffix(strings.Repeat("?,", len(from)), ",")
	args := []any{to, fmtTime(now), id}
	for _, f := range from {
		args = append(args, f)
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET status = ?, updated_at = ? WHERE id = ? AND status IN (`+ph+`)`, args...)
	if err != nil {
		return fmt.Errorf("store: inquiry %d status: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("store: inquiry %d status %s: %w", id, to, ErrNotEditable)
	}
	return nil
}

// AssignInquiry gives an inquiry to a staff member (0: nobody).
func (t *Tx) AssignInquiry(id, staffID int64, now time.Time) error {
	t.inquiriesChanged = true
	_, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET assignee_id = ?, updated_at = ? WHERE id = ? AND status <> 'draft'`,
		nullID(staffID), fmtTime(now), id)
	if err != nil {
		return fmt.Errorf("store: assign inquiry %d: %w", id, err)
	}
	return nil
}

// DeclineInquiry closes an inquiry with the reason the partner is sent.
func (t *Tx) DeclineInquiry(id int64, reason string, now time.Time) error {
	t.inquiriesChanged = true
	if err := t.SetInquiryStatus(id, "declined", []string{"new", "in_review", "needs_info"}, now); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET decline_reason = ? WHERE id = ?`, reason, id); err != nil {
		return fmt.Errorf("store: decline inquiry %d: %w", id, err)
	}
	return t.indexInquiry(id)
}

// AcceptInquiry turns an inquiry into a partnership proposal at stage New,
// with the partner's account as participant and the type, region, volume,
// models and investment carried over, and links the two both ways.
// nda is the proposal's NDA text, which the partner accepts to see its
// details.
func (t *Tx) AcceptInquiry(id int64, title L10n, nda string, actor User, now time.Time) (int64, error) {
	t.inquiriesChanged = true
	q, err := t.InquiryByID(id)
	if err != nil {
		return 0, err
	}
	if err := t.SetInquiryStatus(id, "accepted", []string{"new", "in_review", "needs_info"}, now); err != nil {
		return 0, err
	}
	currency := q.Currency
	if !contains(ProposalCurrencies, currency) {
		currency = "RUB"
	}
	kind := q.Kind
	if !contains(ProposalKinds, kind) {
		kind = "joint_venture"
	}
	summary := q.Message
	pid, err := t.CreateProposal(ProposalInput{
		Kind: kind, Title: title, Summary: L10n{RU: summary, EN: summary, FA: summary}, Market: "ru", Region: q.Region,
		Models: q.Models, VolumePerYear: q.VolumePerYear, InvestMin: q.Investment, InvestMax: q.Investment, Currency: currency,
		KeyTerms: "", Visibility: "private", NDAText: nda, OwnerID: actor.ID,
	}, actor, now)
	if err != nil {
		return 0, err
	}
	if q.UserID != 0 {
		if err := t.AddParticipant(pid, q.UserID, q.Company, now); err != nil {
			return 0, err
		}
	}
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE inquiries SET proposal_id = ? WHERE id = ?`, pid, id); err != nil {
		return 0, fmt.Errorf("store: link inquiry %d: %w", id, err)
	}
	return pid, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// InquiryAttachment is a PDF attached to an inquiry.
type InquiryAttachment struct {
	ID        int64
	InquiryID int64
	Name      string
	File      string
	Size      int64
	SHA256    string
	AddedAt   time.Time
}

// AddInquiryAttachment records an attachment of an editable inquiry;
// ErrTooManyAttachments past MaxInquiryAttachments.
func (t *Tx) AddInquiryAttachment(a InquiryAttachment, now time.Time) (int64, error) {
	var n int
	var status string
	if err := t.tx.QueryRowContext(t.ctx, `SELECT status, (SELECT count(*) FROM inquiry_attachments WHERE inquiry_id = i.id)
		FROM inquiries i WHERE i.id = ?`, a.InquiryID).Scan(&status, &n); err != nil {
		return 0, fmt.Errorf("store: inquiry %d attachments: %w", a.InquiryID, err)
	}
	if status != "draft" && status != "needs_info" {
		return 0, ErrNotEditable
	}
	if n >= MaxInquiryAttachments {
		return 0, ErrTooManyAttachments
	}
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO inquiry_attachments(inquiry_id, name, file, size, sha256, added_at) VALUES (?, ?, ?, ?, ?, ?)`,
		a.InquiryID, a.Name, a.File, a.Size, a.SHA256, fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: add inquiry attachment: %w", err)
	}
	return res.LastInsertId()
}

// RemoveInquiryAttachment deletes an editable inquiry's attachment and
// returns its stored file name.
func (t *Tx) RemoveInquiryAttachment(inquiryID, id int64) (string, error) {
	var file string
	err := t.tx.QueryRowContext(t.ctx, `DELETE FROM inquiry_attachments WHERE id = ? AND inquiry_id = ?
		AND EXISTS (SELECT 1 FROM inquiries WHERE id = ? AND status IN ('draft','needs_info')) RETURNING file`, id, inquiryID, inquiryID).Scan(&file)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("store: inquiry attachment %d: %w", id, ErrNotFound)
	}
	return file, err
}

// InquiryAttachments lists an inquiry's attachments.
func (s *Store) InquiryAttachments(ctx context.Context, inquiryID int64) ([]InquiryAttachment, error) {
	rows, err := s.query(ctx, `SELECT id, inquiry_id, name, file, size, sha256, added_at FROM inquiry_attachments WHERE inquiry_id = ? ORDER BY id`, inquiryID)
	if err != nil {
		return nil, fmt.Errorf("store: inquiry %d attachments: %w", inquiryID, err)
	}
	defer rows.Close()
	var out []InquiryAttachment
	for rows.Next() {
		var a InquiryAttachment
		var at sql.NullString
		if err := rows.Scan(&a.ID, &a.InquiryID, &a.Name, &a.File, &a.Size, &a.SHA256, &at); err != nil {
			return nil, err
		}
		a.AddedAt = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// CountInquiries counts submitted inquiries with a reference number, and
// those whose number appears more than once (never, by the UNIQUE
// constraint; the crash test checks it anyway).
func (s *Store) CountInquiries(ctx context.Context) (int, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM inquiries WHERE ref IS NOT NULL`).Scan(&n)
	return n, err
}
