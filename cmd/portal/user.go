package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
)

// runUser is `portal user create --email … --role …`: it creates an active
// account, reading the password from the terminal (twice, not echoed) or,
// when stdin is not a terminal, from its first line.
func runUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: portal user create --email EMAIL --role investor|partner|staff|admin [--name NAME] [--company C] [--lang ru|en|fa] [--db PATH]")
	}
	fs := flag.NewFlagSet("portal user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	email := fs.String("email", "", "email address (login)")
	role := fs.String("role", "", "investor, partner, staff or admin")
	name := fs.String("name", "", "full name (default: the email's local part)")
	company := fs.String("company", "Iran Khodro", "company")
	lang := fs.String("lang", "ru", "language of mails: ru, en or fa")
	dbPath := fs.String("db", "", "database file (default: PORTAL_DB or ./data/portal.db)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *email == "" || !strings.Contains(*email, "@") {
		return errors.New("user create: --email is required")
	}
	if !slices.Contains(db.Roles, *role) {
		return fmt.Errorf("user create: --role must be one of %s", strings.Join(db.Roles, ", "))
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	path := *dbPath
	if path == "" {
		path = getenv("PORTAL_DB")
	}
	if path == "" {
		path = "./data/portal.db"
	}
	password, err := readPassword(stdin, stderr)
	if err != nil {
		return err
	}
	if problem := web.PasswordProblem(password, *email); problem != "" {
		return fmt.Errorf("user create: password refused (%s): 12 to 128 characters, not a common password", problem)
	}
	hash, err := web.HashPassword(password)
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, path)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := db.Migrate(ctx, d); err != nil {
		return err
	}
	store, err := db.NewStore(ctx, d)
	if err != nil {
		return err
	}
	var id int64
	err = store.Tx(ctx, func(tx *db.Tx) error {
		id, err = tx.CreateUser(db.NewUser{Email: *email, PasswordHash: hash, FullName: *name, Company: *company,
			Role: *role, Status: "active", Lang: *lang, Now: time.Now()})
		if err != nil {
			return err
		}
		return tx.Audit(db.AuditEntry{At: time.Now(), Action: "user.created", TargetType: "user", TargetID: id,
			Detail: "command line, role " + *role})
	})
	if errors.Is(err, db.ErrEmailTaken) {
		return fmt.Errorf("user create: an account with email %s exists", *email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created %s account %d for %s\n", *role, id, db.FoldEmail(*email))
	return nil
}

// readPassword reads a password without echo from a terminal (asking
// twice), or the first line of a pipe.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("user create: the passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("user create: no password on standard input")
	}
	return line, nil
}
