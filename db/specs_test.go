package db

import (
	"context"
	"errors"
	"testing"
)

// TestSpecGroupsAndItems: a new group is listed though empty, codes are
// unique, a new item joins the editor's catalog, and saving an item's
// names moves the content version on while creating does not.
func TestSpecGroupsAndItems(t *testing.T) {
	s := newTinyStore(t)
	ctx := context.Background()
	v0 := s.ContentVersion()
	var gid int64
	err := txDo(t, s, func(tx *Tx) error {
		var err error
		gid, err = tx.CreateSpecGroup(SpecGroupEdit{Code: "towing", SortOrder: 5, Name: Texts{"ru": "Буксировка", "en": "Towing"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.CreateSpecGroup(SpecGroupEdit{Code: "engine", Name: Texts{"ru": "Двигатель"}})
		return err
	}); !errors.Is(err, ErrCodeTaken) {
		t.Errorf("duplicate group code: %v, want ErrCodeTaken", err)
	}
	groups, err := s.SpecGroups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 3 || groups[2].Code != "towing" || len(groups[2].Items) != 0 || groups[2].Name["en"] != "Towing" || groups[2].Name["fa"] != "" {
		t.Fatalf("groups: %+v", groups)
	}
	if len(groups[0].Items) != 2 || groups[0].Items[0].Code != "power" || groups[0].Items[0].Name["ru"] != "Мощность" {
		t.Errorf("engine items: %+v", groups[0].Items)
	}
	if s.ContentVersion() != v0 {
		t.Errorf("creating a group moved the content version %d → %d", v0, s.ContentVersion())
	}

	var iid int64
	err = txDo(t, s, func(tx *Tx) error {
		var err error
		iid, err = tx.CreateSpecItem(SpecItemEdit{GroupID: gid, Code: "tow_braked", Kind: "number", Unit: "kg", SortOrder: 10, Name: Texts{"ru": "Масса прицепа"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.CreateSpecItem(SpecItemEdit{GroupID: gid, Code: "power", Kind: "bool", Name: Texts{"ru": "Мощность"}})
		return err
	}); !errors.Is(err, ErrCodeTaken) {
		t.Errorf("duplicate item code: %v, want ErrCodeTaken", err)
	}
	if err := txDo(t, s, func(tx *Tx) error {
		_, err := tx.CreateSpecItem(SpecItemEdit{GroupID: 999, Code: "nowhere", Kind: "bool", Name: Texts{"ru": "Нигде"}})
		return err
	}); !errors.Is(err, ErrNotFound) {
		t.Errorf("item in a missing group: %v, want ErrNotFound", err)
	}
	cat, err := s.SpecCatalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := cat[len(cat)-1]; last.Code != "towing" || len(last.Items) != 1 || last.Items[0].Code != "tow_braked" || last.Items[0].Unit != "kg" {
		t.Errorf("the editor's catalog lacks the new item: %+v", last)
	}

	if err := txDo(t, s, func(tx *Tx) error {
		return tx.SaveSpecItem(SpecItemEdit{ID: iid, Version: 1, GroupID: gid, Unit: "kg", Decimals: 1, SortOrder: 20, Name: Texts{"ru": "Масса прицепа", "en": "Trailer weight"}})
	}); err != nil {
		t.Fatal(err)
	}
	it, err := s.SpecItemByID(ctx, iid)
	if err != nil {
		t.Fatal(err)
	}
	if it.Code != "tow_braked" || it.Kind != "number" || it.Decimals != 1 || it.SortOrder != 20 || it.Name["en"] != "Trailer weight" {
		t.Errorf("saved item: %+v", it)
	}
	if s.ContentVersion() != v0+1 {
		t.Errorf("saving an item: content version %d, want %d", s.ContentVersion(), v0+1)
	}
	if _, err := s.SpecItemByID(ctx, 999); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing item: %v, want ErrNotFound", err)
	}
}
