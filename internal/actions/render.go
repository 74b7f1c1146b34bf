package actions

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/mention"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
)

// Hidden markers by which the app finds what it wrote before (from the
// app's one registry), and what the feature writes beside them.
const (
	trackingMarker = marker.Tracking
	completeMarker = marker.Complete
	statusMarker   = marker.Status
	completeLabel  = "postmortem-complete"
	dateLayout     = time.DateOnly
)

// issueSource is where an action item came from, for its issue's body.
type issueSource struct {
	WebURL      string // https://github.com
	Owner, Repo string
	Path        string
	SHA         string // the merge commit
	Incident    int
	Pull        int
}

func (s issueSource) fileURL(line int) string {
	u := fmt.Sprintf("%s/%s/%s/blob/%s/%s", strings.TrimRight(s.WebURL, "/"), s.Owner, s.Repo, s.SHA, escapePath(s.Path))
	if line > 0 {
		u += fmt.Sprintf("#L%d", line)
	}
	return u
}

func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, part := range parts {
		parts[i] = url.PathEscape(part)
	}
	return strings.Join(parts, "/")
}

// issueBody is the description of the issue opened for an action item.
func issueBody(it actionItem, src issueSource) string {
	var b strings.Builder
	b.WriteString(marker.ActionItem(it.Path, strings.TrimPrefix(it.Key, it.Path+"#")) + "\n")
	if src.Incident > 0 {
		fmt.Fprintf(&b, "Corrective action from the postmortem of incident #%d.\n\n", src.Incident)
	} else {
		b.WriteString("Corrective action from a postmortem.\n\n")
	}
	fmt.Fprintf(&b, "- **Postmortem:** [%s](%s)", it.Path, src.fileURL(it.Line))
	if src.Pull > 0 {
		fmt.Fprintf(&b, " (merged in #%d)", src.Pull)
	}
	b.WriteString("\n")
	if src.Incident > 0 {
		b.WriteString(marker.ItemIncident(src.Incident) + "\n")
	}
	b.WriteString(ownerLine(it.Owner) + "\n")
	fmt.Fprintf(&b, "- **Due:** %s\n", it.Due.Format(dateLayout))
	if it.Priority != "" {
		fmt.Fprintf(&b, "- **Priority:** %s\n", it.Priority)
	}
	if it.Type != "" {
		fmt.Fprintf(&b, "- **Type:** %s\n", it.Type)
	}
	b.WriteString("\n" + issueBodyEnd + " postmortem-bot keeps the incident's list of corrective actions up to date.\n")
	return b.String()
}

// ownerLinePrefix starts the owner line of an action-item issue's body.
const ownerLinePrefix = "- **Owner:** "

// issueBodyEnd is the last sentence of the app's part of an issue's body.
const issueBodyEnd = "Close this issue when the action is done."

func ownerLine(owner string) string {
	if owner == "" {
		owner = "none yet: please add one"
	}
	return ownerLinePrefix + owner
}

// withOwner rewrites the owner line in the app's own part of an issue's
// body (from its marker to its closing sentence), leaving whatever people
// wrote around it. ok is false when that part has no owner line any more.
func withOwner(body, key, owner string) (string, bool) {
	start := strings.Index(body, marker.ActionItem(pathAndKey(key)))
	if start < 0 {
		return body, false
	}
	end := len(body)
	if n := strings.Index(body[start:], issueBodyEnd); n >= 0 {
		end = start + n
	}
	at := strings.Index(body[start:end], "\n"+ownerLinePrefix)
	if at < 0 {
		return body, false
	}
	lineStart := start + at + 1
	lineEnd := strings.IndexByte(body[lineStart:], '\n')
	if lineEnd < 0 {
		lineEnd = len(body)
	} else {
		lineEnd += lineStart
	}
	if lineEnd > lineStart && body[lineEnd-1] == '\r' {
		lineEnd-- // GitHub's editor writes CRLF; keep the line's ending
	}
	return body[:lineStart] + ownerLine(owner) + body[lineEnd:], true
}

// pathAndKey splits an item key "<path>#<key>" for marker.
func pathAndKey(itemKey string) (string, string) {
	i := strings.LastIndex(itemKey, "#")
	if i < 0 {
		return itemKey, ""
	}
	return itemKey[:i], itemKey[i+1:]
}

// trackingBody is the incident's task list of its action-item issues, each
// closed one shown as fixed (with the merged pull request), declined (who
// and why) or closed otherwise, then the issues of items a later version of
// the postmortem dropped. declinedDone is the policy's
// action_items.declined_count_as_done.
func trackingBody(items, removed []actionItem, declinedDone bool) string {
	var b strings.Builder
	b.WriteString(trackingMarker + "\n### Corrective actions\n\n")
	if len(items) == 0 {
		b.WriteString("None is tracked any more: their issues were deleted, moved or lost the action label.\n")
	} else {
		n := countClosures(items)
		for _, it := range items {
			box := " "
			if it.done(declinedDone) {
				box = "x"
			}
			fmt.Fprintf(&b, "- [%s] #%d %s — %s, due %s%s\n", box, it.Issue, oneLine(it.Title), ownerText(it), it.Due.Format(dateLayout), closureText(it))
		}
		fmt.Fprintf(&b, "\n%d of %d closed", n.closed(), len(items))
		if n.closed() > 0 {
			fmt.Fprintf(&b, ": %d fixed, %d declined, %d closed without a merged fix", n.fixed, n.declined, n.other)
		}
		b.WriteString(".")
		switch {
		case doneCount(items, declinedDone) == len(items):
			b.WriteString(" All corrective actions are done.")
		case n.open == 0:
			b.WriteString(" Declined items do not count as done in this repository (`action_items.declined_count_as_done`).")
		}
		b.WriteString("\n")
	}
	if len(removed) > 0 {
		b.WriteString("\nNo longer in the postmortem, so no longer followed (their issues are left as they are):\n\n")
		for _, it := range removed {
			fmt.Fprintf(&b, "- #%d %s\n", it.Issue, oneLine(it.Title))
		}
	}
	return b.String()
}

// closureText says how a closed item's issue was closed ("" while open).
func closureText(it actionItem) string {
	if it.State != stateClosed {
		return ""
	}
	switch it.Closure.As {
	case closedFixed:
		return fmt.Sprintf(" — **fixed** by #%d", it.Closure.Pull)
	case closedDeclined:
		t := " — **declined**"
		if it.Closure.By != "" {
			t += " by " + mention.Neutralise(it.Closure.By)
		}
		if it.Closure.Reason != "" {
			t += ": " + oneLine(it.Closure.Reason)
		}
		return t
	}
	return " — **closed** without a merged fix"
}

// closureCounts counts items by how they stand.
type closureCounts struct{ open, fixed, declined, other int }

func (c closureCounts) closed() int { return c.fixed + c.declined + c.other }

func countClosures(items []actionItem) closureCounts {
	var c closureCounts
	for _, it := range items {
		switch {
		case it.State != stateClosed:
			c.open++
		case it.Closure.As == closedFixed:
			c.fixed++
		case it.Closure.As == closedDeclined:
			c.declined++
		default:
			c.other++
		}
	}
	return c
}

// done reports whether an item counts toward completing its incident: it
// is closed, and not declined unless the policy counts declined items.
func (it actionItem) done(declinedDone bool) bool {
	return it.State == stateClosed && (declinedDone || it.Closure.As != closedDeclined)
}

func doneCount(items []actionItem, declinedDone bool) int {
	n := 0
	for _, it := range items {
		if it.done(declinedDone) {
			n++
		}
	}
	return n
}

// ownerText names an item's owner. Only an owner the app has validated is
// a mention: a user GitHub accepted as the issue's assignee, or a team
// (teams cannot be looked up without reading the organisation, which the
// app is not allowed to; a team named in a merged, reviewed postmortem is
// the policy's say-so). Anyone else is named without notifying them.
func ownerText(it actionItem) string {
	switch {
	case it.Owner == "":
		return "no owner"
	case strings.Contains(it.Owner, "/"):
		return it.Owner
	case it.AssignedLogin != "" && strings.EqualFold(strings.TrimPrefix(it.Owner, "@"), it.AssignedLogin):
		return mention.Login(it.AssignedLogin)
	}
	return mention.Neutralise(it.Owner)
}

// oneLine is text copied from GitHub (a title, an item) made safe to write
// where it notifies: one line, its mentions neutralised.
func oneLine(s string) string { return mention.Neutralise(strings.Join(strings.Fields(s), " ")) }

// maxBody is GitHub's limit on an issue's or comment's body, in
// characters; bodies are measured in bytes here, which is never fewer.
const maxBody = 65536

// fit keeps body under GitHub's limit: past it, the body is cut at a line
// end and tail (which points to the full list) is added.
func fit(body, tail string) string {
	if len(body) <= maxBody {
		return body
	}
	cut := body[:maxBody-len(tail)-1]
	if i := strings.LastIndexByte(cut, '\n'); i >= 0 {
		cut = cut[:i+1]
	}
	return cut + "\n" + tail
}

// cutShort is the last line of a list cut to fit GitHub's limit.
func cutShort(where, url string) string {
	return fmt.Sprintf("…and more: this list is cut short to stay under GitHub's limit of %d characters. The full list is in [%s](%s).\n", maxBody, where, url)
}

func cappedBody(m, path string, listed, limit int) string {
	return fmt.Sprintf("%s\n`%s` lists %d action items; this repository's policy allows at most %d per postmortem (`action_items.max_per_postmortem`). Issues were opened for the first %d only; the other %d are not tracked. Group related actions, or raise the limit and change the postmortem.\n",
		m, path, listed, limit, limit, listed-limit)
}

func completionBody(total int) string {
	return fmt.Sprintf("%s\nAll %d corrective actions of this incident's postmortem are closed. The follow-up is complete.\n", completeMarker, total)
}

// daysBetween counts whole days from a to b (0 when b is not after a).
func daysBetween(a, b time.Time) int {
	if !b.After(a) {
		return 0
	}
	return int(b.Sub(a) / (24 * time.Hour))
}

// statusBody is the repository's status issue: counts per incident, overdue
// items first, items without owners and the age of the oldest open item.
func statusBody(items []actionItem, incidentTitles map[int]string, repeats []repeat, now time.Time) string {
	var open, overdue, unowned, declined []actionItem
	byIncident := map[int]*closureCounts{}
	for _, it := range items {
		if !it.tracked() {
			continue
		}
		c := byIncident[it.Incident]
		if c == nil {
			c = &closureCounts{}
			byIncident[it.Incident] = c
		}
		if it.State == stateClosed {
			switch it.Closure.As {
			case closedFixed:
				c.fixed++
			case closedDeclined:
				c.declined++
				declined = append(declined, it)
			default:
				c.other++
			}
			continue
		}
		c.open++
		open = append(open, it)
		if now.After(it.Due) {
			overdue = append(overdue, it)
		}
		if it.Owner == "" {
			unowned = append(unowned, it)
		}
	}
	sort.SliceStable(overdue, func(i, j int) bool { return overdue[i].Due.Before(overdue[j].Due) })

	var b strings.Builder
	b.WriteString(statusMarker + "\n")
	b.WriteString("Corrective actions from merged postmortems in this repository, kept up to date by postmortem-bot.\n\n")
	fmt.Fprintf(&b, "**Open:** %d · **Overdue:** %d · **Without owner:** %d", len(open), len(overdue), len(unowned))
	if len(open) > 0 {
		oldest := open[0]
		for _, it := range open[1:] {
			if it.CreatedAt.Before(oldest.CreatedAt) {
				oldest = it
			}
		}
		fmt.Fprintf(&b, " · **Oldest open:** #%d, %d days", oldest.Issue, daysBetween(oldest.CreatedAt, now))
	}
	b.WriteString("\n\n")

	if len(overdue) > 0 {
		b.WriteString("### Overdue\n\n| Issue | Owner | Due | Overdue by |\n|---|---|---|---|\n")
		for _, it := range overdue {
			fmt.Fprintf(&b, "| #%d %s | %s | %s | %d days |\n", it.Issue, cell(it.Title), ownerText(it), it.Due.Format(dateLayout), daysBetween(it.Due, now))
		}
		b.WriteString("\n")
	}
	if len(unowned) > 0 {
		b.WriteString("### Without an owner\n\n")
		for _, it := range unowned {
			fmt.Fprintf(&b, "- #%d %s\n", it.Issue, oneLine(it.Title))
		}
		b.WriteString("\n")
	}
	if len(declined) > 0 {
		b.WriteString("### Declined\n\n")
		for _, it := range declined {
			fmt.Fprintf(&b, "- #%d %s%s\n", it.Issue, oneLine(it.Title), closureText(it))
		}
		b.WriteString("\n")
	}
	if len(repeats) > 0 {
		b.WriteString("### Repeat incidents\n\nIncidents declared while an earlier incident that looks like the same failure still had open corrective actions:\n\n")
		b.WriteString("| Incident | Looks like | Open corrective actions then |\n|---|---|---|\n")
		for _, x := range repeats {
			fmt.Fprintf(&b, "| #%d %s | %s#%d | %s |\n", x.Number, cell(x.Title), cell(x.EarlierRepo), x.Earlier, cell(x.OpenActions))
		}
		b.WriteString("\n")
	}
	if len(byIncident) > 0 {
		var numbers []int
		for n := range byIncident {
			numbers = append(numbers, n)
		}
		sort.Ints(numbers)
		b.WriteString("### By incident\n\nClosed items are fixed (a merged pull request references them), declined (closed as not planned) or closed without a merged fix.\n\n| Incident | Open | Fixed | Declined | Closed |\n|---|---|---|---|---|\n")
		for _, n := range numbers {
			name := "(no incident)"
			if n > 0 {
				name = fmt.Sprintf("#%d %s", n, cell(incidentTitles[n]))
			}
			c := byIncident[n]
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", strings.TrimSpace(name), c.open, c.fixed, c.declined, c.other)
		}
	} else {
		b.WriteString("No corrective actions are tracked yet.\n")
	}
	return b.String()
}

func cell(s string) string { return strings.ReplaceAll(oneLine(s), "|", `\|`) }

func reminderBody(it actionItem, key string, now time.Time) string {
	who := "The owner"
	if strings.HasPrefix(it.Owner, "@") {
		who = ownerText(it)
	} else if it.Owner == "" {
		who = "This corrective action has no owner yet; whoever picks it up"
	}
	return fmt.Sprintf("%s\n%s: this corrective action was due on %s (%d days ago). Please close it when done, or update the postmortem's plan.\n",
		marker.ItemReminder(key), who, it.Due.Format(dateLayout), daysBetween(it.Due, now))
}

// escalation is one item to escalate and its stable key.
type escalation struct {
	Item actionItem
	Key  string
}

func escalationBody(team string, items []escalation, now time.Time) string {
	var b strings.Builder
	for _, e := range items {
		b.WriteString(marker.Escalation(e.Item.Issue, e.Key) + "\n")
	}
	fmt.Fprintf(&b, "%s: these corrective actions are long overdue:\n\n", team)
	for _, e := range items {
		fmt.Fprintf(&b, "- #%d %s — %s, due %s (%d days overdue)\n", e.Item.Issue, oneLine(e.Item.Title), ownerText(e.Item),
			e.Item.Due.Format(dateLayout), daysBetween(e.Item.Due, now))
	}
	return b.String()
}

// maxTitle is GitHub's limit on an issue's title, in characters.
const maxTitle = 256

// issueTitle is an item's title cut to GitHub's limit.
func issueTitle(title string) string {
	r := []rune(oneLineRaw(title))
	if len(r) <= maxTitle {
		return string(r)
	}
	return string(r[:maxTitle-1]) + "…"
}

func oneLineRaw(s string) string { return strings.Join(strings.Fields(s), " ") }
