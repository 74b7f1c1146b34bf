package actions

import (
	"context"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// reassignIssues brings the issues of the postmortem's items whose owner
// changed in a later version in line with it. The caller holds the
// postmortem's lease.
func (h *Handler) reassignIssues(ctx context.Context, c *repo.Client, repoID int64, path string) error {
	items, err := h.records.ofPostmortem(ctx, repoID, path)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Issue == 0 || it.Removed || it.IssueOwner == it.Owner || (it.State != stateOpen && it.State != stateClosed) {
			continue
		}
		if err := h.reassign(ctx, c, it); err != nil {
			return err
		}
	}
	return nil
}

// reassign rewrites the owner line of the app's part of the issue's body
// and, when the new owner is a user, assigns them in place of the user the
// app had assigned; a team owner leaves the assignees as they are. It reads
// the issue first and edits only what differs, so a re-run after a crash
// between the edit and its record makes no second change.
func (h *Handler) reassign(ctx context.Context, c *repo.Client, it actionItem) error {
	log := zerolog.Ctx(ctx).With().Str("action_item", it.Key).Int("issue", it.Issue).Logger()
	i, err := c.Issue(ctx, it.Issue)
	if repo.IsGone(err) || (err == nil && i.Number != it.Issue) {
		return nil // deleted or transferred: the reconciliation notes it
	}
	if err != nil {
		return err
	}
	if marker.ActionItemOf(i.Body) != it.Key || !c.WrittenByApp(i.Author) {
		log.Info().Msg("the issue was not opened by the app; its owner is left to people")
		return h.records.setAssignment(ctx, it.RepoID, it.Key, it.Owner, it.AssignedLogin)
	}
	var body *string
	if b, ok := withOwner(i.Body, it.Key, it.Owner); !ok {
		log.Info().Msg("the issue's body has no owner line of the app's any more; it is left as it is")
	} else if b != i.Body {
		body = &b
	}
	assigned := it.AssignedLogin
	var assignees *[]string
	if login := userLogin(it.Owner); login != "" {
		want := slices.DeleteFunc(slices.Clone(i.Assignees), func(a string) bool {
			return it.AssignedLogin != "" && strings.EqualFold(a, it.AssignedLogin) && !strings.EqualFold(a, login)
		})
		if !containsFold(want, login) {
			want = append(want, login)
		}
		if !sameLogins(want, i.Assignees) {
			assignees = &want
		}
		assigned = assignedOf(i, it.Owner)
	}
	if body != nil || assignees != nil {
		edited, err := c.EditIssue(ctx, it.Issue, repo.IssueEdit{Body: body, Assignees: assignees})
		if err != nil {
			return err
		}
		if assignees != nil {
			assigned = assignedOf(edited, it.Owner)
		}
		log.Info().Str("owner", it.Owner).Msg("the postmortem names a new owner; the issue is reassigned")
	}
	return h.records.setAssignment(ctx, it.RepoID, it.Key, it.Owner, assigned)
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
