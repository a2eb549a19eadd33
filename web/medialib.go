package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
	"github.com/ikco/partner-portal/web/media"
)

// maxUploadBytes bounds an upload request: the largest file (a brochure)
// and room for the form around it.
const maxUploadBytes = media.MaxBrochureBytes + 1<<20

// uploadMemory is how much of a multipart body is held in memory; the
// rest goes to a temporary file.
const uploadMemory = 2 << 20

// isUploadPath reports whether a request goes to the upload route, which
// has its own body limit.
func isUploadPath(method, path string) bool {
	return method == http.MethodPost && uploadPath.MatchString(path)
}

// uploadPath matches the routes that take a file: the upload and a
// replacement.
var uploadPath = regexp.MustCompile(`^/(ru|en|fa)/staff/media(/[0-9]{1,18}/replace)?$`)

// readUploadBody parses an upload's multipart body up front, under the
// upload limit, so that a body over it is answered 413 (not a missing
// CSRF token) and the CSRF check finds its field.
func readUploadBody(c echo.Context) error {
	r := c.Request()
	if r.ContentLength > maxUploadBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
	}
	r.Body = http.MaxBytesReader(c.Response(), r.Body, maxUploadBytes)
	if !strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		// Not an upload: the CSRF check and the handler refuse it.
		return nil
	}
	if err := r.ParseMultipartForm(uploadMemory); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge)
		}
		return echo.NewHTTPError(http.StatusBadRequest, "malformed multipart form")
	}
	return nil
}

func (s *Server) mediaItemVM(c echo.Context, f db.MediaFile) views.MediaItemVM {
	vm := views.MediaItemVM{ID: f.ID, Kind: f.Kind, Href: "/media/" + f.File, Width: f.Width, Height: f.Height, Bytes: f.Bytes,
		OriginalName: f.OriginalName, Uploaded: f.CreatedAt, By: f.UploadedBy,
		DeleteHref:  i18n.Href(c.Request().Context(), "/staff/media/"+idString(f.ID)+"/delete"),
		ReplaceHref: i18n.Href(c.Request().Context(), "/staff/media/"+idString(f.ID)+"/replace")}
	if f.Kind == "photo" && len(f.Widths) > 0 {
		w := f.Widths[0]
		vm.Thumb = "/media/" + media.PhotoFile(f.Name, w)
		vm.Height = max(1, f.Height*w/max(1, f.Width))
		vm.Width = w
	}
	return vm
}

func (s *Server) renderMediaLibrary(c echo.Context, status int, errorID, notice string) error {
	ctx := c.Request().Context()
	files, err := s.store.MediaFiles(ctx)
	if err != nil {
		return err
	}
	vm := views.MediaLibraryVM{NoticeID: notice, ErrorID: errorID, Action: i18n.Href(ctx, "/staff/media"),
		File: views.FieldVM{ID: "file", Name: "file", Type: "file", LabelID: "pub.media.file", HintID: "pub.media.file_hint", Required: true, ErrorID: errorID}}
	for _, f := range files {
		it := s.mediaItemVM(c, f)
		uses, err := s.store.MediaFileUses(ctx, f)
		if err != nil {
			return err
		}
		for _, u := range uses {
			if u.Published {
				it.PublishedUses = append(it.PublishedUses, u.Slug)
			}
		}
		vm.Items = append(vm.Items, it)
	}
	return render(c, status, views.MediaLibraryPage(s.adminMeta(c, "pub.media.title"), vm))
}

// handleMediaList shows the media library and its upload form.
func (s *Server) handleMediaList(c echo.Context) error {
	return s.renderMediaLibrary(c, http.StatusOK, "", pubNotices[c.QueryParam("done")])
}

// uploadProblems are the messages of a refused upload.
var uploadProblems = map[error]string{
	media.ErrType:     "pub.upload.type",
	media.ErrTooLarge: "pub.upload.too_large",
	media.ErrPixels:   "pub.upload.pixels",
	media.ErrCorrupt:  "pub.upload.corrupt",
	media.ErrEmpty:    "pub.upload.empty",
}

// uploadRefused is why an upload was not stored: a message and status.
type uploadRefused struct {
	messageID string
	status    int
}

func (u *uploadRefused) Error() string { return u.messageID }

// storeUpload checks the request's file and stores it: a photo re-encoded
// in the fixed widths, a PDF as it is. Its type is read from its content.
// A refusal is an *uploadRefused; nothing is stored then.
func (s *Server) storeUpload(c echo.Context) (db.MediaFile, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return db.MediaFile{}, &uploadRefused{"pub.upload.missing", http.StatusUnprocessableEntity}
	}
	if fh.Size > media.MaxBrochureBytes {
		return db.MediaFile{}, &uploadRefused{"pub.upload.too_large", http.StatusRequestEntityTooLarge}
	}
	data, err := readPart(fh)
	if err != nil {
		return db.MediaFile{}, err
	}
	rec := db.MediaFile{OriginalName: cleanFileName(fh.Filename)}
	var perr error
	switch media.Kind(data) {
	case "photo":
		select {
		case s.imageSlots <- struct{}{}:
		case <-c.Request().Context().Done():
			return db.MediaFile{}, c.Request().Context().Err()
		}
		p, err := media.ProcessPhoto(data, s.cfg.MediaDir)
		<-s.imageSlots
		perr = err
		rec.Name, rec.Kind, rec.File, rec.Mime, rec.Width, rec.Height, rec.Bytes, rec.Widths =
			p.Name, "photo", p.File, "image/jpeg", p.Width, p.Height, p.Bytes, p.Widths
	case "brochure":
		b, err := media.ProcessBrochure(data, s.cfg.MediaDir)
		perr = err
		rec.Name, rec.Kind, rec.File, rec.Mime, rec.Bytes = b.Name, "brochure", b.File, "application/pdf", b.Bytes
	default:
		perr = media.ErrType
	}
	if perr != nil {
		for e, id := range uploadProblems {
			if errors.Is(perr, e) {
				status := http.StatusUnprocessableEntity
				if e == media.ErrTooLarge {
					status = http.StatusRequestEntityTooLarge
				}
				return db.MediaFile{}, &uploadRefused{id, status}
			}
		}
		return db.MediaFile{}, perr
	}
	return rec, nil
}

// uploadFailed shows the library with why an upload was refused, or
// passes other errors on.
func (s *Server) uploadFailed(c echo.Context, err error) error {
	var ur *uploadRefused
	if errors.As(err, &ur) {
		return s.renderMediaLibrary(c, ur.status, ur.messageID, "")
	}
	return err
}

// handleMediaUpload stores an uploaded photo or brochure in the library.
func (s *Server) handleMediaUpload(c echo.Context) error {
	ctx := c.Request().Context()
	if f := c.Request().MultipartForm; f != nil {
		defer f.RemoveAll()
	}
	rec, err := s.storeUpload(c)
	if err != nil {
		return s.uploadFailed(c, err)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		id, err := tx.CreateMediaFile(rec, actorOf(c), s.now())
		if err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "media.uploaded", "media", id, rec.Kind+": "+rec.OriginalName))
	})
	if err != nil {
		media.Remove(s.cfg.MediaDir, rec.Name, rec.Kind, rec.Widths)
		return err
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/media")+"?done=uploaded")
}

// handleMediaReplace puts a new file in the place of a library file. When
// published pages show the file, the form must carry the confirmation
// the page asks for; otherwise nothing changes (422).
func (s *Server) handleMediaReplace(c echo.Context) error {
	ctx := c.Request().Context()
	if f := c.Request().MultipartForm; f != nil {
		defer f.RemoveAll()
	}
	id, err := pathID(c)
	if err != nil {
		return err
	}
	old, err := s.store.MediaFileByID(ctx, id)
	if err != nil {
		return err
	}
	uses, err := s.store.MediaFileUses(ctx, old)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "1" && slices.ContainsFunc(uses, func(u db.MediaFileUse) bool { return u.Published }) {
		return s.renderMediaLibrary(c, http.StatusUnprocessableEntity, "pub.media.replace_confirm_needed", "")
	}
	rec, err := s.storeUpload(c)
	if err != nil {
		return s.uploadFailed(c, err)
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.ReplaceMediaFile(old, rec); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "media.replaced", "media", id, old.OriginalName+" → "+rec.OriginalName))
	})
	if errors.Is(err, db.ErrKindMismatch) {
		media.Remove(s.cfg.MediaDir, rec.Name, rec.Kind, rec.Widths)
		return s.renderMediaLibrary(c, http.StatusUnprocessableEntity, "pub.media.replace_kind", "")
	}
	if err != nil {
		media.Remove(s.cfg.MediaDir, rec.Name, rec.Kind, rec.Widths)
		return err
	}
	media.Remove(s.cfg.MediaDir, old.Name, old.Kind, old.Widths)
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/media")+"?done=replaced")
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, media.MaxBrochureBytes+1))
}

// cleanFileName keeps a file's name for people to recognise it: its base,
// without control characters, at most 200 bytes.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	if v, ok := textValue(name); ok {
		return truncateRunes(v, 120)
	}
	return ""
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// handleMediaDelete deletes a file of the library. When a published page
// shows it, the first request asks to confirm.
func (s *Server) handleMediaDelete(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := pathID(c)
	if err != nil {
		return err
	}
	f, err := s.store.MediaFileByID(ctx, id)
	if err != nil {
		return err
	}
	uses, err := s.store.MediaFileUses(ctx, f)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "1" && len(uses) > 0 {
		vm := views.MediaDeleteVM{Item: s.mediaItemVM(c, f), Action: i18n.Href(ctx, "/staff/media/"+idString(id)+"/delete"),
			CancelHref: i18n.Href(ctx, "/staff/media")}
		for _, u := range uses {
			vm.Uses = append(vm.Uses, u.Slug)
		}
		return render(c, http.StatusOK, views.MediaDeletePage(s.adminMeta(c, "pub.media.confirm_title"), vm))
	}
	err = s.store.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.DeleteMediaFile(f, s.now()); err != nil {
			return err
		}
		return tx.Audit(s.auditEntry(c, "media.deleted", "media", id, f.Kind+": "+f.OriginalName))
	})
	if err != nil {
		return err
	}
	if s.cfg.MediaDir != "" {
		media.Remove(s.cfg.MediaDir, f.Name, f.Kind, f.Widths)
	}
	return c.Redirect(http.StatusSeeOther, i18n.Href(ctx, "/staff/media")+"?done=deleted")
}

// handleMediaFile serves an uploaded file by its generated name, with the
// type recorded at upload; a PDF as a download. Names are unguessable, so
// drafts' files are served too.
func (s *Server) handleMediaFile(c echo.Context) error {
	name := c.Param("name")
	if !media.ValidFileName(name) || s.cfg.MediaDir == "" {
		return echo.ErrNotFound
	}
	rec, err := s.store.MediaFileByName(c.Request().Context(), media.BaseName(name))
	if err != nil {
		return err
	}
	// An offer's price list is offer data: visitors never get it, whatever
	// link they hold.
	priceList, err := s.store.MediaIsPriceList(c.Request().Context(), rec.ID)
	if err != nil {
		return err
	}
	if priceList && !viewerOf(c).loggedIn() {
		return echo.ErrNotFound
	}
	f, err := os.Open(filepath.Join(s.cfg.MediaDir, name))
	if errors.Is(err, os.ErrNotExist) {
		return echo.ErrNotFound
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, rec.Mime)
	h.Set("X-Content-Type-Options", "nosniff")
	if priceList {
		h.Set("Cache-Control", "private, no-store")
	} else {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	// Even if a browser were to render it, nothing in it may run.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	if rec.Kind == "brochure" {
		h.Set("Content-Disposition", `attachment; filename="brochure.pdf"`)
	} else {
		h.Set("Content-Disposition", "inline")
	}
	http.ServeContent(c.Response(), c.Request(), "", st.ModTime(), f)
	return nil
}
