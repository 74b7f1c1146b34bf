package actions

import (
	"context"
	"slices"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// reassignIssues brings the issues of the postmortem's items whose owner
// changed in a later version in line with it. The caller holds the
// postmortem's lease.
func (s *session) reassignIssues(ctx context.Context, path string) error {
	items, err := s.h.records.ofPostmortem(ctx, s.ref.RepoID, path)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Issue == 0 || it.Removed || it.IssueOwner == it.Owner || (it.State != stateOpen && it.State != stateClosed) {
			continue
		}
		if err := s.reassign(ctx, it); err != nil {
			return err
		}
	}
	return nil
}

// reassign brings one issue in line with its item's owner, as reassignment
// decides. It reads the issue first and edits only what differs, so a
// re-run after a crash between the edit and its record makes no second
// change.
func (s *session) reassign(ctx context.Context, it actionItem) error {
	log := s.log.With().Str("action_item", it.Key).Int("issue", it.Issue).Logger()
	i, err := s.c.Issue(ctx, it.Issue)
	if repo.IsGone(err) || (err == nil && i.Number != it.Issue) {
		return nil // deleted or transferred: the reconciliation notes it
	}
	if err != nil {
		return err
	}
	ch := reassignment(i, it, s.c.WrittenByApp(i.Author))
	switch {
	case ch.NotTheApps:
		log.Info().Msg("the issue was not opened by the app; its owner is left to people")
	case ch.NoOwnerLine:
		log.Info().Msg("the issue's body has no owner line of the app's any more; it is left as it is")
	}
	assigned := ch.Assigned
	if ch.Body != nil || ch.Assignees != nil {
		edited, err := s.c.EditIssue(ctx, it.Issue, repo.IssueEdit{Body: ch.Body, Assignees: ch.Assignees})
		if err != nil {
			return err
		}
		if ch.Assignees != nil {
			assigned = assignedOf(edited, it.Owner)
		}
		log.Info().Str("owner", it.Owner).Msg("the postmortem names a new owner; the issue is reassigned")
	}
	return s.h.records.setAssignment(ctx, it.RepoID, it.Key, it.Owner, assigned)
}

// reassignChange is what an item's new owner changes on its issue.
type reassignChange struct {
	// NotTheApps: the issue is not one the app opened for the item, so
	// nothing changes on it.
	NotTheApps bool
	// NoOwnerLine: the app's part of the body lost its owner line, so the
	// body is left as it is.
	NoOwnerLine bool
	Body        *string   // the new body, nil to leave it
	Assignees   *[]string // the whole new list, nil to leave it
	// Assigned is the user the app counts as having assigned, unless the
	// edit's answer says otherwise.
	Assigned string
}

// reassignment decides the new body and assignees of an item's issue: the
// owner line of the app's part of the body names the new owner; a user
// owner is assigned in place of the user the app had assigned (people's
// other assignees stay); a team owner leaves the assignees alone. byApp
// says whether the app's bot opened the issue.
func reassignment(i repo.Issue, it actionItem, byApp bool) reassignChange {
	if marker.ActionItemOf(i.Body) != it.Key || !byApp {
		return reassignChange{NotTheApps: true, Assigned: it.AssignedLogin}
	}
	var ch reassignChange
	if b, ok := withOwner(i.Body, it.Key, it.Owner); !ok {
		ch.NoOwnerLine = true
	} else if b != i.Body {
		ch.Body = &b
	}
	ch.Assigned = it.AssignedLogin
	if login := userLogin(it.Owner); login != "" {
		want := slices.DeleteFunc(slices.Clone(i.Assignees), func(a string) bool {
			return it.AssignedLogin != "" && strings.EqualFold(a, it.AssignedLogin) && !strings.EqualFold(a, login)
		})
		if !containsFold(want, login) {
			want = append(want, login)
		}
		if !sameLogins(want, i.Assignees) {
			ch.Assignees = &want
		}
		ch.Assigned = assignedOf(i, it.Owner)
	}
	return ch
}

// userLogin is the login of a user owner ("@alice"), or "" for a team or
// no owner.
func userLogin(owner string) string {
	if !(analysis.ActionItem{Owner: owner}).OwnerIsUser() {
		return ""
	}
	return strings.TrimPrefix(owner, "@")
}

// assignedOf is the user owner when GitHub holds them as an assignee of
// the issue (it silently drops users who cannot be assigned), else "".
func assignedOf(i repo.Issue, owner string) string {
	login := userLogin(owner)
	for _, a := range i.Assignees {
		if login != "" && strings.EqualFold(a, login) {
			return a
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

func sameLogins(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !containsFold(b, x) {
			return false
		}
	}
	return true
}
