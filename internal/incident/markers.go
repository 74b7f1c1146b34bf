package incident

import (
	"fmt"
	"strings"
)

// Hidden markers make each of the bot's comments findable again, so a
// retried or repeated job edits or skips its comment instead of posting
// another.
const (
	markerPrefix      = "<!-- postmortem-bot:"
	incidentPRMarker  = "<!-- postmortem-bot:incident-pr -->"
	configErrorMarker = "<!-- postmortem-bot:config-error -->"
	skippedMarker     = "<!-- postmortem-bot:skipped -->"
	reminderMarker    = "<!-- postmortem-bot:reminder -->"
)

// replyMarker keys the one reply to a command comment.
func replyMarker(commentID int64) string {
	return fmt.Sprintf("<!-- postmortem-bot:reply:%d -->", commentID)
}

// findMarked returns the first comment carrying marker, written by the bot
// (by anyone while the bot's login is not known yet).
func findMarked(comments []issueComment, marker, botLogin string) (issueComment, bool) {
	for _, c := range comments {
		if !strings.Contains(c.Body, marker) {
			continue
		}
		if botLogin != "" && !strings.EqualFold(c.Author, botLogin) {
			continue
		}
		return c, true
	}
	return issueComment{}, false
}
