package draft

import (
	"fmt"
	"strings"
	"time"

	safe "github.com/postmortem-bot/postmortem-bot/internal/mention"
)

// RelatedIncident is an earlier incident that looks like the same failure.
type RelatedIncident struct {
	// Repository is "owner/name" for an incident of another repository,
	// "" for one of the incident's own.
	Repository    string
	Number        int
	Title         string
	URL           string
	Postmortem    string // its postmortem's path, "" when none is known
	PostmortemURL string
	Reasons       []string
	Actions       []ActionRef // its corrective-action issues
}

// Ref names the incident: "#N", or "owner/name#N" in another repository.
func (r RelatedIncident) Ref() string { return r.ActionRef(r.Number) }

// ActionRef names an issue of the incident's repository as GitHub links it.
func (r RelatedIncident) ActionRef(number int) string {
	return fmt.Sprintf("%s#%d", r.Repository, number)
}

// ActionRef is a corrective-action issue and its state.
type ActionRef struct {
	Number int
	Title  string
	Open   bool
}

// Change is a pull request merged into the default branch, or a
// deployment, before the incident started.
type Change struct {
	At          time.Time
	Pull        int    // the pull request's number; 0 for a deployment
	Title       string // the pull request's title, or the deployment's description
	Author      string // login, without "@"
	Revert      bool
	Environment string // a deployment's environment
	Ref         string // a deployment's ref or short sha
}

// RelatedIncidents is the draft's "Related Incidents" section, "" when no
// earlier incident matched and every one was compared. Titles, reasons and
// labels are copied from GitHub, so their mentions are neutralised and their
// Markdown escaped.
func (inc Incident) RelatedIncidents() string {
	if len(inc.Related) == 0 && inc.RelatedNotCompared == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Related Incidents\n\n")
	if inc.RelatedNotCompared > 0 {
		fmt.Fprintf(&b, "_%s not compared yet: postmortem-bot reads earlier incidents a few at a time so the draft is not held up, and compares them for later incidents._\n\n",
			earlierIncidents(inc.RelatedNotCompared))
	}
	if len(inc.Related) == 0 {
		b.WriteString("No earlier incident among those compared looks like the same failure.\n")
		return b.String()
	}
	b.WriteString("<!--\nEarlier incidents that look like the same failure, found by postmortem-bot with the reasons\nthey matched. Remove any that are not related; say below why the earlier fixes did not prevent this one.\n-->\n\n")
	for _, r := range inc.Related {
		fmt.Fprintf(&b, "- [%s](%s) %s", r.Ref(), r.URL, EscapeMarkdown(safe.Neutralise(r.Title)))
		if r.Postmortem != "" {
			fmt.Fprintf(&b, " — postmortem: [%s](%s)", EscapeMarkdown(r.Postmortem), r.PostmortemURL)
		} else {
			b.WriteString(" — no postmortem yet")
		}
		b.WriteString("\n")
		if len(r.Reasons) > 0 {
			reasons := make([]string, len(r.Reasons))
			for i, x := range r.Reasons {
				reasons[i] = EscapeMarkdown(safe.Neutralise(x))
			}
			fmt.Fprintf(&b, "  - Why: %s\n", strings.Join(reasons, "; "))
		}
		if len(r.Actions) > 0 {
			items := make([]string, len(r.Actions))
			for i, a := range r.Actions {
				state := "closed"
				if a.Open {
					state = "**open**"
				}
				items[i] = fmt.Sprintf("%s %s (%s)", r.ActionRef(a.Number), EscapeMarkdown(safe.Neutralise(a.Title)), state)
			}
			fmt.Fprintf(&b, "  - Corrective actions: %s\n", strings.Join(items, ", "))
		} else {
			b.WriteString("  - Corrective actions: none tracked\n")
		}
	}
	return b.String()
}

// earlierIncidents is "1 earlier incident was" or "N earlier incidents were".
func earlierIncidents(n int) string {
	if n == 1 {
		return "1 earlier incident was"
	}
	return fmt.Sprintf("%d earlier incidents were", n)
}

// ChangesBefore is the timeline's list of changes shipped in the window
// before the incident started, newest first, without a final newline; ""
// when the list is off.
func (inc Incident) ChangesBefore() string {
	if inc.ChangesWindow == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "### Changes in the %s before the incident started\n\n", windowText(inc.ChangesWindow))
	if len(inc.Changes) == 0 {
		b.WriteString("No pull request merged into the default branch and no deployment in that window.")
		return b.String()
	}
	b.WriteString("| Time (UTC) | Change | Author |\n|---|---|---|\n")
	for _, c := range inc.Changes {
		what := ""
		switch {
		case c.Pull > 0:
			what = fmt.Sprintf("#%d %s", c.Pull, cell(c.Title))
		default:
			what = fmt.Sprintf("deployment of %s to %s", cell(c.Ref), cell(c.Environment))
			if c.Title != "" {
				what += ": " + cell(c.Title)
			}
		}
		if c.Revert {
			what = "**revert** " + what
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", c.At.UTC().Format("2006-01-02 15:04"), what, cell(c.Author))
	}
	if inc.ChangesTruncated > 0 {
		fmt.Fprintf(&b, "\n_%d more left out; the repository's history has them all._\n", inc.ChangesTruncated)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// cell is copied text for a table cell: one line, mentions neutralised,
// Markdown (pipes included) escaped.
func cell(s string) string {
	return EscapeMarkdown(safe.Neutralise(strings.Join(strings.Fields(s), " ")))
}

func windowText(d time.Duration) string {
	if d%(24*time.Hour) == 0 && d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d hours", int(d/time.Hour))
}
