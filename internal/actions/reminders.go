package actions

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// RemindersArgs runs the daily reminders and escalations over every
// repository with action items.
type RemindersArgs struct{}

// Kind names the job kind in River's table.
func (RemindersArgs) Kind() string { return "action_items_reminders" }

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	h *Handler
}

func (w *remindersWorker) Work(ctx context.Context, _ *river.Job[RemindersArgs]) error {
	return w.h.forEachRepo(ctx, "remind", w.h.remind)
}

// forEachRepo runs fn on each repository with action items. It is the daily
// jobs' outcome switch: a repository whose policy is broken is skipped with
// a warning (retrying cannot fix it, and it must not cancel the run for the
// others); any other failure does not stop the others either, but fails the
// job so it retries (work already done is recorded and skipped).
func (h *Handler) forEachRepo(ctx context.Context, what string, fn func(context.Context, repo.Ref) error) error {
	repos, err := h.records.reposWithItems(ctx)
	if err != nil {
		return err
	}
	var firstErr error
	for _, repo := range repos {
		r := refOf(repo)
		err := fn(ctx, r)
		var perr *policy.Error
		if errors.As(err, &perr) {
			zerolog.Ctx(ctx).Warn().Err(err).Str("repository", r.String()).Msg(what + " skipped: the repository's postmortem policy is invalid")
			continue
		}
		if err != nil {
			zerolog.Ctx(ctx).Warn().Err(err).Str("repository", r.String()).Msg(what + " failed for a repository")
			if firstErr == nil {
				firstErr = fmt.Errorf("%s %s: %w", what, r, err)
			}
		}
	}
	return firstErr
}

func refOf(r store.Repository) repo.Ref {
	return repo.Ref{InstallationID: r.InstallationID, RepoID: r.ID, Owner: r.Owner, Name: r.Name}
}

// reminderKey names the reminder interval an overdue item is in: one
// reminder per key, ever.
func reminderKey(it actionItem, intervalDays int, now time.Time) string {
	k := daysBetween(it.Due, now) / intervalDays
	return fmt.Sprintf("%s/%d", it.Due.Format(dateLayout), k)
}

// escalationKey names the escalation interval of an item overdue by more
// than the policy's escalate_after_days ("" when it is not due for one).
func escalationKey(it actionItem, ai policy.ActionItems, now time.Time) string {
	if ai.EscalateAfterDays <= 0 || ai.EscalationTeam == "" {
		return ""
	}
	late := daysBetween(it.Due, now) - ai.EscalateAfterDays
	if late < 0 || !now.After(it.Due) {
		return ""
	}
	k := 0
	if ai.ReminderIntervalDays > 0 {
		k = late / ai.ReminderIntervalDays
	}
	return fmt.Sprintf("%s/%d", it.Due.Format(dateLayout), k)
}

// reminder is one reminder to post and its stable key.
type reminder struct {
	Item actionItem
	Key  string
}

// dueNotices decides, from the recorded items and the policy, which open
// overdue items get a reminder (once per reminder interval) and which are
// escalated (once per item per interval past escalate_after_days).
func dueNotices(items []actionItem, ai policy.ActionItems, now time.Time) (reminders []reminder, escalations []escalation) {
	for _, it := range items {
		if it.State != stateOpen || it.Removed || it.Issue == 0 || !now.After(it.Due) {
			continue
		}
		if ai.ReminderIntervalDays > 0 {
			if key := reminderKey(it, ai.ReminderIntervalDays, now); key != it.ReminderKey {
				reminders = append(reminders, reminder{Item: it, Key: key})
			}
		}
		if key := escalationKey(it, ai, now); key != "" && key != it.EscalationKey {
			escalations = append(escalations, escalation{Item: it, Key: key})
		}
	}
	return reminders, escalations
}

// remind posts what dueNotices decides: reminders on the items' issues,
// and one escalation mentioning the team on the status issue.
func (h *Handler) remind(ctx context.Context, r repo.Ref) error {
	s, err := h.session(ctx, r, "")
	if err != nil {
		return err
	}
	items, err := h.records.ofRepo(ctx, r.RepoID)
	if err != nil {
		return err
	}
	now := s.now()
	reminders, escalations := dueNotices(items, s.pol.ActionItems, now)
	for _, rm := range reminders {
		if err := s.remindOne(ctx, rm.Item, rm.Key, now); err != nil {
			return err
		}
	}
	if len(escalations) == 0 {
		return nil
	}
	return s.escalate(ctx, escalations, now)
}

// remindOne posts one reminder, unless a run that crashed after posting it
// already did (its marker is on the issue, in the app's comment).
func (s *session) remindOne(ctx context.Context, it actionItem, key string, now time.Time) error {
	m := marker.ItemReminder(key)
	if _, posted, err := s.c.MarkedComment(ctx, it.Issue, m, time.Time{}); err != nil {
		return err
	} else if !posted {
		if _, err := s.c.CreateComment(ctx, it.Issue, reminderBody(it, key, now)); err != nil {
			return err
		}
	}
	return s.h.records.setReminder(ctx, it, key, now)
}

// escalate mentions the team once for the items, on the status issue (or
// on each item's issue when there is no status issue).
func (s *session) escalate(ctx context.Context, items []escalation, now time.Time) error {
	st, err := s.h.records.status(ctx, s.ref.RepoID)
	if err != nil {
		return err
	}
	if st.Issue == 0 {
		for _, e := range items {
			if err := s.escalateOn(ctx, e.Item.Issue, []escalation{e}, now); err != nil {
				return err
			}
		}
		return nil
	}
	return s.escalateOn(ctx, st.Issue, items, now)
}

func (s *session) escalateOn(ctx context.Context, issue int, items []escalation, now time.Time) error {
	comments, err := s.c.Comments(ctx, issue, time.Time{})
	if err != nil {
		return err
	}
	var todo []escalation
	for _, e := range items {
		_, posted, err := s.c.FindMarked(comments, marker.Escalation(e.Item.Issue, e.Key))
		if err != nil {
			return err
		}
		if !posted {
			todo = append(todo, e)
		}
	}
	if len(todo) > 0 {
		ai := s.pol.ActionItems
		body := fit(escalationBody(ai.EscalationTeam, todo, now), cutShort("the issues labelled "+ai.Label, s.labelURL()))
		if _, err := s.c.CreateComment(ctx, issue, body); err != nil {
			return err
		}
	}
	for _, e := range items {
		if err := s.h.records.setEscalation(ctx, e.Item, e.Key); err != nil {
			return err
		}
	}
	return nil
}
