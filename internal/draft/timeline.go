package draft

import (
	"strings"
	"unicode"
	"unicode/utf8"

	safe "github.com/postmortem-bot/postmortem-bot/internal/mention"
)

// maxEventText bounds the text shown for one timeline event; the issue keeps
// the full comment.
const maxEventText = 120

// TimelineRow is one timeline event ready for a Markdown table: every field is
// already escaped.
type TimelineRow struct {
	Time  string // "2006-01-02 15:04 UTC"
	Actor string // "@login", or "" when unknown
	Event string // what happened, e.g. "added label `sev1`"
}

// eventVerbs says in words what each kind of timeline event did.
var eventVerbs = map[string]string{
	"opened":           "opened the incident",
	"labeled":          "added label",
	"unlabeled":        "removed label",
	"assigned":         "assigned",
	"unassigned":       "unassigned",
	"commented":        "commented:",
	"cross-referenced": "mentioned in",
	"referenced":       "referenced in commit",
	"closed":           "closed the incident",
	"reopened":         "reopened the incident",
	"renamed":          "renamed the incident to",
}

// TimelineRows gives the incident's timeline in time order, one row per event.
func (inc Incident) TimelineRows() []TimelineRow {
	entries := sortedTimeline(inc.Timeline)
	rows := make([]TimelineRow, 0, len(entries))
	for _, e := range entries {
		rows = append(rows, TimelineRow{
			Time:  formatUTC(e.At),
			Actor: mention(e.Actor),
			Event: describeEvent(e),
		})
	}
	return rows
}

func describeEvent(e TimelineEntry) string {
	verb, ok := eventVerbs[e.Kind]
	if !ok {
		verb = EscapeMarkdown(e.Kind)
	}
	text := firstLine(e.Text)
	if text == "" {
		return strings.TrimSuffix(verb, ":")
	}
	switch e.Kind {
	case "labeled", "unlabeled":
		return verb + " " + codeSpan(text)
	case "assigned", "unassigned":
		return verb + " " + mention(text)
	case "renamed":
		return verb + " “" + EscapeMarkdown(shorten(text, maxEventText)) + "”"
	}
	return verb + " " + EscapeMarkdown(shorten(text, maxEventText))
}

// firstLine returns the first non-blank line of s with control characters
// turned into spaces and runs of spaces collapsed.
func firstLine(s string) string {
	for _, line := range strings.Split(s, "\n") {
		line = strings.Join(strings.FieldsFunc(line, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r)
		}), " ")
		if line != "" {
			return line
		}
	}
	return ""
}

// shorten cuts s to at most max runes, preferring a word boundary, and marks the cut with "…".
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)[:max-1]
	cut := string(runes)
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ") + "…"
}

// markdownSpecial are the characters that could start Markdown or HTML
// inside a table cell; the pipe would otherwise end the cell.
const markdownSpecial = "\\`*_[]<>|~"

// EscapeMarkdown makes s display literally inside Markdown text, including
// a table cell: markup characters are escaped and mentions neutralised, so
// the text notifies nobody.
func EscapeMarkdown(s string) string {
	s = safe.Neutralise(s)
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(markdownSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan shows s as inline code, safe inside a table cell.
func codeSpan(s string) string {
	s = strings.ReplaceAll(s, "`", "'")
	s = strings.ReplaceAll(s, "|", "\\|")
	return "`" + s + "`"
}

// mention shows a login as an @-handle. Only a well-formed login (one
// GitHub gave the app as a user) is mentioned; anything else is shown
// literally, notifying nobody.
func mention(login string) string {
	login = strings.TrimPrefix(strings.TrimSpace(login), "@")
	if login == "" {
		return ""
	}
	if !loginPattern.MatchString(login) {
		return EscapeMarkdown("@" + login)
	}
	return safe.Login(login)
}
