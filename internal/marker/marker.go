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
	"strings"
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

// Decline is the note the app leaves on an action-item issue that someone
// declined with `/postmortem decline`, keyed by the command's comment id
// (so a redelivered command writes it once), naming who declined it; the
// reason is the line DeclineOf reads back.
func Decline(commandID int64, by string) string {
	return fmt.Sprintf("<!-- postmortem-bot:declined %d by %s -->", commandID, by)
}

// declineReasonPrefix starts the reason's line in a decline note.
const declineReasonPrefix = "**Reason:** "

// DeclineNote is the whole note: marker, what happened, the reason (one
// line, as given; the caller neutralises mentions).
func DeclineNote(commandID int64, by string, incident int, reason string) string {
	return fmt.Sprintf("%s\nDeclined with `/postmortem decline` in #%d: this corrective action will not be done.\n\n%s%s\n",
		Decline(commandID, by), incident, declineReasonPrefix, reason)
}

var declineRE = regexp.MustCompile(`<!-- postmortem-bot:declined \d+ by (\S+) -->`)

// DeclineOf reads who declined and why from a decline note; ok is false
// for any other text.
func DeclineOf(body string) (by, reason string, ok bool) {
	m := declineRE.FindStringSubmatch(body)
	if m == nil {
		return "", "", false
	}
	for _, line := range strings.Split(body, "\n") {
		if r, found := strings.CutPrefix(strings.TrimSpace(line), declineReasonPrefix); found {
			reason = strings.TrimSpace(r)
			break
		}
	}
	return m[1], reason, true
}

// Repeat marks the one comment on a new incident saying an earlier incident
// that looks like the same failure still has open corrective actions.
const Repeat = "<!-- postmortem-bot:repeat-incident -->"

// ItemIncident is the line of an action-item issue's body naming the
// incident whose postmortem the item comes from.
func ItemIncident(incident int) string { return fmt.Sprintf("- **Incident:** #%d", incident) }

var itemIncidentRE = regexp.MustCompile(`(?m)^- \*\*Incident:\*\* #(\d+)`)

// ItemIncidentOf reads the incident an action-item issue's body names, or 0.
func ItemIncidentOf(body string) int {
	if m := itemIncidentRE.FindStringSubmatch(body); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil {
			return n
		}
	}
	return 0
}

// OrgStatus marks the organisation's status issue in its .github repository.
const OrgStatus = "<!-- postmortem-bot:action-items-org-status -->"
