package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Enumerations of proposals, in display order.
var (
	// ProposalKinds are the kinds of partnership a proposal offers.
	ProposalKinds = []string{"distribution", "assembly", "joint_venture", "aftersales", "financing"}
	// ProposalMarkets are the export markets a proposal is for.
	ProposalMarkets = []string{"ru", "az", "om", "iq"}
	// ProposalCurrencies are the currencies of investment ranges.
	ProposalCurrencies = []string{"RUB", "USD", "EUR", "CNY", "AED"}
	// ProposalVisibilities are who sees a proposal's teaser.
	ProposalVisibilities = []string{"public", "members", "private"}
	// PipelineStages are the open stages of the negotiation, in order.
	PipelineStages = []string{"new", "qualification", "nda_signed", "term_sheet", "due_diligence", "contract_drafting", "signed"}
	// ClosedStages are the states a negotiation leaves the pipeline for.
	ClosedStages = []string{"declined", "withdrawn", "on_hold"}
	// AllStages is every stage: the pipeline, then the closed states.
	AllStages = append(slices.Clone(PipelineStages), ClosedStages...)
)

// StageMoves is the negotiation pipeline's transition table: from a stage,
// the stages a proposal may be moved to. A forward move goes one stage at
// a time; one step back is allowed (a term sheet reopened in due
// diligence); an open stage may be declined, withdrawn or put on hold; a
// proposal on hold resumes at any open stage before signing. Signed,
// declined and withdrawn are final.
var StageMoves = map[string][]string{
	"new":               {"qualification", "declined", "withdrawn", "on_hold"},
	"qualification":     {"nda_signed", "new", "declined", "withdrawn", "on_hold"},
	"nda_signed":        {"term_sheet", "qualification", "declined", "withdrawn", "on_hold"},
	"term_sheet":        {"due_diligence", "nda_signed", "declined", "withdrawn", "on_hold"},
	"due_diligence":     {"contract_drafting", "term_sheet", "declined", "withdrawn", "on_hold"},
	"contract_drafting": {"signed", "due_diligence", "declined", "withdrawn", "on_hold"},
	"on_hold":           {"new", "qualification", "nda_signed", "term_sheet", "due_diligence", "contract_drafting", "declined", "withdrawn"},
	"signed":            nil,
	"declined":          nil,
	"withdrawn":         nil,
}

// CanMove reports whether the pipeline allows moving from one stage to
// another.
func CanMove(from, to string) bool { return slices.Contains(StageMoves[from], to) }

// Errors of proposal changes.
var (
	// ErrMoveNotAllowed is a stage move the pipeline does not allow.
	ErrMoveNotAllowed = errors.New("stage move not allowed")
)

// Viewer is who a query serves: every query that serves a person scopes
// its rows to what that person may see, in SQL.
type Viewer struct {
	ID   int64
	Role string
}

// Staff reports whether the viewer is export staff or an admin, who see
// every proposal.
func (v Viewer) Staff() bool { return v.Role == "staff" || v.Role == "admin" }

// Member reports whether the viewer is a logged-in, approved person.
func (v Viewer) Member() bool { return v.ID != 0 }

// L10n is a text in the portal's three languages.
type L10n struct{ RU, EN, FA string }

// In returns the text in lang, falling back to English, then Russian.
func (l L10n) In(lang string) Text {
	switch {
	case lang == "ru" && l.RU != "":
		return Text{l.RU, "ru"}
	case lang == "fa" && l.FA != "":
		return Text{l.FA, "fa"}
	case l.EN != "":
		return Text{l.EN, "en"}
	}
	return Text{l.RU, "ru"}
}

// Proposal is a partnership proposal and where its negotiation stands.
type Proposal struct {
	ID            int64
	Kind          string
	Title         L10n
	Summary       L10n
	Market        string
	Region        string
	Models        string
	VolumePerYear int
	InvestMin     int64 // whole currency units
	InvestMax     int64
	Currency      string
	KeyTerms      string
	Visibility    string
	NDAText       string
	NDAVersion    int
	Stage         string
	StageSince    time.Time
	NextStep      string
	NextDue       string // YYYY-MM-DD or ""
	OwnerID       int64
	OwnerName     string
	Version       int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Partner is the first participant's company, for cards.
	Partner string
	// Participant is set when the viewer takes part; NDAAccepted when they
	// accepted the current NDA text.
	Participant bool
	NDAAccepted bool
}

const proposalCols = `p.id, p.kind, p.title_ru, p.title_en, p.title_fa, p.summary_ru, p.summary_en, p.summary_fa, p.market, p.region,
	p.models, p.volume_per_year, p.invest_min, p.invest_max, p.currency, p.key_terms, p.visibility, p.nda_text, p.nda_version,
	p.stage, p.stage_since, p.next_step, p.next_due, COALESCE(p.owner_id, 0), COALESCE((SELECT full_name FROM users WHERE id = p.owner_id), ''),
	p.version, p.created_at, p.updated_at,
	COALESCE((SELECT company FROM proposal_participants pp0 WHERE pp0.proposal_id = p.id ORDER BY added_at, user_id LIMIT 1), '')`

func scanProposal(r rowScanner, extra ...any) (Proposal, error) {
	var p Proposal
	var since, created, updated sql.NullString
	dest := []any{&p.ID, &p.Kind, &p.Title.RU, &p.Title.EN, &p.Title.FA, &p.Summary.RU, &p.Summary.EN, &p.Summary.FA,
		&p.Market, &p.Region, &p.Models, &p.VolumePerYear, &p.InvestMin, &p.InvestMax, &p.Currency, &p.KeyTerms, &p.Visibility,
		&p.NDAText, &p.NDAVersion, &p.Stage, &since, &p.NextStep, &p.NextDue, &p.OwnerID, &p.OwnerName, &p.Version, &created, &updated, &p.Partner}
	err := r.Scan(append(dest, extra...)...)
	p.StageSince, p.CreatedAt, p.UpdatedAt = parseTime(since), parseTime(created), parseTime(updated)
	return p, err
}

// scope is the SQL condition (on alias p) and its arguments that limit
// proposals to those the viewer takes part in; staff see all.
func participantScope(v Viewer) (string, []any) {
	if v.Staff() {
		return "1=1", nil
	}
	return "EXISTS (SELECT 1 FROM proposal_participants sp WHERE sp.proposal_id = p.id AND sp.user_id = ?)", []any{v.ID}
}

// ProposalFor returns a proposal the viewer takes part in (staff: any),
// with whether they accepted its current NDA; ErrNotFound otherwise, so
// a guessed id of someone else's proposal looks like no proposal at all.
func (s *Store) ProposalFor(ctx context.Context, v Viewer, id int64) (Proposal, error) {
	if !v.Member() {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	var part, nda int
	row := s.queryRow(ctx, `SELECT `+proposalCols+`,
		EXISTS (SELECT 1 FROM proposal_participants x WHERE x.proposal_id = p.id AND x.user_id = ?),
		EXISTS (SELECT 1 FROM nda_acceptances n WHERE n.proposal_id = p.id AND n.user_id = ? AND n.nda_version = p.nda_version)
		FROM proposals p WHERE p.id = ? AND (? OR EXISTS (SELECT 1 FROM proposal_participants sp WHERE sp.proposal_id = p.id AND sp.user_id = ?))`,
		v.ID, v.ID, id, v.Staff(), v.ID)
	p, err := scanProposal(row, &part, &nda)
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, err)
	}
	p.Participant, p.NDAAccepted = part == 1, nda == 1
	return p, nil
}

// ProposalAccess is what a viewer may do with a proposal: whether they
// take part and accepted its current NDA text.
type ProposalAccess struct {
	Participant bool
	NDAAccepted bool
}

// ProposalAccessFor decides, in one small query, whether the viewer may
// see a proposal (they take part; staff: any) and how far: the check a
// kept page is served after. ErrNotFound otherwise, as ProposalFor.
func (s *Store) ProposalAccessFor(ctx context.Context, v Viewer, id int64) (ProposalAccess, error) {
	if !v.Member() {
		return ProposalAccess{}, fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	var part, nda int
	err := s.queryRow(ctx, `SELECT
		EXISTS (SELECT 1 FROM proposal_participants x WHERE x.proposal_id = p.id AND x.user_id = ?1),
		EXISTS (SELECT 1 FROM nda_acceptances n WHERE n.proposal_id = p.id AND n.user_id = ?1 AND n.nda_version = p.nda_version)
		FROM proposals p WHERE p.id = ?2`, v.ID, id).Scan(&part, &nda)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && part == 0 && !v.Staff()) {
		return ProposalAccess{}, fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return ProposalAccess{}, fmt.Errorf("store: proposal %d: %w", id, err)
	}
	return ProposalAccess{Participant: part == 1, NDAAccepted: nda == 1}, nil
}

// proposalTeaserVisible (on alias p; arguments: staff, member, viewer id)
// is whether the viewer sees a proposal's teaser: public ones everyone,
// members-only ones approved members, and those they take part in; staff
// all. Search applies the same rule to its documents (searchAccess).
const proposalTeaserVisible = `(? OR p.visibility = 'public' OR (? AND p.visibility = 'members')
		OR EXISTS (SELECT 1 FROM proposal_participants sp WHERE sp.proposal_id = p.id AND sp.user_id = ?))`

// ListVisibleProposals returns a page of the proposals whose teaser the
// viewer may see: public ones for everyone, members-only ones for approved
// members, and those the viewer takes part in; staff see all. Newest
// first, with the number of all of them.
func (s *Store) ListVisibleProposals(ctx context.Context, v Viewer, page, perPage int) ([]Proposal, int, error) {
	if perPage <= 0 {
		perPage = 50
	}
	if page < 1 {
		page = 1
	}
	const where = `WHERE ` + proposalTeaserVisible
	var total int
	if err := s.queryRow(ctx, `SELECT count(*) FROM proposals p `+where, v.Staff(), v.Member(), v.ID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: count proposals: %w", err)
	}
	var part int
	rows, err := s.query(ctx, `SELECT `+proposalCols+`,
		EXISTS (SELECT 1 FROM proposal_participants x WHERE x.proposal_id = p.id AND x.user_id = ?)
		FROM proposals p `+where+`
		ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?`, v.ID, v.Staff(), v.Member(), v.ID, perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, fmt.Errorf("store: list proposals: %w", err)
	}
	defer rows.Close()
	var out []Proposal
	for rows.Next() {
		p, err := scanProposal(rows, &part)
		if err != nil {
			return nil, 0, fmt.Errorf("store: list proposals: %w", err)
		}
		p.Participant = part == 1
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// BoardFilter narrows the staff pipeline board.
type BoardFilter struct {
	Kind, Market string
	OwnerID      int64
	// PerStage bounds the cards of each column (the longest in stage
	// first); the column's count is always complete.
	PerStage int
	// Stage, when set, limits the board to that stage's column, whose
	// cards start after Offset: one page of a column.
	Stage  string
	Offset int
}

// BoardColumn is one stage of the board.
type BoardColumn struct {
	Stage string
	Count int
	Cards []Proposal
}

// Board returns the staff pipeline board: a column per stage with its
// count and its cards, longest in stage first. Staff only: a viewer who
// is not staff gets ErrNotFound.
func (s *Store) Board(ctx context.Context, v Viewer, f BoardFilter) ([]BoardColumn, error) {
	if !v.Staff() {
		return nil, fmt.Errorf("store: board: %w", ErrNotFound)
	}
	where := []string{"1=1"}
	var args []any
	if f.Kind != "" {
		where = append(where, "p.kind = ?")
		args = append(args, f.Kind)
	}
	if f.Market != "" {
		where = append(where, "p.market = ?")
		args = append(args, f.Market)
	}
	if f.OwnerID != 0 {
		where = append(where, "p.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.PerStage <= 0 {
		f.PerStage = 20
	}
	// The board changes only when a proposal does: serve it from memory
	// while the proposals version stands.
	version := s.ProposalsVersion()
	key := fmt.Sprintf("%+v", f)
	s.boardMu.Lock()
	if c, ok := s.boards[key]; ok && c.version == version {
		s.boardMu.Unlock()
		return c.cols, nil
	}
	s.boardMu.Unlock()
	w := strings.Join(where, " AND ")
	counts := map[string]int{}
	rows, err := s.query(ctx, `SELECT p.stage, count(*) FROM proposals p WHERE `+w+` GROUP BY p.stage`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: board counts: %w", err)
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: board counts: %w", err)
		}
		counts[st] = n
	}
	rows.Close()
	stages := AllStages
	if f.Stage != "" {
		stages = []string{f.Stage}
	}
	cols := make([]BoardColumn, 0, len(stages))
	for _, st := range stages {
		col := BoardColumn{Stage: st, Count: counts[st]}
		if col.Count > f.Offset {
			rows, err := s.query(ctx, `SELECT `+proposalCols+` FROM proposals p WHERE p.stage = ? AND `+w+`
				ORDER BY p.stage_since, p.id LIMIT ? OFFSET ?`, append(append([]any{st}, args...), f.PerStage, f.Offset)...)
			if err != nil {
				return nil, fmt.Errorf("store: board %s: %w", st, err)
			}
			for rows.Next() {
				p, err := scanProposal(rows)
				if err != nil {
					rows.Close()
					return nil, fmt.Errorf("store: board %s: %w", st, err)
				}
				col.Cards = append(col.Cards, p)
			}
			err = rows.Err()
			rows.Close()
			if err != nil {
				return nil, fmt.Errorf("store: board %s: %w", st, err)
			}
		}
		cols = append(cols, col)
	}
	s.boardMu.Lock()
	if s.boards == nil || len(s.boards) >= 256 {
		s.boards = map[string]cachedBoard{}
	}
	s.boards[key] = cachedBoard{version: version, cols: cols}
	s.boardMu.Unlock()
	return cols, nil
}

// cachedBoard is a board as read under a proposals version; its columns
// are shared by every reader and never changed.
type cachedBoard struct {
	version int64
	cols    []BoardColumn
}

// StaffUsers lists staff and admin accounts, for owner choices.
func (s *Store) StaffUsers(ctx context.Context) ([]User, error) {
	rows, err := s.query(ctx, `SELECT `+userCols+` FROM users WHERE role IN ('staff','admin') AND status = 'active' ORDER BY full_name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: staff users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: staff users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ProposalInput is what staff type to create or edit a proposal.
type ProposalInput struct {
	Kind          string
	Title         L10n
	Summary       L10n
	Market        string
	Region        string
	Models        string
	VolumePerYear int
	InvestMin     int64
	InvestMax     int64
	Currency      string
	KeyTerms      string
	Visibility    string
	NDAText       string
	NextStep      string
	NextDue       string
	OwnerID       int64
}

// CreateProposal inserts a proposal at stage New with the genesis entry of
// its shared timeline, and returns its id.
func (t *Tx) CreateProposal(in ProposalInput, actor User, now time.Time) (int64, error) {
	t.proposalsChanged = true
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposals(kind, title_ru, title_en, title_fa, summary_ru, summary_en, summary_fa,
		market, region, models, volume_per_year, invest_min, invest_max, currency, key_terms, visibility, nda_text,
		stage, stage_since, next_step, next_due, owner_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?)`,
		in.Kind, in.Title.RU, in.Title.EN, in.Title.FA, in.Summary.RU, in.Summary.EN, in.Summary.FA,
		in.Market, in.Region, in.Models, in.VolumePerYear, in.InvestMin, in.InvestMax, in.Currency, in.KeyTerms, in.Visibility, in.NDAText,
		fmtTime(now), in.NextStep, in.NextDue, nullID(in.OwnerID), fmtTime(now), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: create proposal: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := t.AppendEvent(Event{ProposalID: id, Kind: "created", At: now, ActorID: actor.ID, ActorName: actor.FullName, ToStage: "new"}); err != nil {
		return 0, err
	}
	return id, t.indexProposal(id)
}

// UpdateProposal changes a proposal's description against the version
// the editor saw: ErrConflict when someone changed it since. A changed
// NDA text gets a new NDA version, which participants accept again.
func (t *Tx) UpdateProposal(id, version int64, in ProposalInput, now time.Time) error {
	t.proposalChanged(id)
	res, err := t.tx.ExecContext(t.ctx, `UPDATE proposals SET kind = ?, title_ru = ?, title_en = ?, title_fa = ?, summary_ru = ?, summary_en = ?,
		summary_fa = ?, market = ?, region = ?, models = ?, volume_per_year = ?, invest_min = ?, invest_max = ?, currency = ?, key_terms = ?,
		visibility = ?, nda_version = nda_version + (nda_text <> ?), nda_text = ?, next_step = ?, next_due = ?, owner_id = ?,
		version = version + 1, updated_at = ?
		WHERE id = ? AND version = ?`,
		in.Kind, in.Title.RU, in.Title.EN, in.Title.FA, in.Summary.RU, in.Summary.EN, in.Summary.FA, in.Market, in.Region, in.Models,
		in.VolumePerYear, in.InvestMin, in.InvestMax, in.Currency, in.KeyTerms, in.Visibility, in.NDAText, in.NDAText, in.NextStep, in.NextDue,
		nullID(in.OwnerID), fmtTime(now), id, version)
	if err != nil {
		return fmt.Errorf("store: update proposal %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return t.conflictOrMissing(id)
	}
	return t.indexProposal(id)
}

func (t *Tx) conflictOrMissing(id int64) error {
	var one int
	err := t.tx.QueryRowContext(t.ctx, `SELECT 1 FROM proposals WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("store: proposal %d: %w", id, err)
	}
	return fmt.Errorf("store: proposal %d: %w", id, ErrConflict)
}

// StageMove is a staff member's move of a proposal to another stage,
// made against the stage and version they saw.
type StageMove struct {
	ProposalID   int64
	FromStage    string
	Version      int64
	ToStage      string
	Note         string
	Shared       bool // the note is shown to participants; else internal
	NextStep     string
	NextDue      string
	Actor        User
	At           time.Time
	SetNextSteps bool
}

// MoveStage moves a proposal along the pipeline. It refuses a move the
// pipeline does not allow (ErrMoveNotAllowed) and a move against a stale
// stage or version (ErrConflict): of two staff members moving at once,
// the first wins. The move enters the shared timeline; its note is in
// the shared entry, or kept internal beside it.
func (t *Tx) MoveStage(m StageMove) (Event, error) {
	if !CanMove(m.FromStage, m.ToStage) {
		return Event{}, fmt.Errorf("store: move proposal %d from %s to %s: %w", m.ProposalID, m.FromStage, m.ToStage, ErrMoveNotAllowed)
	}
	q := `UPDATE proposals SET stage = ?, stage_since = ?, version = version + 1, updated_at = ?`
	args := []any{m.ToStage, fmtTime(m.At), fmtTime(m.At)}
	if m.SetNextSteps {
		q += `, next_step = ?, next_due = ?`
		args = append(args, m.NextStep, m.NextDue)
	}
	q += ` WHERE id = ? AND version = ? AND stage = ?`
	res, err := t.tx.ExecContext(t.ctx, q, append(args, m.ProposalID, m.Version, m.FromStage)...)
	if err != nil {
		return Event{}, fmt.Errorf("store: move proposal %d: %w", m.ProposalID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Event{}, t.conflictOrMissing(m.ProposalID)
	}
	if m.SetNextSteps {
		// The next step is among the details the index holds.
		if err := t.indexProposal(m.ProposalID); err != nil {
			return Event{}, err
		}
	}
	e := Event{ProposalID: m.ProposalID, Kind: "stage", At: m.At, ActorID: m.Actor.ID, ActorName: m.Actor.FullName,
		FromStage: m.FromStage, ToStage: m.ToStage}
	if m.Shared {
		e.Note = m.Note
	}
	e, err = t.AppendEvent(e)
	if err != nil {
		return Event{}, err
	}
	if !m.Shared && m.Note != "" {
		if err := t.AddInternalNote(m.ProposalID, e.ID, m.Actor, m.Note, m.At); err != nil {
			return Event{}, err
		}
	}
	return e, nil
}

// AddInternalNote keeps a staff-only note on a proposal.
func (t *Tx) AddInternalNote(proposalID, eventID int64, actor User, note string, at time.Time) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_internal_notes(proposal_id, event_id, at, actor_id, actor_name, note) VALUES (?, ?, ?, ?, ?, ?)`,
		proposalID, nullID(eventID), fmtTime(at), nullID(actor.ID), actor.FullName, note)
	if err != nil {
		return fmt.Errorf("store: internal note on proposal %d: %w", proposalID, err)
	}
	return nil
}

// ProposalByID reads a proposal inside the transaction, unscoped: for
// staff actions already guarded by role.
func (t *Tx) ProposalByID(id int64) (Proposal, error) {
	p, err := scanProposal(t.tx.QueryRowContext(t.ctx, `SELECT `+proposalCols+` FROM proposals p WHERE p.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Proposal{}, fmt.Errorf("store: proposal %d: %w", id, err)
	}
	return p, nil
}

// Participant is a person taking part in a proposal.
type Participant struct {
	UserID  int64
	Name    string
	Email   string
	Role    string
	Lang    string
	Company string
	AddedAt time.Time
	// NDAAt is when they accepted the current NDA text; zero if not.
	NDAAt time.Time
	// Notify is their notification preference.
	Notify string
}

// Participants lists who takes part in a proposal; the viewer must take
// part too (staff: any proposal).
func (s *Store) Participants(ctx context.Context, v Viewer, proposalID int64) ([]Participant, error) {
	scope, args := participantScope(v)
	rows, err := s.query(ctx, `SELECT u.id, u.full_name, u.email, u.role, u.lang, pp.company, pp.added_at,
		(SELECT max(n.accepted_at) FROM nda_acceptances n WHERE n.proposal_id = p.id AND n.user_id = u.id AND n.nda_version = p.nda_version),
		COALESCE((SELECT notify FROM user_prefs WHERE user_id = u.id), 'immediate')
		FROM proposal_participants pp JOIN users u ON u.id = pp.user_id JOIN proposals p ON p.id = pp.proposal_id
		WHERE pp.proposal_id = +? AND `+scope+` ORDER BY pp.added_at, u.id`, append([]any{proposalID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: participants of %d: %w", proposalID, err)
	}
	defer rows.Close()
	return scanParticipants(rows)
}

func scanParticipants(rows *sql.Rows) ([]Participant, error) {
	var out []Participant
	for rows.Next() {
		var p Participant
		var added, nda sql.NullString
		if err := rows.Scan(&p.UserID, &p.Name, &p.Email, &p.Role, &p.Lang, &p.Company, &added, &nda, &p.Notify); err != nil {
			return nil, fmt.Errorf("store: participants: %w", err)
		}
		p.AddedAt, p.NDAAt = parseTime(added), parseTime(nda)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Participants lists a proposal's participants inside the transaction,
// for notifying them.
func (t *Tx) Participants(proposalID int64) ([]Participant, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT u.id, u.full_name, u.email, u.role, u.lang, pp.company, pp.added_at,
		(SELECT max(n.accepted_at) FROM nda_acceptances n WHERE n.proposal_id = p.id AND n.user_id = u.id AND n.nda_version = p.nda_version),
		COALESCE((SELECT notify FROM user_prefs WHERE user_id = u.id), 'immediate')
		FROM proposal_participants pp JOIN users u ON u.id = pp.user_id JOIN proposals p ON p.id = pp.proposal_id
		WHERE pp.proposal_id = ? AND u.status = 'active' ORDER BY pp.added_at, u.id`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("store: participants of %d: %w", proposalID, err)
	}
	defer rows.Close()
	return scanParticipants(rows)
}

// AddParticipant lets an investor or partner account take part in a
// proposal; adding someone twice changes nothing.
func (t *Tx) AddParticipant(proposalID, userID int64, company string, now time.Time) error {
	t.proposalChanged(proposalID)
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO proposal_participants(proposal_id, user_id, company, added_at) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, proposalID, userID, company, fmtTime(now))
	if err != nil {
		return fmt.Errorf("store: add participant %d to %d: %w", userID, proposalID, err)
	}
	return nil
}

// RemoveParticipant ends a person's part in a proposal, if they took
// part, and revokes their feed token.
func (t *Tx) RemoveParticipant(proposalID, userID int64) error {
	t.proposalChanged(proposalID)
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM proposal_participants WHERE proposal_id = ? AND user_id = ?`, proposalID, userID); err != nil {
		return fmt.Errorf("store: remove participant %d from %d: %w", userID, proposalID, err)
	}
	if _, err := t.tx.ExecContext(t.ctx, `DELETE FROM feed_tokens WHERE proposal_id = ? AND user_id = ?`, proposalID, userID); err != nil {
		return fmt.Errorf("store: remove feed token of %d: %w", userID, err)
	}
	return nil
}

// AcceptNDA records that a participant accepted the proposal's current NDA
// text: which version, a SHA-256 of the text, when and from where.
// ErrNotFound when the person does not take part.
func (t *Tx) AcceptNDA(proposalID, userID int64, textSHA256, ip, userAgent string, now time.Time) error {
	t.searchChanged = true
	t.proposalChanged(proposalID)
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO nda_acceptances(proposal_id, user_id, nda_version, text_sha256, accepted_at, ip, user_agent)
		SELECT p.id, pp.user_id, p.nda_version, ?, ?, ?, ? FROM proposals p
		JOIN proposal_participants pp ON pp.proposal_id = p.id AND pp.user_id = ?
		WHERE p.id = ? ON CONFLICT DO NOTHING`, textSHA256, fmtTime(now), ip, truncate(userAgent, 400), userID, proposalID)
	if err != nil {
		return fmt.Errorf("store: accept NDA of %d: %w", proposalID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var one int
		err := t.tx.QueryRowContext(t.ctx, `SELECT 1 FROM proposal_participants WHERE proposal_id = ? AND user_id = ?`, proposalID, userID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: accept NDA of %d: %w", proposalID, ErrNotFound)
		}
		return err
	}
	return nil
}

// NDAAcceptance is one recorded acceptance of an NDA text.
type NDAAcceptance struct {
	UserName   string
	Version    int
	TextSHA256 string
	At         time.Time
	IP         string
}

// NDAAcceptances lists a proposal's NDA acceptances, for staff.
func (s *Store) NDAAcceptances(ctx context.Context, v Viewer, proposalID int64) ([]NDAAcceptance, error) {
	if !v.Staff() {
		return nil, fmt.Errorf("store: NDA acceptances: %w", ErrNotFound)
	}
	rows, err := s.query(ctx, `SELECT COALESCE(u.full_name, ''), n.nda_version, n.text_sha256, n.accepted_at, n.ip
		FROM nda_acceptances n LEFT JOIN users u ON u.id = n.user_id WHERE n.proposal_id = ? ORDER BY n.accepted_at DESC, n.id DESC`, proposalID)
	if err != nil {
		return nil, fmt.Errorf("store: NDA acceptances: %w", err)
	}
	defer rows.Close()
	var out []NDAAcceptance
	for rows.Next() {
		var a NDAAcceptance
		var at sql.NullString
		if err := rows.Scan(&a.UserName, &a.Version, &a.TextSHA256, &at, &a.IP); err != nil {
			return nil, fmt.Errorf("store: NDA acceptances: %w", err)
		}
		a.At = parseTime(at)
		out = append(out, a)
	}
	return out, rows.Err()
}
