package rates

import (
	_ "embed"
	"time"
)

// DemoFile is a Bank of Russia daily rates file in the real format, with
// illustrative figures, loaded in demo mode.
//
//go:embed demo/XML_daily_demo.xml
var DemoFile []byte

// DemoDate is the date the demo file carries.
var DemoDate = time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
