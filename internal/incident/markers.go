package incident

import "github.com/postmortem-bot/postmortem-bot/internal/marker"

// The incident feature's hidden markers, from the app's one registry: they
// make each of the bot's comments findable again, so a retried or repeated
// job edits or skips its comment instead of posting another.
const (
	markerPrefix      = marker.Prefix
	incidentPRMarker  = marker.IncidentPR
	configErrorMarker = marker.ConfigError
	skippedMarker     = marker.Skipped
	reminderMarker    = marker.IncidentReminder
)

// replyMarker keys the one reply to a command comment.
func replyMarker(commentID int64) string { return marker.Reply(commentID) }
