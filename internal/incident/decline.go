package incident

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/mention"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// maxDeclineReason bounds the reason copied into the decline note.
const maxDeclineReason = 300

// decline records that a corrective action will not be done, as the
// person with write access who ran `/postmortem decline #N <reason>`
// decided: a note on #N naming them and the reason (keyed by the command
// comment, so a redelivery writes it once), then #N closed as not planned.
// The action-items feature reads both back when it follows #N's closing.
func (s *session) decline(ctx context.Context, commentID int64, author string, cmd command) (string, error) {
	if cmd.Target == 0 || cmd.Reason == "" {
		return "Please say which corrective action and why: `/postmortem decline #N <reason>`.", nil
	}
	p, ok, err := s.loadPolicy(ctx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "I cannot act on this yet: the postmortem configuration is invalid (see my comment above). Run the command again once it is fixed.", nil
	}
	n, label := cmd.Target, p.ActionItems.Label
	i, err := s.api.Issue(ctx, n)
	switch {
	case repo.IsGone(err) || (err == nil && i.Number != n):
		return fmt.Sprintf("I cannot find issue #%d in this repository.", n), nil
	case err != nil:
		return "", err
	case i.IsPull || !i.HasLabel(label):
		return fmt.Sprintf("#%d is not a corrective action: only issues labelled `%s` can be declined.", n, label), nil
	case i.State == "closed" && i.StateReason != "not_planned":
		return fmt.Sprintf("#%d is already closed as done. Reopen it first if it should be declined instead.", n), nil
	}
	reason := []rune(mention.Neutralise(strings.Join(strings.Fields(cmd.Reason), " ")))
	if len(reason) > maxDeclineReason {
		reason = append(reason[:maxDeclineReason-1], '…')
	}
	if _, found, err := s.api.MarkedComment(ctx, n, marker.Decline(commentID, author), time.Time{}); err != nil {
		return "", err
	} else if !found {
		if _, err := s.api.CreateComment(ctx, n, marker.DeclineNote(commentID, author, s.key.Number, string(reason))); err != nil {
			return "", fmt.Errorf("note the decline on #%d: %w", n, err)
		}
	}
	if i.State != "closed" {
		if _, err := s.api.EditIssue(ctx, n, repo.IssueEdit{Close: true, NotPlanned: true}); err != nil {
			return "", fmt.Errorf("close #%d as not planned: %w", n, err)
		}
	}
	return fmt.Sprintf("Recorded: the corrective action #%d is declined (closed as not planned). Reason: %s", n, string(reason)), nil
}
