package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/web"
	"github.com/ikco/partner-portal/web/rates"
)

// loadDemoOffers loads the Bank of Russia sample file of the demo and the
// demonstration offers, published with their prices in rubles.
func loadDemoOffers(ctx context.Context, store *db.Store, logger *slog.Logger) error {
	daily, err := rates.ParseCBR(rates.DemoFile, rates.DemoDate)
	if err != nil {
		return err
	}
	rows := make([]db.RateRow, 0, len(daily.Rates))
	for _, r := range daily.Rates {
		rows = append(rows, db.RateRow{Date: r.Date, Currency: r.Currency, Value: r.Value, Nominal: r.Nominal, Source: r.Source})
	}
	toRub := func(m db.Money, r db.RateRow) (int64, error) {
		if m.Currency == "RUB" {
			return m.Minor, nil
		}
		pu, err := rates.Rate{Currency: r.Currency, Value: r.Value, Nominal: r.Nominal}.PerUnit()
		if err != nil {
			return 0, err
		}
		return rates.Convert(m.Minor, m.Currency, pu, "RUB", nil)
	}
	added, err := store.LoadDemoOffers(ctx, rows, toRub, time.Now().UTC())
	if err != nil {
		return err
	}
	if added {
		logger.Info("demo offers loaded")
	}
	return nil
}

// demoAccounts are the accounts demo mode creates, one per role; their
// passwords are shown on the login page in demo mode only.
var demoAccounts = []struct {
	web.DemoAccount
	name, company, lang string
}{
	{web.DemoAccount{Role: "investor", Email: "investor@demo.example", Password: "demo-investor-2026"}, "Алексей Смирнов", "Volga Capital (демо)", "ru"},
	{web.DemoAccount{Role: "partner", Email: "partner@demo.example", Password: "demo-partner-2026"}, "Ирина Волкова", "AvtoSever Distribution (демо)", "ru"},
	{web.DemoAccount{Role: "staff", Email: "staff@demo.example", Password: "demo-staff-2026!"}, "Reza Karimi", "Iran Khodro Export", "fa"},
	{web.DemoAccount{Role: "admin", Email: "admin@demo.example", Password: "demo-admin-2026!"}, "Sara Ahmadi", "Iran Khodro Export", "en"},
}

// ensureDemoAccounts creates the demo accounts that do not exist yet.
func ensureDemoAccounts(ctx context.Context, store *db.Store) ([]web.DemoAccount, error) {
	var out []web.DemoAccount
	for _, a := range demoAccounts {
		out = append(out, a.DemoAccount)
		if _, err := store.UserByEmail(ctx, a.Email); err == nil {
			continue
		} else if !errors.Is(err, db.ErrNotFound) {
			return nil, err
		}
		hash, err := web.HashPassword(a.Password)
		if err != nil {
			return nil, err
		}
		err = store.Tx(ctx, func(tx *db.Tx) error {
			id, err := tx.CreateUser(db.NewUser{Email: a.Email, PasswordHash: hash, FullName: a.name, Company: a.company,
				Role: a.Role, Status: "active", Lang: a.lang, Now: time.Now()})
			if err != nil {
				return err
			}
			return tx.Audit(db.AuditEntry{At: time.Now(), Action: "user.created", TargetType: "user", TargetID: id, Detail: "demo account"})
		})
		if err != nil {
			return nil, err
		}
	}
	if err := loadDemoProposals(ctx, store); err != nil {
		return nil, err
	}
	return out, nil
}

// loadDemoProposals adds the illustrative proposals, with the demo
// investor and partner taking part, and the demo partner's inquiries,
// once the demo accounts exist.
func loadDemoProposals(ctx context.Context, store *db.Store) error {
	var users [3]db.User
	for i, email := range []string{"staff@demo.example", "investor@demo.example", "partner@demo.example"} {
		u, err := store.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		users[i] = u
	}
	if _, err := store.LoadDemoProposals(ctx, users[0], users[1], users[2], time.Now()); err != nil {
		return err
	}
	_, err := store.LoadDemoInquiries(ctx, users[0], users[2], time.Now())
	return err
}

// loadDemoShipments loads illustrative monthly shipments for the 24
// months before today, for the export dashboard.
func loadDemoShipments(ctx context.Context, store *db.Store, logger *slog.Logger) error {
	added, err := store.LoadDemoShipments(ctx, time.Now().UTC())
	if err != nil {
		return err
	}
	if added {
		logger.Info("demo shipments loaded")
	}
	return nil
}
