package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// PipelineStats is the negotiation pipeline in numbers, for staff: every
// figure summed in SQL.
type PipelineStats struct {
	// Stages has one entry per stage (AllStages order), empty ones too.
	Stages []StageStats
	// Inquiries are the last InquiryMonths months of inquiries, oldest
	// first, each month present.
	Inquiries []InquiryMonth
}

// StageStats is what the proposals at one stage represent.
type StageStats struct {
	Stage string
	// Count is the proposals now at the stage; Volume the units a year
	// they plan.
	Count  int
	Volume int
	// Investment is the investment range they name, per currency, never
	// added across currencies (whole currency units).
	Investment []StageInvestment
	// Done counts the stays in this stage that ended (the proposal moved
	// on), AvgDaysDone their average length in days; Open counts the
	// proposals in the stage now and AvgDaysOpen how long they have been
	// there on average. Final stages have no open stays.
	Done, Open               int
	AvgDaysDone, AvgDaysOpen sql.NullFloat64
}

// StageInvestment is the sum of the investment ranges in one currency.
type StageInvestment struct {
	Currency string
	Count    int
	Min, Max int64
}

// InquiryMonth counts the inquiries submitted in a month and how many of
// them became proposals (accepted, linked to a proposal).
type InquiryMonth struct {
	Month     string
	Received  int
	Converted int
	// Rate is Converted of Received in percent (one decimal); not Valid
	// in a month without inquiries.
	Rate sql.NullFloat64
}

// InquiryMonths is how many months the inquiries table covers.
const InquiryMonths = 12

// finalStages are the stages a negotiation never leaves.
var finalStages = []string{"signed", "declined", "withdrawn"}

// PipelineStats computes the pipeline's figures as of now.
func (s *Store) PipelineStats(ctx context.Context, now time.Time) (PipelineStats, error) {
	var ps PipelineStats
	byStage := map[string]*StageStats{}
	for _, st := range AllStages {
		ps.Stages = append(ps.Stages, StageStats{Stage: st})
	}
	for i := range ps.Stages {
		byStage[ps.Stages[i].Stage] = &ps.Stages[i]
	}
	rows, err := s.query(ctx, `SELECT stage, count(*), COALESCE(sum(volume_per_year), 0) FROM proposals GROUP BY stage`)
	if err != nil {
		return ps, fmt.Errorf("store: pipeline counts: %w", err)
	}
	for rows.Next() {
		var st string
		var n, vol int
		if err := rows.Scan(&st, &n, &vol); err != nil {
			rows.Close()
			return ps, fmt.Errorf("store: pipeline counts: %w", err)
		}
		if x := byStage[st]; x != nil {
			x.Count, x.Volume = n, vol
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ps, fmt.Errorf("store: pipeline counts: %w", err)
	}

	rows, err = s.query(ctx, `SELECT stage, currency, count(*), sum(invest_min), sum(invest_max) FROM proposals
		WHERE invest_max > 0 GROUP BY stage, currency ORDER BY stage, currency`)
	if err != nil {
		return ps, fmt.Errorf("store: pipeline investment: %w", err)
	}
	for rows.Next() {
		var st string
		var inv StageInvestment
		if err := rows.Scan(&st, &inv.Currency, &inv.Count, &inv.Min, &inv.Max); err != nil {
			rows.Close()
			return ps, fmt.Errorf("store: pipeline investment: %w", err)
		}
		if x := byStage[st]; x != nil {
			x.Investment = append(x.Investment, inv)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ps, fmt.Errorf("store: pipeline investment: %w", err)
	}

	// A stay in a stage runs from the timeline entry that moved the
	// proposal there (or created it, in New) to the next move; the last
	// stay of a proposal is still open, unless the stage is final.
	rows, err = s.query(ctx, `
		WITH stays AS (
			SELECT to_stage AS stage, at, LEAD(at) OVER (PARTITION BY proposal_id ORDER BY seq) AS left_at
			FROM proposal_events WHERE kind IN ('created', 'stage')
		)
		SELECT stage,
			count(left_at),
			round(avg(julianday(left_at) - julianday(at)), 1),
			count(*) - count(left_at),
			round(avg(CASE WHEN left_at IS NULL THEN julianday(?) - julianday(at) END), 1)
		FROM stays WHERE stage NOT IN (?, ?, ?) OR left_at IS NOT NULL
		GROUP BY stage`, fmtTime(now), finalStages[0], finalStages[1], finalStages[2])
	if err != nil {
		return ps, fmt.Errorf("store: pipeline stays: %w", err)
	}
	for rows.Next() {
		var st string
		var done, open int
		var avgDone, avgOpen sql.NullFloat64
		if err := rows.Scan(&st, &done, &avgDone, &open, &avgOpen); err != nil {
			rows.Close()
			return ps, fmt.Errorf("store: pipeline stays: %w", err)
		}
		if x := byStage[st]; x != nil {
			x.Done, x.AvgDaysDone, x.Open, x.AvgDaysOpen = done, avgDone, open, avgOpen
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return ps, fmt.Errorf("store: pipeline stays: %w", err)
	}

	// Inquiries by the month (UTC) they were submitted in; converted ones
	// were accepted into the pipeline.
	start := AddMonths(MonthOf(now.UTC()), -(InquiryMonths - 1))
	rows, err = s.query(ctx, `
		WITH RECURSIVE months(m, i) AS (
			SELECT ?, 1
			UNION ALL
			SELECT strftime('%Y-%m', m || '-01', '+1 month'), i + 1 FROM months WHERE i < ?
		)
		SELECT m, received, converted, round(100.0 * converted / nullif(received, 0), 1) FROM (
		SELECT months.m AS m, count(q.id) AS received, COALESCE(sum(q.status = 'accepted' OR q.proposal_id IS NOT NULL), 0) AS converted
		FROM months
		LEFT JOIN inquiries q ON q.submitted_at >= months.m || '-01'
			AND q.submitted_at < strftime('%Y-%m-%d', months.m || '-01', '+1 month')
		GROUP BY months.m) ORDER BY m`, start, InquiryMonths)
	if err != nil {
		return ps, fmt.Errorf("store: inquiry months: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m InquiryMonth
		if err := rows.Scan(&m.Month, &m.Received, &m.Converted, &m.Rate); err != nil {
			return ps, fmt.Errorf("store: inquiry months: %w", err)
		}
		ps.Inquiries = append(ps.Inquiries, m)
	}
	return ps, rows.Err()
}
