package views

import "time"

// SpecNameVM is a group's or item's name in one language; an empty Value
// is a missing translation.
type SpecNameVM struct {
	Lang  string
	Value string
}

// SpecItemRowVM is a specification item on the staff list.
type SpecItemRowVM struct {
	Code       string
	Kind       string
	Unit       string
	Decimals   int
	SortOrder  int
	Names      []SpecNameVM
	Href       string
	DeleteHref string
}

// SpecGroupRowVM is a specification group on the staff list, with its
// items.
type SpecGroupRowVM struct {
	Code        string
	Name        TextVM
	SortOrder   int
	Names       []SpecNameVM
	Href        string
	NewItemHref string
	DeleteHref  string
	Items       []SpecItemRowVM
}

// SpecListVM is the staff page of specification groups and items.
type SpecListVM struct {
	NoticeID     string
	ErrorID      string
	NewGroupHref string
	Groups       []SpecGroupRowVM
	Deleted      []DeletedSpecVM
}

// DeletedSpecVM is a deleted group or item on the specifications page,
// with the button that restores it.
type DeletedSpecVM struct {
	Kind      string
	Code      string
	Name      TextVM
	GroupName TextVM
	// Codes are the items deleted with a group.
	Codes   []string
	By      string
	At      time.Time
	Entries int
	// GroupDeleted: an item's group is deleted too, so the item cannot
	// come back first.
	GroupDeleted bool
	RestoreHref  string
}

// SpecDeleteVM is the page asking before a group or item is deleted.
type SpecDeleteVM struct {
	Title      string
	Kind       string
	Code       string
	Name       TextVM
	GroupName  TextVM
	Items      []SpecDeleteItemVM
	Affected   []SpecAffectedVM
	Version    int
	Token      string
	Action     string
	CancelHref string
	ErrorID    string
}

// SpecDeleteItemVM is an item deleted with its group.
type SpecDeleteItemVM struct {
	Code string
	Name TextVM
}

// SpecAffectedVM is a catalogue entry that loses values: its revision Rev
// is followed by one without them.
type SpecAffectedVM struct {
	Name   TextVM
	Href   string
	Rev    int
	Values int
}

// SpecFormVM is the form of a specification group or item. FixedCode and
// FixedKind are set for an existing one, whose code and kind stay.
type SpecFormVM struct {
	Title      string
	Action     string
	CancelHref string
	Item       bool
	FixedCode  string
	FixedKind  string
	Version    int
	DeleteHref string
	ErrorID    string
	Errors     []FormErrorVM
	Code       FieldVM
	Group      FieldVM
	Kind       FieldVM
	Unit       FieldVM
	Decimals   FieldVM
	SortOrder  FieldVM
	Names      TextRowVM
}

// nextRev is the revision after rev: a deletion adds one, or two for an
// entry never edited (its live version is kept as revision 1 first).
func nextRev(rev int) int {
	if rev == 0 {
		return 2
	}
	return rev + 1
}
