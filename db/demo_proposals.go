package db

import (
	"context"
	"fmt"
	"time"
)

// LoadDemoProposals adds illustrative partnership proposals, with the demo
// investor and partner as participants and a few timeline entries, when
// no proposal exists yet; it reports whether it did. Every figure in them
// is invented for the demonstration.
func (s *Store) LoadDemoProposals(ctx context.Context, staff, investor, partner User, now time.Time) (bool, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM proposals`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count proposals: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	const nda = "Demonstration NDA (illustrative). The participant keeps confidential all information disclosed in this deal room, uses it only to evaluate the partnership, and returns or destroys it on request. Valid for three years."
	type move struct {
		to, note string
		shared   bool
	}
	demos := []struct {
		in     ProposalInput
		people []User
		moves  []move
	}{
		{ProposalInput{Kind: "distribution", Market: "ru", Region: "Central and Volga federal districts", Models: "Rira, Tara",
			Title:         L10n{"Дистрибуция Rira и Tara в Центральной России (демо)", "Rira and Tara distribution in Central Russia (demo)", "توزیع ریرا و تارا در روسیه مرکزی (نمایشی)"},
			Summary:       L10n{"Эксклюзивный дистрибьютор для 12 регионов, 30 дилерских центров за три года.", "Exclusive distributor for 12 regions, 30 dealerships within three years.", "توزیع\u200cکننده انحصاری برای ۱۲ منطقه، ۳۰ نمایندگی در سه سال."},
			VolumePerYear: 12000, InvestMin: 800_000_000, InvestMax: 1_500_000_000, Currency: "RUB", Visibility: "public", NDAText: nda,
			KeyTerms: "Exclusive for 5 years; minimum 8,000 units in year one; DAP Moscow.", NextStep: "Term sheet draft", NextDue: now.AddDate(0, 0, 14).Format("2006-01-02")},
			[]User{partner, investor}, []move{{"qualification", "Documents of the distributor received.", true}, {"nda_signed", "NDA signed by both sides.", true}, {"term_sheet", "Margin expectations discussed; keep price floor internal.", false}}},
		{ProposalInput{Kind: "assembly", Market: "ru", Region: "Kaluga region", Models: "Dena Plus",
			Title:         L10n{"SKD-сборка Dena Plus в Калужской области (демо)", "SKD assembly of Dena Plus in the Kaluga region (demo)", "مونتاژ SKD دنا پلاس در منطقه کالوگا (نمایشی)"},
			Summary:       L10n{"Локальная сборка из машинокомплектов с последующим переходом на CKD.", "Local assembly from kits, moving to CKD later.", "مونتاژ محلی از کیت\u200cها و سپس گذر به CKD."},
			VolumePerYear: 25000, InvestMin: 3_000_000_000, InvestMax: 5_000_000_000, Currency: "RUB", Visibility: "members", NDAText: nda,
			KeyTerms: "Localisation 30% by year three; kits FCA Bandar Abbas."},
			[]User{investor}, []move{{"qualification", "Site visit planned.", true}}},
		{ProposalInput{Kind: "joint_venture", Market: "ru", Region: "Tatarstan", Models: "Rira, Soren Plus",
			Title:         L10n{"Совместное предприятие по выпуску Rira (демо)", "Joint venture to build the Rira (demo)", "سرمایه\u200cگذاری مشترک برای تولید ریرا (نمایشی)"},
			Summary:       L10n{"СП 50/50 с российским инвестором, завод мощностью 40 000 машин в год.", "A 50/50 joint venture with a Russian investor, a plant for 40,000 cars a year.", "سرمایه\u200cگذاری مشترک ۵۰/۵۰ با سرمایه\u200cگذار روس، کارخانه ۴۰٬۰۰۰ خودرو در سال."},
			VolumePerYear: 40000, InvestMin: 120_000_000, InvestMax: 200_000_000, Currency: "USD", Visibility: "public", NDAText: nda},
			[]User{investor, partner}, nil},
		{ProposalInput{Kind: "aftersales", Market: "az", Region: "Baku", Models: "Samand, Dena Plus",
			Title:         L10n{"Сеть запчастей и сервиса в Азербайджане (демо)", "Parts and service network in Azerbaijan (demo)", "شبکه قطعات و خدمات پس از فروش در آذربایجان (نمایشی)"},
			Summary:       L10n{"Склад запчастей и пять сервисных станций.", "A parts warehouse and five service stations.", "انبار قطعات و پنج ایستگاه خدمات."},
			VolumePerYear: 0, InvestMin: 2_000_000, InvestMax: 4_000_000, Currency: "USD", Visibility: "private", NDAText: nda},
			[]User{partner}, []move{{"on_hold", "Paused until the customs regime is clarified.", true}}},
	}
	err := s.Tx(ctx, func(tx *Tx) error {
		for i, d := range demos {
			at := now.Add(-time.Duration(30-i) * 24 * time.Hour)
			d.in.OwnerID = staff.ID
			id, err := tx.CreateProposal(d.in, staff, at)
			if err != nil {
				return err
			}
			for _, u := range d.people {
				if err := tx.AddParticipant(id, u.ID, u.Company, at); err != nil {
					return err
				}
			}
			p, err := tx.ProposalByID(id)
			if err != nil {
				return err
			}
			for j, m := range d.moves {
				at = at.Add(time.Duration(3+j) * 24 * time.Hour)
				if _, err := tx.MoveStage(StageMove{ProposalID: id, FromStage: p.Stage, Version: p.Version, ToStage: m.to,
					Note: m.note, Shared: m.shared, Actor: staff, At: at}); err != nil {
					return err
				}
				p.Stage, p.Version = m.to, p.Version+1
			}
		}
		return nil
	})
	return err == nil, err
}
