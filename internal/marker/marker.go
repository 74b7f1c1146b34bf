// Package marker is the registry of the hidden HTML comments by which the
// app finds again what it wrote, and of the lines by which its writings
// refer to each other (a postmortem pull request's "Refs #N"): each writer
// sits beside its parser. Markers count only in what the app wrote; the
// repo package applies that rule.
package marker

import (
	"fmt"
	"regexp"
	"strconv"
)

// Prefix starts every marker the app writes.
const Prefix = "<!-- postmortem-bot:"

// Markers of the incident feature.
const (
	IncidentPR  = "<!-- postmortem-bot:incident-pr -->"
	ConfigError = "<!-- postmortem-bot:config-error -->"
	Skipped     = "<!-- postmortem-bot:skipped -->"
	// IncidentReminder marks a reminder that an incident's postmortem is due.
	IncidentReminder = "<!-- postmortem-bot:reminder -->"
)

// DraftOf ends every postmortem draft the app commits, naming its incident,
// so that a file name another incident's postmortem already holds is told
// from this incident's own draft.
func DraftOf(incident int) string {
	return fmt.Sprintf("<!-- postmortem-bot:draft-of-incident #%d -->", incident)
}

// Reply keys the one reply to a /postmortem command comment.
func Reply(commentID int64) string {
	return fmt.Sprintf("<!-- postmortem-bot:reply:%d -->", commentID)
}

// Markers of the action-item feature.
const (
	Tracking = "<!-- postmortem-bot:action-items-tracking -->"
	Complete = "<!-- postmortem-bot:action-items-complete -->"
	Status   = "<!-- postmortem-bot:action-items-status -->"
)

// ItemReminder marks an action item's reminder for one interval.
func ItemReminder(key string) string { return fmt.Sprintf("<!-- postmortem-bot:reminder %s -->", key) }

// Escalation marks the escalation of the item tracked by issue for one
// interval.
func Escalation(issue int, key string) string {
	return fmt.Sprintf("<!-- postmortem-bot:escalation #%d %s -->", issue, key)
}

// ItemCap marks the one comment saying a postmortem lists more action
// items than its policy allows.
func ItemCap(path string) string {
	return fmt.Sprintf("<!-- postmortem-bot:action-items-capped %s -->", path)
}

// ActionItem is the hidden line in an action-item issue's body naming the
// item ("<postmortem path>#<item key>") it was opened for.
func ActionItem(path, key string) string {
	return fmt.Sprintf("<!-- postmortem-bot:action-item %s#%s -->", path, key)
}

var actionItemRE = regexp.MustCompile(`<!-- postmortem-bot:action-item (\S+) -->`)

// ActionItemOf returns the "<path>#<key>" an issue body's marker names, or "".
func ActionItemOf(body string) string {
	if m := actionItemRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// Refs is the first line of a postmortem pull request's description,
// naming the incident it is for.
func Refs(incident int) string { return fmt.Sprintf("Refs #%d", incident) }

// refsRE reads the Refs line, also as people write it by hand ("Ref: #12").
var refsRE = regexp.MustCompile(`(?i)\brefs?:?\s+#(\d+)\b`)

// IncidentOf finds the incident a postmortem pull request's description
// refers to, or 0.
func IncidentOf(body string) int {
	if m := refsRE.FindStringSubmatch(body); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 {
			return n
		}
	}
	return 0
}
