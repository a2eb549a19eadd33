package db

import (
	"context"
	"fmt"
	"time"
)

// LoadDemoInquiries adds two illustrative joint-venture inquiries of the
// demo partner, when none exists yet: one new, one in which staff asked
// for more information. It reports whether it did. Companies, numbers
// and figures in them are invented for the demonstration (the INN and
// OGRN only pass their check digits).
func (s *Store) LoadDemoInquiries(ctx context.Context, staff, partner User, now time.Time) (bool, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM inquiries`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count inquiries: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	demos := []struct {
		q   Inquiry
		ask string
	}{
		{Inquiry{Company: "ООО «Демо Авто Поволжье» (демо)", Country: "RU", INN: "7736207543", OGRN: "1027700229193", KPP: "773601001",
			Website: "demo-auto.example", Region: "Самарская область", ContactName: "Ирина Петрова (демо)", ContactPosition: "Директор по развитию",
			Email: "partner@demo.example", Phone: "+78461234567", Kind: "joint_venture", Models: "Rira, Tara", VolumePerYear: 6000,
			Investment: 2_500_000_000, Currency: "RUB", Timeline: "Сборка с 2028 года", NetworkPoints: 14, NetworkCities: "Самара, Тольятти, Сызрань",
			Message: "Демонстрационная заявка: совместное предприятие по сборке Rira на площадке в Тольятти, с сервисной сетью в Поволжье.", Step: 5}, ""},
		{Inquiry{Company: "ООО «Демо Сервис Урал» (демо)", Country: "RU", INN: "7707083893", OGRN: "1027700132195", Website: "demo-service.example",
			Region: "Свердловская область", ContactName: "Ирина Петрова (демо)", ContactPosition: "Директор по развитию", Email: "partner@demo.example",
			Phone: "+73431234567", Kind: "aftersales", Models: "Dena Plus, Soren Plus", VolumePerYear: 1500, Investment: 300_000_000, Currency: "RUB",
			Timeline: "2027", NetworkPoints: 6, NetworkCities: "Екатеринбург, Челябинск",
			Message: "Демонстрационная заявка: сеть сервиса и запчастей на Урале.", Step: 5},
			"Please attach the network's service certificates (demonstration request)."},
	}
	return true, s.Tx(ctx, func(tx *Tx) error {
		for i, d := range demos {
			at := now.Add(-time.Duration(len(demos)-i) * 72 * time.Hour)
			id, err := tx.CreateInquiryDraft(partner.ID, "", at)
			if err != nil {
				return err
			}
			d.q.ID = id
			if err := tx.SaveInquiry(d.q, at); err != nil {
				return err
			}
			if _, _, err := tx.SubmitInquiry(id, partner, at); err != nil {
				return err
			}
			if d.ask != "" {
				if err := tx.AssignInquiry(id, staff.ID, at.Add(time.Hour)); err != nil {
					return err
				}
				if err := tx.SetInquiryStatus(id, "needs_info", []string{"new"}, at.Add(time.Hour)); err != nil {
					return err
				}
				if err := tx.AddInquiryMessage(InquiryMessage{InquiryID: id, Kind: "info_request", AuthorID: staff.ID, AuthorName: staff.FullName,
					Staff: true, Body: d.ask, At: at.Add(time.Hour)}); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
