package views

// SpecNameVM is a group's or item's name in one language; an empty Value
// is a missing translation.
type SpecNameVM struct {
	Lang  string
	Value string
}

// SpecItemRowVM is a specification item on the staff list.
type SpecItemRowVM struct {
	Code      string
	Kind      string
	Unit      string
	Decimals  int
	SortOrder int
	Names     []SpecNameVM
	Href      string
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
	Items       []SpecItemRowVM
}

// SpecListVM is the staff page of specification groups and items.
type SpecListVM struct {
	NoticeID     string
	NewGroupHref string
	Groups       []SpecGroupRowVM
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
	Errors     []FormErrorVM
	Code       FieldVM
	Group      FieldVM
	Kind       FieldVM
	Unit       FieldVM
	Decimals   FieldVM
	SortOrder  FieldVM
	Names      TextRowVM
}
