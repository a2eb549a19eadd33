package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MediaFile is an uploaded file of the media library.
type MediaFile struct {
	ID     int64
	Name   string // 32 hex characters, the base of its file names
	Kind   string // photo or brochure
	File   string // the file served for it: the widest photo, or the PDF
	Mime   string
	Width  int
	Height int
	Bytes  int64
	// Widths are a photo's stored widths, narrowest first.
	Widths       []int
	OriginalName string
	UploadedBy   string
	CreatedAt    time.Time
}

func joinInts(ns []int) string {
	parts := make([]string, len(ns))
	for i, n := range ns {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func splitInts(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(p); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// CreateMediaFile records an uploaded file whose files are already stored.
func (t *Tx) CreateMediaFile(f MediaFile, by Actor, now time.Time) (int64, error) {
	res, err := t.tx.ExecContext(t.ctx, `INSERT INTO media_files (name, kind, file, mime, width, height, bytes, widths, original_name, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.Name, f.Kind, f.File, f.Mime, f.Width, f.Height, f.Bytes, joinInts(f.Widths),
		truncate(f.OriginalName, 200), nullID(by.ID), fmtTime(now))
	if err != nil {
		return 0, fmt.Errorf("store: media file: %w", err)
	}
	return res.LastInsertId()
}

const mediaFileCols = `f.id, f.name, f.kind, f.file, f.mime, f.width, f.height, f.bytes, f.widths, f.original_name,
	COALESCE((SELECT email FROM users u WHERE u.id = f.uploaded_by), ''), f.created_at`

func scanMediaFile(sc interface{ Scan(...any) error }) (MediaFile, error) {
	var f MediaFile
	var widths string
	var at sql.NullString
	err := sc.Scan(&f.ID, &f.Name, &f.Kind, &f.File, &f.Mime, &f.Width, &f.Height, &f.Bytes, &widths, &f.OriginalName, &f.UploadedBy, &at)
	f.Widths = splitInts(widths)
	f.CreatedAt = parseTime(at)
	return f, err
}

// MediaFiles lists the library, newest first.
func (s *Store) MediaFiles(ctx context.Context) ([]MediaFile, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT `+mediaFileCols+` FROM media_files f WHERE deleted_at IS NULL ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: media files: %w", err)
	}
	defer rows.Close()
	var out []MediaFile
	for rows.Next() {
		f, err := scanMediaFile(rows)
		if err != nil {
			return nil, fmt.Errorf("store: media files: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// MediaFileByID returns a file of the library that is not deleted.
func (s *Store) MediaFileByID(ctx context.Context, id int64) (MediaFile, error) {
	f, err := scanMediaFile(s.db.Read.QueryRowContext(ctx, `SELECT `+mediaFileCols+` FROM media_files f WHERE id = ? AND deleted_at IS NULL`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: media file %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("store: media file %d: %w", id, err)
	}
	return f, nil
}

// MediaFileByName returns the file of the library with that name (the
// 32-character base), deleted ones excluded.
func (s *Store) MediaFileByName(ctx context.Context, name string) (MediaFile, error) {
	f, err := scanMediaFile(s.db.Read.QueryRowContext(ctx, `SELECT `+mediaFileCols+` FROM media_files f WHERE name = ? AND deleted_at IS NULL`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("store: media file %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return f, fmt.Errorf("store: media file %q: %w", name, err)
	}
	return f, nil
}

// MediaFileUse is where a library file is used.
type MediaFileUse struct {
	ModelID   int64
	Slug      string
	Published bool // on a published model's live page
}

// MediaFileUses lists the models whose live version or newest draft uses
// the file.
func (s *Store) MediaFileUses(ctx context.Context, f MediaFile) ([]MediaFileUse, error) {
	rows, err := s.db.Read.QueryContext(ctx, `SELECT m.id, m.slug, m.status = 'published' AND EXISTS (SELECT 1 FROM media md WHERE md.model_id = m.id AND md.file = ?)
		FROM models m WHERE EXISTS (SELECT 1 FROM media md WHERE md.model_id = m.id AND md.file = ?)
		OR EXISTS (SELECT 1 FROM catalogue_revisions r, json_each(r.snapshot, '$.media') j
			WHERE r.model_id = m.id AND r.rev = m.draft_rev AND json_extract(j.value, '$.file_id') = ?)
		ORDER BY m.id`, f.File, f.File, f.ID)
	if err != nil {
		return nil, fmt.Errorf("store: uses of media %d: %w", f.ID, err)
	}
	defer rows.Close()
	var out []MediaFileUse
	for rows.Next() {
		var u MediaFileUse
		if err := rows.Scan(&u.ModelID, &u.Slug, &u.Published); err != nil {
			return nil, fmt.Errorf("store: uses of media %d: %w", f.ID, err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// DeleteMediaFile marks a library file deleted and takes it off the live
// pages that show it (bumping the content version when any did). Drafts
// that refer to it keep the reference; publishing them drops it.
func (t *Tx) DeleteMediaFile(f MediaFile, now time.Time) error {
	if _, err := t.tx.ExecContext(t.ctx, `UPDATE media_files SET deleted_at = ? WHERE id = ?`, fmtTime(now), f.ID); err != nil {
		return fmt.Errorf("store: delete media %d: %w", f.ID, err)
	}
	res, err := t.tx.ExecContext(t.ctx, `DELETE FROM media WHERE source = 'upload' AND file = ?`, f.File)
	if err != nil {
		return fmt.Errorf("store: delete media %d: %w", f.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return t.ContentChanged()
	}
	return nil
}

// ErrKindMismatch: a photo can only be replaced by a photo, a brochure by
// a brochure.
var ErrKindMismatch = errors.New("replacement is of another kind")

// ReplaceMediaFile puts the stored file repl in the place of old: the
// library record keeps its id (drafts refer to it) and takes repl's
// files; live pages showing old show repl at once.
func (t *Tx) ReplaceMediaFile(old, repl MediaFile) error {
	if old.Kind != repl.Kind {
		return ErrKindMismatch
	}
	_, err := t.tx.ExecContext(t.ctx, `UPDATE media_files SET name = ?, file = ?, mime = ?, width = ?, height = ?, bytes = ?, widths = ?, original_name = ?
		WHERE id = ?`, repl.Name, repl.File, repl.Mime, repl.Width, repl.Height, repl.Bytes, joinInts(repl.Widths), truncate(repl.OriginalName, 200), old.ID)
	if err != nil {
		return fmt.Errorf("store: replace media %d: %w", old.ID, err)
	}
	res, err := t.tx.ExecContext(t.ctx, `UPDATE media SET file = ?, mime = ?, width = ?, height = ?, bytes = ? WHERE source = 'upload' AND file = ?`,
		repl.File, repl.Mime, repl.Width, repl.Height, repl.Bytes, old.File)
	if err != nil {
		return fmt.Errorf("store: replace media %d: %w", old.ID, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return t.ContentChanged()
	}
	return nil
}

// LiveMediaFileIDs returns the ids of library files that are not deleted,
// among ids.
func (s *Store) LiveMediaFileIDs(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT id FROM media_files WHERE deleted_at IS NULL AND id IN (`+placeholders(len(ids))+`)`, int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("store: media files: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
