package web

import (
	"bytes"
	"context"
	"strings"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/views"
	"github.com/ikco/partner-portal/views/i18n"
)

// recipient is who a mail goes to and in which language.
type recipient struct {
	Email, Name, Lang string
}

func recipientOf(u db.User) recipient {
	return recipient{Email: u.Email, Name: u.FullName, Lang: u.Lang}
}

// mailSpec is a mail by kind: its subject, body and link label come from
// the catalogs as mail.KIND.subject, mail.KIND.body (paragraphs split by
// blank lines) and mail.KIND.action, filled with data pairs.
type mailSpec struct {
	Kind string
	Link string // absolute URL; empty for none
	Data []any
}

// composeMail renders a mail in the recipient's language, as text and
// HTML.
func (s *Server) composeMail(to recipient, spec mailSpec) (db.Mail, error) {
	loc := s.catalog.Locale(to.Lang)
	ctx := i18n.WithLocale(context.Background(), loc, "/", "")
	data := append([]any{"Name", to.Name}, spec.Data...)
	vm := views.MailVM{
		Greeting:   loc.T("mail.greeting", data...),
		Paragraphs: strings.Split(loc.T("mail."+spec.Kind+".body", data...), "\n\n"),
		Link:       spec.Link,
		Signature:  loc.T("mail.signature"),
		Footer:     loc.T("mail.footer"),
	}
	if spec.Link != "" {
		vm.LinkLabel = loc.T("mail." + spec.Kind + ".action")
	}
	var text strings.Builder
	text.WriteString(vm.Greeting + "\n\n")
	for _, p := range vm.Paragraphs {
		text.WriteString(p + "\n\n")
	}
	if vm.Link != "" {
		text.WriteString(vm.LinkLabel + ":\n" + vm.Link + "\n\n")
	}
	text.WriteString(vm.Signature + "\n\n-- \n" + vm.Footer + "\n")
	var html bytes.Buffer
	if err := views.MailHTML(vm).Render(ctx, &html); err != nil {
		return db.Mail{}, err
	}
	return db.Mail{
		To:      to.Email,
		ToName:  to.Name,
		Lang:    loc.Lang,
		Subject: loc.T("mail."+spec.Kind+".subject", data...),
		Text:    text.String(),
		HTML:    html.String(),
	}, nil
}

// sendMail composes a mail and writes it to the outbox in tx.
func (s *Server) sendMail(tx *db.Tx, to recipient, spec mailSpec) error {
	m, err := s.composeMail(to, spec)
	if err != nil {
		return err
	}
	if err := tx.EnqueueMail(m, s.now()); err != nil {
		return err
	}
	s.notifyMailer()
	return nil
}

// notifyMailer wakes the background sender, if one listens.
func (s *Server) notifyMailer() {
	if s.mailWake == nil {
		return
	}
	select {
	case s.mailWake <- struct{}{}:
	default:
	}
}

// absURL is a portal path as an absolute URL, for mails.
func (s *Server) absURL(path string) string { return s.cfg.BaseURL + path }
