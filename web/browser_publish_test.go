package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// setFields types values into the page's fields, by element id.
func setFields(t *testing.T, ctx context.Context, fields map[string]string) {
	t.Helper()
	for id, v := range fields {
		if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS("#"+id), v)); err != nil {
			t.Fatalf("set #%s: %v", id, err)
		}
	}
}

// TestBrowserPublishFlow: a staff member logs in, uploads a photo, creates
// a model with a trim and the photo in three languages and publishes it;
// a visitor then finds it in the catalogue and in the Atom feed. The
// editor's pages are checked with axe on the way.
func TestBrowserPublishFlow(t *testing.T) {
	ctx, base, ts := newBrowserServer(t)
	staff := createUser(t, ts, "editor@example.com", "staff", "active")

	visit(t, ctx, base+"/en/login", 200)
	setFields(t, ctx, map[string]string{"login-email": staff.Email, "login-password": testPassword})
	clickAndWait(t, ctx, "main form button[type=submit]")

	// A photo for the media library.
	photo := filepath.Join(t.TempDir(), "azar-front.jpg")
	if err := os.WriteFile(photo, jpegBytes(t, 1600, 900), 0o600); err != nil {
		t.Fatal(err)
	}
	visit(t, ctx, base+"/en/staff/media", 200)
	runAxe(t, ctx, "media library")
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{photo})); err != nil {
		t.Fatal(err)
	}
	clickAndWait(t, ctx, "[data-testid=upload]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=media-item]').length`); n != 1 {
		t.Fatalf("%d files in the library after the upload, want 1", n)
	}
	files, err := ts.store.MediaFiles(context.Background())
	if err != nil || len(files) != 1 {
		t.Fatalf("library: %v %v", files, err)
	}

	visit(t, ctx, base+"/en/staff/catalogue/new", 200)
	runAxe(t, ctx, "new model editor")
	screenshot(t, ctx, "publish-1-new-model")
	setFields(t, ctx, map[string]string{
		"name-ru": "Азар Кросс", "name-en": "Azar Cross", "name-fa": "آذر کراس",
		"tagline-ru": "Городской кроссовер", "tagline-en": "A city crossover", "tagline-fa": "کراس\u200cاوور شهری",
		"body_type": "crossover", "seats": "5", "model_year": "2027",
		"t0-name-ru": "Комфорт", "t0-name-en": "Comfort", "t0-name-fa": "راحت",
		"t0-fuel": "petrol", "t0-transmission": "cvt", "t0-drive": "fwd",
		"t0-engine_cc": "1598", "t0-power_hp": "115", "t0-price": "1 890 000",
		"add_media": fmt.Sprintf("f%d", files[0].ID),
	})
	clickAndWait(t, ctx, "[data-testid=save]")
	if p := mustParse(t, location(t, ctx)).Path; !strings.HasPrefix(p, "/en/staff/catalogue/") {
		t.Fatalf("after saving: at %s", p)
	}
	// The photo needs its description in three languages: flagged until then.
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=missing]').length`); n != 3 {
		t.Errorf("%d missing-translation flags, want 3 (the photo's alt text)", n)
	}
	runAxe(t, ctx, "editor")
	setFields(t, ctx, map[string]string{"m0-alt-ru": "Азар Кросс спереди", "m0-alt-en": "Azar Cross, front", "m0-alt-fa": "آذر کراس از جلو"})
	clickAndWait(t, ctx, "[data-testid=save]")
	if n := eval[int](t, ctx, `document.querySelectorAll('[data-testid=missing]').length`); n != 0 {
		t.Errorf("%d missing-translation flags after filling them", n)
	}
	clickAndWait(t, ctx, "[data-testid=publish]")
	if got := eval[string](t, ctx, `document.querySelector('[data-testid=pub-status]').textContent`); got != "Published" {
		t.Fatalf("status after publishing: %q", got)
	}
	runAxe(t, ctx, "editor, published")
	screenshot(t, ctx, "publish-2-editor-published")
	clickAndWait(t, ctx, "[data-testid=revisions]")
	runAxe(t, ctx, "revisions")
	clickAndWait(t, ctx, "form[data-testid=diff-form] button[type=submit]")
	runAxe(t, ctx, "diff")
	visit(t, ctx, base+"/fa/staff/translations", 200)
	runAxe(t, ctx, "missing translations, Persian")

	// Log out: the rest is a visitor's.
	clickAndWait(t, ctx, "[data-testid=logout]")
	visit(t, ctx, base+"/en/catalogue", 200)
	if !eval[bool](t, ctx, `Array.from(document.querySelectorAll('[data-testid=model-card]')).some(c => c.textContent.includes('Azar Cross'))`) {
		t.Fatal("the published model is not in the catalogue")
	}
	visit(t, ctx, base+"/en/models/azar-cross", 200)
	img := eval[[]int](t, ctx, `(i => [i.naturalWidth > 0 ? 1 : 0, i.width, i.srcset.includes('480w') ? 1 : 0])(document.querySelector('img.hero-img'))`)
	if len(img) != 3 || img[0] != 1 || img[2] != 1 {
		t.Errorf("hero photo loaded, width, srcset: %v", img)
	}
	runAxe(t, ctx, "published model page")
	screenshot(t, ctx, "publish-3-public-page")
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	feed, err := chromedp.Run(fctx, chromedp.Evaluate[string](`fetch('/en/news.atom').then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(feed, "<title>New model: Azar Cross</title>") || !strings.Contains(feed, "/en/models/azar-cross") {
		t.Errorf("the feed lacks the model:\n%s", feed)
	}
	visit(t, ctx, base+"/en/news", 200)
	runAxe(t, ctx, "what's new")
}
