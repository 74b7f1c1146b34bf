package actions

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// RemindersArgs runs the daily reminders and escalations. The periodic
// job (no Repo) queues one job per repository with action items, each
// doing that repository's work, so a sweep over many repositories never
// has to fit in one job's time.
type RemindersArgs struct {
	// Repo is the repository this job reminds in; nil for the sweep.
	Repo *repo.Ref `json:"repo,omitempty" river:"unique"`
	// Day is the sweep's date on the app's clock: one job per repository
	// and day, however often the sweep runs.
	Day string `json:"day,omitempty" river:"unique"`
}

// Kind names the job kind in River's table.
func (RemindersArgs) Kind() string { return "action_items_reminders" }

type remindersWorker struct {
	river.WorkerDefaults[RemindersArgs]
	h *Handler
}

func (w *remindersWorker) Work(ctx context.Context, job *river.Job[RemindersArgs]) error {
	r := job.Args.Repo
	if r == nil {
		return w.h.sweep(ctx, "reminders", func(r repo.Ref, day string) river.JobArgs { return RemindersArgs{Repo: &r, Day: day} })
	}
	ctx = zerolog.Ctx(ctx).With().Str("repository", r.String()).Logger().WithContext(ctx)
	return w.h.outcome(ctx, w.h.remind(ctx, *r))
}

// sweepPeriod is how often the daily jobs run, and so how long each
// repository's job stays unique.
const sweepPeriod = 24 * time.Hour

// sweep queues, in one insert, one job per repository with action items
// (args makes it). A job already queued or done that day for a repository
// is not queued again, so a sweep that runs twice duplicates nothing. Each
// repository's job then succeeds, retries or is cancelled on its own.
func (h *Handler) sweep(ctx context.Context, what string, args func(r repo.Ref, day string) river.JobArgs) error {
	repos, err := h.records.reposWithItems(ctx)
	if err != nil {
		return err
	}
	if len(repos) == 0 {
		return nil
	}
	day := h.env.Clock.Now().UTC().Format(dateLayout)
	params := make([]river.InsertManyParams, 0, len(repos))
	for _, r := range repos {
		params = append(params, river.InsertManyParams{Args: args(refOf(r), day), InsertOpts: queue.SweepOpts(sweepPeriod)})
	}
	res, err := h.env.Jobs.InsertMany(ctx, params)
	if err != nil {
		return fmt.Errorf("queue the %s of %d repositories: %w", what, len(params), err)
	}
	queued := 0
	for _, r := range res {
		if !r.UniqueSkippedAsDuplicate {
			queued++
		}
	}
	zerolog.Ctx(ctx).Info().Int("repositories", len(repos)).Int("queued", queued).Msg(what + ": one job per repository queued")
	return nil
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
	for i, rm := range reminders {
		if i > 0 {
			// Each reminder is recorded: the next run skips those posted.
			if err := h.roomFor(ctx, 0); err != nil {
				return err
			}
		}
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
