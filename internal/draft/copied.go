package draft

import (
	"regexp"
	"strings"

	safe "github.com/postmortem-bot/postmortem-bot/internal/mention"
)

// loginPattern is what GitHub accepts as a user login.
var loginPattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)

// forDraft is the incident as a draft may show it. Text copied from GitHub
// (the title, labels, event texts) has its mentions neutralised, so that
// wherever the draft is copied nobody is notified by what someone typed; and
// a cross-reference from another repository appears only when that
// repository is public, so a public draft never names a private issue.
func (inc Incident) forDraft() Incident {
	out := inc
	out.Title = safe.Neutralise(inc.Title)
	out.Severity = safe.Neutralise(inc.Severity)
	out.Labels = make([]string, len(inc.Labels))
	for i, l := range inc.Labels {
		out.Labels[i] = safe.Neutralise(l)
	}
	out.Timeline = make([]TimelineEntry, 0, len(inc.Timeline))
	for _, e := range inc.Timeline {
		if !inc.mayShow(e) {
			continue
		}
		e.Text = safe.Neutralise(e.Text)
		out.Timeline = append(out.Timeline, e)
	}
	return out
}

// mayShow says whether a timeline event may appear in the draft: every event
// but a cross-reference from a private repository other than the incident's.
func (inc Incident) mayShow(e TimelineEntry) bool {
	if e.Kind != "cross-referenced" || e.SourceRepo == "" || !e.SourcePrivate {
		return true
	}
	return inc.Repository != "" && strings.EqualFold(e.SourceRepo, inc.Repository)
}
