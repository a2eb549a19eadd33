package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ikco/partner-portal/db"
	"github.com/ikco/partner-portal/db/searchtext"
	"github.com/ikco/partner-portal/web"
)

// Sizes of the generated portal the search benchmark serves: 1,000 models
// with 4 trims (5,000 documents), 20,000 offers, 15,000 proposals (three
// documents each, one per access level) and 30,000 inquiries: 100,000
// indexed documents.
const (
	benchSearchModels    = 1000
	benchSearchTrims     = 4
	benchSearchOffers    = 20_000
	benchSearchProposals = 15_000
	benchSearchInquiries = 30_000
	benchSearchConns     = 16
	searchBenchPassword  = "bench passphrase for search"
)

// Words the generated texts are drawn from, commonest first (drawn with a
// Zipf distribution): Russian words in several inflected forms, English
// and Persian, the demo models' names.
var (
	benchWordsRU = strings.Fields(`поставки поставками поставок дилерская дилерской дилеров сеть сети сетью сборка сборки сборкой
		кроссовер кроссоверы кроссоверов седан седаны седанов запчасти запчастей сервис сервисные сервисных гарантия гарантии гарантией
		инвестиции инвестиций завод завода заводе регион региона регионах склад склада логистика логистики локализация локализации
		машинокомплекты машинокомплектов производство производства партнёрство партнёрства договор договора цена цены объём объёма
		рынок рынка таможня таможни доставка доставки Москва Москве Казань Казани Самара Самаре Тольятти Калуга Калуге Екатеринбург
		Новосибирск Краснодар Rira Tara Samand Dena Plus Soren Runna центр центры центров площадка площадки обучение персонала
		кредит лизинг финансирование экспорт импорт контракт контракта условия условий срок сроки этап этапа модель модели`)
	benchWordsEN = strings.Fields(`delivery deliveries dealer dealers dealership network assembly plant warranty service parts spare
		crossover crossovers sedan sedans investment investments region regional logistics localisation kits price prices volume
		contract customs market Moscow Kazan Samara Kaluga Rira Tara Samand Dena Plus Soren Runna training staff credit leasing
		financing export import terms stage stages centre centres site sites`)
	benchWordsFA = strings.Fields(`خودرو خودروها نمایندگی نمایندگی ها قطعات یدکی خدمات گارانتی مونتاژ سرمایه گذاری کارخانه توزیع
		قرارداد قیمت حجم گمرک شبکه منطقه روسیه مسکو تحویل ریرا تارا سمند دنا پلاس سورن رانا آموزش اعتبار لیزینگ صادرات واردات
		شرایط مرحله مرکز مراکز`)
	benchFirstNames = strings.Fields(`Иван Ирина Алексей Мария Дмитрий Ольга Сергей Анна Павел Елена`)
	benchLastNames  = strings.Fields(`Петров Смирнов Кузнецов Попов Васильев Соколов Михайлов Новиков Фёдоров Морозов`)
)

// benchSearchQueries is the mix of queries asked, each in the page
// language given: inflected Russian, Latin and Cyrillic model names,
// English, Persian (with Arabic letter forms), two-word queries, a rare
// word and one with FTS5 syntax characters.
var benchSearchQueries = []struct{ lang, q string }{
	{"ru", "кроссоверы"}, {"ru", "поставками"}, {"ru", "дилерской сети"}, {"ru", "сборка в Калуге"}, {"ru", "гарантии"},
	{"ru", "запчасти Москва"}, {"ru", "Рира"}, {"ru", "Тара седан"}, {"ru", "инвестиции завод"}, {"ru", "локализация"},
	{"ru", "объем поставок"}, {"ru", "машинокомплектов"}, {"ru", "таможня"}, {"ru", "сервисные центры"}, {"ru", "партнерство"},
	{"ru", "Автодом-4217"}, {"ru", `"NEAR(кроссовер*`},
	{"en", "crossovers"}, {"en", "dealer network"}, {"en", "warranty"}, {"en", "assembly plant"}, {"en", "Rira"},
	{"en", "spare parts delivery"}, {"en", "localisation"},
	{"fa", "خودروها"}, {"fa", "نمایندگی"}, {"fa", "ريرا"}, {"fa", "قطعات یدکی"}, {"fa", "گارانتی"}, {"fa", "مونتاژ"},
}

// benchVocabulary spreads the real words among generated filler words
// (3,000 a language, made of syllables), one real word every third rank
// from rank 9, so the commonest real word is in about a fifth of the
// texts and most in a few per cent, as in prose.
func benchVocabulary(real []string, syllables []string) []string {
	r := rand.New(rand.NewPCG(7, uint64(len(real))))
	var out []string
	next := 0
	for len(out) < 3000+len(real) {
		if len(out) >= 9 && len(out)%3 == 0 && next < len(real) {
			out = append(out, real[next])
			next++
			continue
		}
		w := ""
		for range 2 + r.IntN(3) {
			w += syllables[r.IntN(len(syllables))]
		}
		out = append(out, w)
	}
	return out
}

var (
	benchSyllablesRU = strings.Fields("ка ро ми ла не то ва ду ре зо ны пе ли ст ор ан ек ув ши жа")
	benchSyllablesEN = strings.Fields("ka ro mi la ne to va du re zo ny pe li st or an ek uv shi ja")
	benchSyllablesFA = strings.Fields("کا رو می لا نه تو وا دو ره زو نی په لی ست ار ان اک او شی جا")
)

// benchText is a text of n words drawn from words with a Zipf law.
func benchText(z *rand.Zipf, words []string, n int) string {
	out := make([]string, n)
	for i := range out {
		out[i] = words[z.Uint64()%uint64(len(words))]
	}
	return strings.Join(out, " ")
}

type searchBenchDB struct {
	investor, staff string // emails
	docs            int
	build, rebuild  time.Duration
}

// buildSearchDB makes a migrated database with the generated catalogue,
// offers, proposals and inquiries in one transaction of prepared
// inserts, then builds the search index from them (timed apart).
func buildSearchDB(ctx context.Context, b *testing.B, path string) searchBenchDB {
	b.Helper()
	t0 := time.Now()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	if err := store.LoadGenerated(ctx, benchSearchModels, benchSearchTrims); err != nil {
		b.Fatal(err)
	}
	hash, err := web.HashPassword(searchBenchPassword)
	if err != nil {
		b.Fatal(err)
	}
	out := searchBenchDB{investor: "search-investor@example.com", staff: "search-staff@example.com"}
	tx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	now := time.Now().UTC().Truncate(time.Microsecond)
	ts := func(t time.Time) string { return t.UTC().Format(benchTimeFormat) }
	day := func(t time.Time) string { return t.UTC().Format("2006-01-02") }
	var staffID, investorID int64
	for _, u := range []struct {
		email, role string
		id          *int64
	}{{out.staff, "staff", &staffID}, {out.investor, "investor", &investorID}} {
		res, err := tx.ExecContext(ctx, `INSERT INTO users(email, password_hash, full_name, company, role, status, lang, email_confirmed_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'active', 'ru', ?, ?, ?)`, u.email, hash, "Bench "+u.role, "Bench LLC", u.role, ts(now), ts(now), ts(now))
		if err != nil {
			b.Fatal(err)
		}
		*u.id, _ = res.LastInsertId()
	}
	prep := func(q string) *sqlStmt {
		st, err := tx.PrepareContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		return &sqlStmt{b: b, ctx: ctx, st: st}
	}
	insO := prep(`INSERT INTO offers(model_id, trim_id, status, price_minor, currency, moq, incoterm, place, lead_days, valid_from, valid_until,
		rub_minor, rate_value, rate_nominal, rate_date, rate_source, published_at, created_at, updated_at)
		VALUES (?, ?, 'published', ?, 'RUB', 10, 'DAP', ?, 60, ?, ?, ?, '1', 1, ?, 'rub', ?, ?, ?)`)
	insOT := prep(`INSERT INTO offer_texts(offer_id, lang, warranty, after_sales, notes) VALUES (?, ?, ?, ?, ?)`)
	insP := prep(`INSERT INTO proposals(kind, title_ru, title_en, title_fa, summary_ru, summary_en, summary_fa, market, region, models,
		volume_per_year, invest_min, invest_max, currency, key_terms, visibility, nda_text, stage, stage_since, next_step, owner_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'ru', ?, ?, 1000, 1000000, 5000000, 'RUB', ?, ?, 'Bench NDA', 'new', ?, ?, ?, ?, ?)`)
	insPart := prep(`INSERT INTO proposal_participants(proposal_id, user_id, company, added_at) VALUES (?, ?, 'Bench LLC', ?)`)
	insNDA := prep(`INSERT INTO nda_acceptances(proposal_id, user_id, nda_version, text_sha256, accepted_at) VALUES (?, ?, 1, 'x', ?)`)
	insI := prep(`INSERT INTO inquiries(user_id, ref, status, step, company, country, inn, ogrn, region, contact_name, email, kind, models, message,
		timeline, network_cities, created_at, updated_at, submitted_at)
		VALUES (?, ?, 'new', 5, ?, 'RU', ?, ?, ?, ?, ?, 'joint_venture', ?, ?, ?, ?, ?, ?, ?)`)

	rng := rand.New(rand.NewPCG(2026, 8))
	vRU, vEN, vFA := benchVocabulary(benchWordsRU, benchSyllablesRU), benchVocabulary(benchWordsEN, benchSyllablesEN), benchVocabulary(benchWordsFA, benchSyllablesFA)
	zRU := rand.NewZipf(rng, 1.1, 1, uint64(len(vRU)-1))
	zEN := rand.NewZipf(rng, 1.1, 1, uint64(len(vEN)-1))
	zFA := rand.NewZipf(rng, 1.1, 1, uint64(len(vFA)-1))
	ru := func(n int) string { return benchText(zRU, vRU, n) }
	en := func(n int) string { return benchText(zEN, vEN, n) }
	fa := func(n int) string { return benchText(zFA, vFA, n) }
	models := []string{"Rira", "Tara", "Dena Plus", "Soren Plus", "Runna Plus", "Samand"}
	cities := []string{"Москва", "Казань", "Самара", "Калуга", "Екатеринбург", "Новосибирск", "Краснодар", "Тольятти"}
	for i := range benchSearchOffers {
		model := 1 + int64(i%benchSearchModels)
		trim := (model-1)*benchSearchTrims + 1 + int64(i%benchSearchTrims)
		at := now.Add(-time.Duration(i) * time.Minute)
		id := insO.insert(model, trim, 150_000_000+int64(i%90)*1_000_000, cities[i%len(cities)], day(at), day(at.AddDate(0, 3, 0)),
			150_000_000+int64(i%90)*1_000_000, day(at), ts(at), ts(at), ts(at))
		insOT.insert(id, "ru", ru(8), ru(8), ru(16))
		insOT.insert(id, "en", en(8), en(8), en(16))
		insOT.insert(id, "fa", fa(8), fa(8), fa(16))
	}
	visibilities := []string{"public", "members", "private"}
	for i := range benchSearchProposals {
		at := now.Add(-time.Duration(i) * time.Minute)
		id := insP.insert(db.ProposalKinds[i%len(db.ProposalKinds)], ru(6), en(6), fa(6), ru(18), en(18), fa(18), cities[i%len(cities)],
			models[i%len(models)]+", "+models[(i+2)%len(models)], en(14), visibilities[i%3], ts(at), ru(5), staffID, ts(at), ts(at))
		if i%75 == 0 { // the investor takes part in 200 proposals, past the NDA
			insPart.insert(id, investorID, ts(at))
			insNDA.insert(id, investorID, ts(at))
		}
	}
	for i := range benchSearchInquiries {
		at := now.Add(-time.Duration(i) * time.Minute)
		name := benchFirstNames[i%len(benchFirstNames)] + " " + benchLastNames[(i/10)%len(benchLastNames)]
		insI.insert(investorID, fmt.Sprintf("JV-%d-%06d", 2026-i%3, i+1), fmt.Sprintf("ООО «Автодом-%d»", i+1), fmt.Sprintf("77%08d", i),
			fmt.Sprintf("10277%08d", i), cities[i%len(cities)], name, fmt.Sprintf("contact%d@example.com", i), models[i%len(models)], ru(22),
			"2027", cities[(i+3)%len(cities)], ts(at), ts(at), ts(at))
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	out.build = time.Since(t0)
	t1 := time.Now()
	if err := store.RebuildSearch(ctx); err != nil {
		b.Fatal(err)
	}
	out.rebuild = time.Since(t1)
	if _, err := d.Write.ExecContext(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	if err := d.Read.QueryRowContext(ctx, `SELECT count(*) FROM search_docs`).Scan(&out.docs); err != nil {
		b.Fatal(err)
	}
	return out
}

// sqlStmt is a prepared insert that fails the benchmark on an error.
type sqlStmt struct {
	b   *testing.B
	ctx context.Context
	st  *sql.Stmt
}

// insert runs the statement and returns the new row's id.
func (s *sqlStmt) insert(args ...any) int64 {
	res, err := s.st.ExecContext(s.ctx, args...)
	if err != nil {
		s.b.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

// BenchmarkSearch starts the real portal over 100,000 indexed documents
// and measures search pages at 16 keep-alive connections: a mix of 30
// queries (Russian inflected words, model names in Latin and Cyrillic,
// English, Persian, two-word queries) asked by visitors (half the
// connections), an approved investor and staff.
func BenchmarkSearch(b *testing.B) {
	window := benchWindow(b)
	var f searchFigures
	for b.Loop() {
		f = measureSearch(b, window)
	}
	b.ReportMetric(f.load.perSecond(), "req/s")
	b.ReportMetric(ms(f.load.percentile(0.50)), "p50-ms")
	b.ReportMetric(ms(f.load.percentile(0.95)), "p95-ms")
	b.ReportMetric(ms(f.load.percentile(0.99)), "p99-ms")
	b.ReportMetric(float64(f.load.errors), "errors")
	b.ReportMetric(f.db.rebuild.Seconds(), "rebuild-s")
	b.ReportMetric(ms(percentile(f.uncached, 0.95)), "uncached-p95-ms")
	if f.others >= 0 {
		b.ReportMetric(100*f.others, "others-cpu-%")
	}
	target := "meets"
	if f.load.percentile(0.95) > 20*time.Millisecond {
		target = "MISSES"
	}
	fmt.Fprintf(os.Stdout, "\nsearch: %d indexed documents (content built in %s, index rebuilt in %s)\n", f.db.docs,
		f.db.build.Round(time.Millisecond), f.db.rebuild.Round(time.Millisecond))
	fmt.Fprintf(os.Stdout, "  search pages %8.0f req/s  p50 %6.2f ms  p95 %6.2f ms  p99 %6.2f ms  (%s the 20 ms p95 target at %d connections)\n",
		f.load.perSecond(), ms(f.load.percentile(0.5)), ms(f.load.percentile(0.95)), ms(f.load.percentile(0.99)), target, benchSearchConns)
	fmt.Fprintf(os.Stdout, "  one query at a time, nothing kept in memory (%d queries): p50 %.2f ms  p95 %.2f ms  max %.2f ms\n",
		len(f.uncached), ms(percentile(f.uncached, 0.5)), ms(percentile(f.uncached, 0.95)), ms(f.uncached[len(f.uncached)-1]))
	if f.others >= 0 {
		fmt.Fprintf(os.Stdout, "  other programs took %.0f%% of the machine's CPU during the load\n", 100*f.others)
	}
}

type searchFigures struct {
	db searchBenchDB
	// uncached is each query of the mix run once per viewer class in the
	// store with no results kept, one at a time, sorted.
	uncached []time.Duration
	load     loadResult
	others   float64
}

// measureUncachedSearch times each query of the mix in the store itself,
// with nothing kept in memory, for a visitor, an investor and staff.
func measureUncachedSearch(ctx context.Context, b *testing.B, path string) []time.Duration {
	b.Helper()
	d, store := openBenchStore(ctx, b, path)
	defer d.Close()
	var out []time.Duration
	viewers := []db.Viewer{{}, {ID: 2, Role: "investor"}, {ID: 1, Role: "staff"}}
	for round := range 2 {
		for _, v := range viewers {
			for _, q := range benchSearchQueries {
				t0 := time.Now()
				if _, err := store.SearchUncached(ctx, v, db.SearchParams{Query: searchtext.ParseQuery(q.q), Lang: q.lang}); err != nil {
					b.Fatal(err)
				}
				if round == 1 { // the first round warms the statements and the page cache
					out = append(out, time.Since(t0))
				}
			}
		}
	}
	slices.Sort(out)
	return out
}

func measureSearch(b *testing.B, window time.Duration) searchFigures {
	b.Helper()
	var f searchFigures
	ctx, cancel := context.WithCancel(b.Context())
	defer cancel()
	path := filepath.Join(b.TempDir(), "portal.db")
	if k := os.Getenv("SEARCH_KEEP"); k != "" {
		path = k
	}
	f.db = buildSearchDB(ctx, b, path)
	if f.db.docs < 100_000 {
		b.Fatalf("%d documents indexed, want 100,000", f.db.docs)
	}
	f.uncached = measureUncachedSearch(ctx, b, path)

	addr := freeLoopbackAddr(b)
	logs := &syncBuffer{}
	args := []string{"portal", "-addr", addr, "-db", path, "-log-level", "warn"}
	getenv := func(string) string { return "" }
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run(ctx, args, getenv, strings.NewReader(""), logs, logs) }()
	base := "http://" + addr
	waitReady(b, base+"/readyz", start, done, logs)

	investor := loginCookie(ctx, b, base, f.db.investor, searchBenchPassword, "127.0.0.1")
	staff := loginCookie(ctx, b, base, f.db.staff, searchBenchPassword, "127.0.0.1")
	var urls []string
	for _, q := range benchSearchQueries {
		urls = append(urls, base+"/"+q.lang+"/search?q="+url.QueryEscape(q.q))
	}
	// Workers 0, 1 (mod 4) are visitors, 2 the investor, 3 staff.
	who := []http.Header{{}, {}, {"Cookie": {investor}}, {"Cookie": {staff}}}
	cpu0, cpuOK := readCPUTicks()
	res, err := runLoad(ctx, loadSpec{conns: benchSearchConns, warmup: window / 6, duration: window, urls: urls,
		header: http.Header{"Accept-Encoding": {"gzip"}}, workerHeader: who})
	if err != nil {
		b.Fatal(err)
	}
	if res.errors > 0 {
		b.Errorf("%d of %d requests failed, first: %s", res.errors, res.requests, res.firstErr)
	}
	f.load = res
	f.others = -1
	if cpu1, ok := readCPUTicks(); ok && cpuOK {
		f.others = cpu1.othersShare(cpu0)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			b.Fatalf("run: %v\n%s", err, logs)
		}
	case <-time.After(30 * time.Second):
		b.Fatalf("run did not return 30 s after its context ended\n%s", logs)
	}
	return f
}
