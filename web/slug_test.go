package web

import "testing"

func TestSlugify(t *testing.T) {
	cases := map[string]string{
		"Азар Кросс":               "azar-kross",
		"Щука, Жёлтая & Чайка!":    "shchuka-zheltaya-chayka",
		"Подъезд Объём Юла Ёж Хны": "podezd-obem-yula-ezh-khny",
		"Dena Plus 2027":           "dena-plus-2027",
		"  --Rira--  ":             "rira",
		"آذر کراس":                 "azr-kras",
		"۲۰۲۷":                     "2027",
		"日本":                       "",
	}
	for in, want := range cases {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
		if want != "" && !validSlug(want) {
			t.Errorf("%q is not a valid slug", want)
		}
	}
	long := ""
	for range 30 {
		long += "слово "
	}
	if got := slugify(long); len(got) > 80 || !validSlug(got) {
		t.Errorf("long name: %q (%d)", got, len(got))
	}
	for s, want := range map[string]bool{"rira": true, "rira-2": true, "Rira": false, "rira--2": false, "-rira": false, "rira_2": false, "": false} {
		if validSlug(s) != want {
			t.Errorf("validSlug(%q) = %v", s, !want)
		}
	}
}
