package db

import (
	"context"
	"fmt"
	"time"
)

// demoMarketShares are the demo's markets and their share of a month's
// units, in percent: Russia first by far, as the automaker's plans have it.
var demoMarketShares = []struct {
	code  string
	share int
}{{"ru", 56}, {"az", 14}, {"iq", 12}, {"om", 8}, {"by", 6}, {"kz", 4}}

// demoModelShares are the demo's models and their share, in percent; the
// Rira starts shipping demoRiraMonths months before the current one.
var demoModelShares = []struct {
	slug  string
	share int
}{{"rira", 30}, {"tara", 24}, {"dena-plus", 22}, {"soren-plus", 14}, {"runna-plus", 10}}

const demoRiraMonths = 10

// LoadDemoShipments adds illustrative monthly shipments for the 24 months
// before now and the current month so far, when there are none yet; it
// reports whether it did. The totals grow from about 1,800 to about 5,500
// units a month, most of them to Russia. Every record is marked demo.
func (s *Store) LoadDemoShipments(ctx context.Context, now time.Time) (bool, error) {
	var n int
	if err := s.db.Read.QueryRowContext(ctx, `SELECT count(*) FROM shipments`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: count shipments: %w", err)
	}
	if n > 0 {
		return false, nil
	}
	markets := map[string]int64{}
	ms, err := s.ListMarkets(ctx)
	if err != nil {
		return false, err
	}
	for _, m := range ms {
		markets[m.Code] = m.ID
	}
	models := map[string]int64{}
	rows, err := s.db.Read.QueryContext(ctx, `SELECT slug, id FROM models`)
	if err != nil {
		return false, fmt.Errorf("store: demo shipments: %w", err)
	}
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			rows.Close()
			return false, fmt.Errorf("store: demo shipments: %w", err)
		}
		models[slug] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, fmt.Errorf("store: demo shipments: %w", err)
	}
	in := demoShipments(now, markets, models)
	if len(in) == 0 {
		return false, nil
	}
	err = s.Tx(ctx, func(tx *Tx) error {
		_, _, err := tx.ImportShipments(in, 0, now)
		return err
	})
	return err == nil, err
}

// demoShipments builds the demo's records: a total per month growing
// steadily with a little seasonal and pseudo-random variation (the same
// every time for the same month), split by market and model shares.
func demoShipments(now time.Time, markets, models map[string]int64) []ShipmentInput {
	cur := MonthOf(now)
	var out []ShipmentInput
	for back := 24; back >= 0; back-- {
		month := AddMonths(cur, -back)
		_, mon := monthParts(month)
		// 1,800 a month two years ago, growing by about 155 a month.
		total := 1800 + (24-back)*155
		// Winter months ship less (roads, holidays), spring more.
		switch mon {
		case 1:
			total = total * 80 / 100
		case 2, 12:
			total = total * 92 / 100
		case 3, 4, 5:
			total = total * 106 / 100
		}
		total += int(demoNoise(month)%300) - 150
		if back == 0 {
			// The current month so far.
			days := time.Date(now.Year(), now.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
			total = total * now.Day() / days
		}
		modelShares := demoModelShares
		if back >= demoRiraMonths {
			modelShares = modelShares[1:]
		}
		shareSum := 0
		for _, m := range modelShares {
			shareSum += m.share
		}
		for _, mk := range demoMarketShares {
			mkID, ok := markets[mk.code]
			if !ok {
				continue
			}
			for _, md := range modelShares {
				mdID, ok := models[md.slug]
				if !ok {
					continue
				}
				units := total * mk.share * md.share / (100 * shareSum)
				units += int(demoNoise(month+mk.code+md.slug)%11) - 5
				if units <= 0 {
					continue
				}
				out = append(out, ShipmentInput{Month: month, MarketID: mkID, ModelID: mdID, Units: units, Demo: true})
			}
		}
	}
	return out
}

// demoNoise is a small deterministic hash (FNV-1a) of s.
func demoNoise(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
