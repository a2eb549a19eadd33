package views

import (
	"context"
	"strconv"
	"time"
)

// MailListVM is the dev mailbox: the newest messages of the outbox.
type MailListVM struct {
	Messages []MailRowVM
	// Limit is how many messages the list shows at most.
	Limit int
}

// MailRowVM is one message of the outbox as the list shows it.
type MailRowVM struct {
	ID        int64
	CreatedAt time.Time
	To        string
	ToName    string
	Subject   string
	Lang      string
	// Status is queued, sending, sent or failed.
	Status    string
	Attempts  int
	LastError string
}

// MailMessageVM is one message of the outbox with its content. HTML is
// shown as escaped source, never rendered into the page.
type MailMessageVM struct {
	MailRowVM
	MessageID string
	NextAt    time.Time
	SentAt    time.Time
	Text      string
	HTML      string
	// Links are the web addresses found in the text part, to follow.
	Links []string
}

// mailHref links one message of the dev mailbox.
func mailHref(ctx context.Context, id int64) string {
	return Href(ctx, "/admin/mail/", strconv.FormatInt(id, 10))
}
