package incident

import (
	"fmt"
	"strings"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/mention"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// skippedLabel records on the incident that the team decided against a
// postmortem; removing it lets the bot draft one again.
const skippedLabel = "postmortem-skipped"

func pullTitle(inc draft.Incident) string { return "Postmortem: " + inc.Title }

func commitMessage(inc draft.Incident) string {
	return fmt.Sprintf("Add postmortem draft for incident #%d\n\n%s", inc.Number, inc.Title)
}

// pullBody links the incident, says what to do next and which checks run.
func pullBody(inc draft.Incident, p *policy.Policy, path string) string {
	var sections []string
	for _, s := range p.Check.RequiredSections {
		sections = append(sections, s.Name)
	}
	var b strings.Builder
	b.WriteString(marker.Refs(inc.Number) + "\n\n")
	fmt.Fprintf(&b, "This pull request adds a first draft of the postmortem for incident #%d, **%s**, at `%s`. ",
		inc.Number, mention.Neutralise(draft.EscapeMarkdown(inc.Title)), path)
	b.WriteString("postmortem-bot filled in what the incident issue records: its details, responders and a timeline of its events and comments.\n\n")
	b.WriteString("### Next steps\n\n")
	b.WriteString("1. Edit the file on this branch: replace each section's prompt (the HTML comments) with what the team knows.\n")
	b.WriteString("2. Complete the timeline with what happened outside the issue (alerts, deploys, chat decisions), in UTC.\n")
	b.WriteString("3. Keep it blameless: describe how the system and its processes allowed this, not who is at fault.\n")
	b.WriteString("4. List action items as `- [ ]` tasks with an owner, a due date and a priority; each becomes an issue when this pull request merges.\n")
	fmt.Fprintf(&b, "5. Ask for review and merge. %s\n\n", dueSentence(inc, p))
	b.WriteString("### Checks\n\n")
	mode := "fails when it finds errors"
	if !p.Enforcing() {
		mode = "is advisory: it reports findings but does not fail"
	}
	fmt.Fprintf(&b, "The `postmortem` check reviews every postmortem in this pull request and %s. It looks for the required sections (%s), prompts left unfilled, blaming language, and action items missing an owner or a due date, and annotates the exact lines. Run `postmortem-bot lint %s` to see the same findings locally.\n",
		mode, strings.Join(sections, ", "), path)
	if p.Check.GuidanceURL != "" {
		fmt.Fprintf(&b, "\nOur postmortem process: %s\n", p.Check.GuidanceURL)
	}
	return b.String()
}

// dueSentence states when the postmortem is due.
func dueSentence(inc draft.Incident, p *policy.Policy) string {
	if inc.ClosedAt != nil {
		due := p.PostmortemDueDate(*inc.ClosedAt)
		return fmt.Sprintf("The postmortem is due on **%s** (%d days after the incident closed).", due.Format(time.DateOnly), p.Postmortem.DueDays)
	}
	return fmt.Sprintf("The incident is still open: the postmortem is due %d days after it closes.", p.Postmortem.DueDays)
}

// incidentComment links the postmortem PR from the incident.
func incidentComment(inc draft.Incident, p *policy.Policy, prNumber int, path string) string {
	var b strings.Builder
	b.WriteString(incidentPRMarker + "\n")
	fmt.Fprintf(&b, "The postmortem draft for this incident is in #%d (`%s`).\n\n", prNumber, path)
	b.WriteString(dueSentence(inc, p) + "\n\n")
	b.WriteString("Responders: please fill in the draft and review it together. It is blameless: it is about how the system let this happen, not about who did what.\n")
	return b.String()
}

// configErrorComment says what is wrong with the policy file, where.
func configErrorComment(perr *policy.Error) string {
	var b strings.Builder
	b.WriteString(configErrorMarker + "\n")
	b.WriteString("postmortem-bot cannot draft a postmortem for this incident: its configuration is invalid.\n\n")
	where := perr.File
	if perr.Repo != "" {
		where = perr.Repo + ":" + perr.File
	}
	fmt.Fprintf(&b, "- File: `%s`\n", where)
	if perr.Line > 0 {
		if perr.Column > 0 {
			fmt.Fprintf(&b, "- Line: %d, column %d\n", perr.Line, perr.Column)
		} else {
			fmt.Fprintf(&b, "- Line: %d\n", perr.Line)
		}
	}
	if perr.Key != "" {
		fmt.Fprintf(&b, "- Key: `%s`\n", perr.Key)
	}
	fmt.Fprintf(&b, "- Problem: %s\n\n", perr.Message)
	b.WriteString("Nothing else was done. Once the file is fixed, remove and add the incident label again, or comment `/postmortem`.\n")
	return b.String()
}

// configFixedComment replaces the error once the configuration is valid again.
func configFixedComment() string {
	return configErrorMarker + "\n~~The configuration was invalid.~~ It has been fixed and the postmortem was drafted.\n"
}

func reply(commentID int64, text string) string {
	return replyMarker(commentID) + "\n" + text + "\n"
}

func reminderComment(p *policy.Policy, prNumber int, due time.Time) string {
	return fmt.Sprintf("%s\nReminder: the postmortem for this incident (#%d) was due on **%s** and is not merged yet. Please finish it and ask for review; I will remind again in %d days while it stays open.\n",
		reminderMarker, prNumber, due.Format(time.DateOnly), p.Postmortem.ReminderIntervalDays)
}
