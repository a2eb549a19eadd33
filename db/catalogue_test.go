package db

import (
	"context"
	"errors"
	"testing"
)

// seedTiny inserts two published models and one draft, by hand, so the
// store's queries are checked against figures known here.
func seedTiny(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	stmts := []string{
		`INSERT INTO models(id, slug, body_type, seats, model_year, sort_order, status) VALUES
			(1, 'alpha', 'sedan', 5, 2026, 2, 'published'),
			(2, 'beta', 'crossover', 5, 2026, 1, 'published'),
			(3, 'gamma', 'sedan', 5, 2026, 0, 'draft')`,
		`INSERT INTO model_texts(model_id, lang, name, tagline) VALUES
			(1, 'ru', 'Альфа', 'Седан'), (1, 'en', 'Alpha', 'A sedan'),
			(2, 'ru', 'Бета', 'Кроссовер'), (2, 'en', 'Beta', ''), (2, 'fa', 'بتا', ''),
			(3, 'ru', 'Гамма', '')`,
		`INSERT INTO trims(id, model_id, slug, fuel, transmission, engine_cc, power_hp, price_minor, status) VALUES
			(10, 1, 'base', 'petrol', 'manual', 1600, 110, 150000000, 'published'),
			(11, 1, 'top', 'bifuel', 'cvt', 1650, 113, 180000000, 'published'),
			(12, 1, 'hidden', 'petrol', 'automatic', 1700, 150, 100, 'draft'),
			(20, 2, 'one', 'petrol', 'cvt', 1500, 150, 250000000, 'published'),
			(30, 3, 'x', 'petrol', 'manual', 1600, 110, 100000000, 'published')`,
		`INSERT INTO trim_texts(trim_id, lang, name) VALUES (10, 'ru', 'Базовая'), (10, 'en', 'Base'), (11, 'ru', 'Топ'), (20, 'ru', 'Одна')`,
		`INSERT INTO spec_groups(id, code, sort_order) VALUES (1, 'engine', 0), (2, 'equipment', 1)`,
		`INSERT INTO spec_group_texts VALUES (1, 'ru', 'Двигатель'), (1, 'en', 'Engine'), (2, 'ru', 'Оснащение')`,
		`INSERT INTO spec_items(id, group_id, code, kind, unit, decimals, sort_order) VALUES
			(1, 1, 'power', 'number', 'hp', 0, 0), (2, 1, 'engine_name', 'text', '', 0, 1), (3, 2, 'ac', 'bool', '', 0, 0)`,
		`INSERT INTO spec_item_texts VALUES (1, 'ru', 'Мощность'), (2, 'ru', 'Двигатель'), (3, 'ru', 'Кондиционер'), (3, 'en', 'Air conditioning')`,
		`INSERT INTO trim_specs(trim_id, item_id, num, flag) VALUES (10, 1, 110, NULL), (11, 1, 113, NULL), (10, 2, NULL, NULL), (11, 2, NULL, NULL), (10, 3, NULL, 0), (11, 3, NULL, 1)`,
		`INSERT INTO trim_spec_texts VALUES (10, 2, 'ru', 'ТУ5'), (10, 2, 'en', 'TU5'), (11, 2, 'ru', 'ТУ5')`,
	}
	for _, q := range stmts {
		if _, err := s.db.Write.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func newTinyStore(t *testing.T) *Store {
	t.Helper()
	d := newTestDB(t)
	if _, err := Migrate(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	s, err := NewStore(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	seedTiny(t, s)
	return s
}

func TestListModels(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	cases := []struct {
		name  string
		f     ModelFilter
		slugs []string
		total int
	}{
		{"featured order, drafts hidden", ModelFilter{}, []string{"beta", "alpha"}, 2},
		{"body", ModelFilter{Body: "sedan"}, []string{"alpha"}, 1},
		{"fuel of any published trim", ModelFilter{Fuel: "bifuel"}, []string{"alpha"}, 1},
		{"draft trim does not match", ModelFilter{Transmission: "automatic"}, nil, 0},
		{"price ascending", ModelFilter{Sort: "price_asc"}, []string{"alpha", "beta"}, 2},
		{"price descending", ModelFilter{Sort: "price_desc"}, []string{"beta", "alpha"}, 2},
		{"name", ModelFilter{Sort: "name"}, []string{"alpha", "beta"}, 2},
		{"page 2 of 1 per page", ModelFilter{Page: 2, PerPage: 1}, []string{"alpha"}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.ListModels(ctx, "en", tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var slugs []string
			for _, m := range got.Items {
				slugs = append(slugs, m.Slug)
			}
			if len(slugs) != len(tc.slugs) || got.Total != tc.total {
				t.Fatalf("got %v (total %d), want %v (total %d)", slugs, got.Total, tc.slugs, tc.total)
			}
			for i := range slugs {
				if slugs[i] != tc.slugs[i] {
					t.Fatalf("got %v, want %v", slugs, tc.slugs)
				}
			}
		})
	}
	got, err := s.ListModels(ctx, "fa", ModelFilter{Body: "sedan"})
	if err != nil {
		t.Fatal(err)
	}
	a := got.Items[0]
	if a.Name != (Text{"Альфа", "ru"}) {
		t.Errorf("fa name of alpha = %+v, want the Russian fallback", a.Name)
	}
	if a.PriceFrom != (Money{150000000, "RUB"}) || a.TrimCount != 2 || a.PowerMinHP != 110 || a.PowerMaxHP != 113 || a.EngineMinCC != 1600 || a.EngineMaxCC != 1650 {
		t.Errorf("alpha summary wrong: %+v", a)
	}
	if len(a.Fuels) != 2 || a.Fuels[0] != "petrol" || a.Fuels[1] != "bifuel" {
		t.Errorf("fuels %v", a.Fuels)
	}
}

func TestModelBySlug(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	m, err := s.ModelBySlug(ctx, "en", "alpha")
	if err != nil {
		t.Fatal(err)
	}
	if m.Name.Value != "Alpha" || len(m.Trims) != 2 {
		t.Fatalf("model %+v", m)
	}
	if m.Trims[1].Name != (Text{"Топ", "ru"}) {
		t.Errorf("trim name fallback %+v", m.Trims[1].Name)
	}
	if len(m.Specs) != 2 || m.Specs[0].Code != "engine" || m.Specs[1].Name != (Text{"Оснащение", "ru"}) {
		t.Fatalf("spec groups %+v", m.Specs)
	}
	power := m.Specs[0].Rows[0]
	if power.Values[0].Num != 110 || power.Values[1].Num != 113 || !power.Differs() {
		t.Errorf("power row %+v", power)
	}
	engine := m.Specs[0].Rows[1]
	if engine.Values[0].Text.Value != "TU5" || engine.Values[1].Text != (Text{"ТУ5", "ru"}) {
		t.Errorf("engine row %+v", engine.Values)
	}
	ac := m.Specs[1].Rows[0]
	if ac.Values[0].Flag || !ac.Values[1].Flag || ac.Name.Value != "Air conditioning" {
		t.Errorf("ac row %+v", ac)
	}
	for _, slug := range []string{"gamma", "nope", ""} {
		if _, err := s.ModelBySlug(ctx, "en", slug); !errors.Is(err, ErrNotFound) {
			t.Errorf("%q: err %v, want ErrNotFound", slug, err)
		}
	}
}

func TestTrimsWithSpecs(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	trims, groups, err := s.TrimsWithSpecs(ctx, "ru", []int64{20, 10, 12, 30, 999})
	if err != nil {
		t.Fatal(err)
	}
	// Drafts (12), trims of draft models (30) and unknown ids are left out;
	// the order asked is kept.
	if len(trims) != 2 || trims[0].ID != 20 || trims[1].ID != 10 {
		t.Fatalf("trims %+v", trims)
	}
	if trims[0].ModelName.Value != "Бета" {
		t.Errorf("model name %+v", trims[0].ModelName)
	}
	if len(groups) == 0 || !groups[0].Rows[0].Values[1].Present || groups[0].Rows[0].Values[0].Present {
		t.Errorf("values not aligned to columns: %+v", groups)
	}
	choices, err := s.ListTrimChoices(ctx, "en")
	if err != nil {
		t.Fatal(err)
	}
	if len(choices) != 2 || choices[0].Name.Value != "Beta" || len(choices[1].Trims) != 2 {
		t.Errorf("choices %+v", choices)
	}
}
