// Package docs embeds the portal's user-facing procedures, so the portal
// can serve them beside the pages that refer to them.
package docs

import _ "embed"

// HistoryVerification is history-verification.md: how a participant
// checks a proposal's downloaded history on their own.
//
//go:embed history-verification.md
var HistoryVerification []byte
