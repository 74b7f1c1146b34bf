package actions

import (
	"strings"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// planInput is what deciding a merged postmortem's items takes.
type planInput struct {
	RepoID   int64
	Path     string
	Incident int
	Merged   time.Time // when this version merged
	Now      time.Time
	Parsed   []analysis.ActionItem // the items the version lists, in order
	Known    []actionItem          // the items recorded for the postmortem
	Policy   *policy.Policy
}

// itemPlan is what a merged version of a postmortem asks for.
type itemPlan struct {
	// Items are the items to record, new or updated, in the file's order.
	Items []actionItem
	// Refs names, by item key, the issue an item refers to ("" for none).
	Refs map[string]string
	// Removed are recorded items the version no longer lists.
	Removed []actionItem
	// Listed counts the items the version lists; Done those done before
	// the merge and never followed (they get no issue).
	Listed, Done int
}

// planItems decides which items of a merged postmortem are followed up: each
// listed item up to the policy's cap, except one done before the merge that
// names no issue and was never followed; an item recorded before keeps its
// first due date unless the file sets one; recorded items the version no
// longer lists (or lists past the cap) are removed.
func planItems(in planInput) itemPlan {
	before := map[string]actionItem{}
	for _, it := range in.Known {
		before[it.Key] = it
	}
	parsed := in.Parsed
	keys := itemKeys(parsed)
	out := itemPlan{Refs: map[string]string{}, Listed: len(parsed)}
	if limit := in.Policy.ActionItems.MaxPerPostmortem; limit > 0 && len(parsed) > limit {
		parsed, keys = parsed[:limit], keys[:limit]
	}
	listed := map[string]bool{}
	for i, p := range parsed {
		key := in.Path + "#" + keys[i]
		listed[key] = true
		old, recorded := before[key]
		if p.Done && p.IssueRef == "" && !recorded {
			out.Done++
			continue // done before the merge: nothing to follow up
		}
		out.Refs[key] = p.IssueRef
		due := in.Policy.DueDate(p.Priority, in.Merged)
		if recorded {
			due = old.Due // the first merge's default stands
		}
		if p.Due != "" {
			if t, err := time.Parse(time.DateOnly, p.Due); err == nil {
				due = t
			}
		}
		out.Items = append(out.Items, actionItem{
			RepoID: in.RepoID, Key: key, Path: in.Path, Incident: in.Incident, Title: p.Title, Owner: p.Owner,
			Priority: p.Priority, Type: p.Type, Line: p.Line, Due: due.UTC(), CreatedAt: in.Now,
		})
	}
	for _, it := range in.Known {
		if !listed[it.Key] && !it.Removed {
			out.Removed = append(out.Removed, it)
		}
	}
	return out
}

// newIssue is the issue the app opens for an item: its title (within
// GitHub's limit), the app's body, the action label and the priority as
// labels, and a user owner as assignee.
func newIssue(it actionItem, src issueSource, label string) repo.NewIssue {
	labels := []string{label}
	if it.Priority != "" && !strings.EqualFold(it.Priority, label) {
		labels = append(labels, it.Priority)
	}
	var assignees []string
	if login := userLogin(it.Owner); login != "" {
		assignees = []string{login}
	}
	return repo.NewIssue{Title: issueTitle(it.Title), Body: issueBody(it, src), Labels: labels, Assignees: assignees}
}
