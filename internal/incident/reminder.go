package incident

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// reminderInterval is how often the bot looks for overdue postmortems; the
// policy's reminder_interval_days decides how often each incident hears.
const reminderInterval = time.Hour

// ReminderArgs reminds closed incidents whose postmortem pull request is
// overdue and unmerged. The periodic job (no Repo) queues one job per
// repository with such incidents, each reminding in that repository only,
// so a sweep over many repositories never has to fit in one job's time.
type ReminderArgs struct {
	// Repo is the repository this job reminds in; nil for the sweep.
	Repo *repo.Ref `json:"repo,omitempty" river:"unique"`
	// Hour is the sweep's hour on the app's clock: one job per repository
	// and hour, however often the sweep runs.
	Hour string `json:"hour,omitempty" river:"unique"`
}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "incident_postmortem_reminders" }

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	h *Handler
}

// RegisterWorkers adds the reminder job and the related-index catch-up.
func (h *Handler) RegisterWorkers(w *river.Workers) error {
	if err := river.AddWorkerSafely(w, &relatedIndexWorker{h: h}); err != nil {
		return err
	}
	return river.AddWorkerSafely(w, &reminderWorker{h: h})
}

// PeriodicJobs schedules the reminder job.
func (h *Handler) PeriodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{river.NewPeriodicJob(
		river.PeriodicInterval(reminderInterval),
		func() (river.JobArgs, *river.InsertOpts) { return ReminderArgs{}, nil },
		&river.PeriodicJobOpts{ID: "incident_postmortem_reminders", RunOnStart: false},
	)}
}

// Work queues one job per repository (the sweep), or reminds the
// repository's overdue incidents. A repository whose policy is broken has
// its job cancelled; other failures retry that repository only, and the
// claim on last_reminded_at keeps a retry from reminding twice.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	rows, err := w.h.db.proposed(ctx)
	if err != nil {
		return err
	}
	if job.Args.Repo == nil {
		return w.sweep(ctx, rows)
	}
	r := *job.Args.Repo
	var mine []incidentRow
	for _, row := range rows {
		if row.InstallationID == r.InstallationID && row.Owner == r.Owner && row.Name == r.Name {
			mine = append(mine, row)
		}
	}
	err = w.remindRepo(ctx, r, mine)
	var perr *policy.Error
	if errors.As(err, &perr) {
		zerolog.Ctx(ctx).Warn().Str("repository", r.String()).Str("problem", perr.Error()).
			Msg("invalid postmortem policy; no reminders until it is fixed")
		return river.JobCancel(err)
	}
	return err
}

// sweep queues, in one insert, one job per repository with an incident
// awaiting its postmortem; a repository already queued this hour is not
// queued again.
func (w *reminderWorker) sweep(ctx context.Context, rows []incidentRow) error {
	type repoKey struct {
		installation int64
		owner, name  string
	}
	seen := map[repoKey]bool{}
	hour := w.h.env.Clock.Now().UTC().Truncate(reminderInterval).Format(time.RFC3339)
	var params []river.InsertManyParams
	for _, row := range rows {
		k := repoKey{row.InstallationID, row.Owner, row.Name}
		if seen[k] {
			continue
		}
		seen[k] = true
		r := repo.Ref{InstallationID: row.InstallationID, RepoID: row.RepoID, Owner: row.Owner, Name: row.Name}
		params = append(params, river.InsertManyParams{Args: ReminderArgs{Repo: &r, Hour: hour}, InsertOpts: queue.SweepOpts(reminderInterval)})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := w.h.env.Jobs.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("queue postmortem reminders for %d repositories: %w", len(params), err)
	}
	return nil
}

func (w *reminderWorker) remindRepo(ctx context.Context, r repo.Ref, rows []incidentRow) error {
	api, err := w.h.env.Client(r)
	if err != nil {
		return err
	}
	p, _, err := api.Policy(ctx, "")
	if err != nil {
		return err
	}
	if p.Postmortem.ReminderIntervalDays <= 0 {
		return nil
	}
	var errs []error
	for _, row := range rows {
		if err := w.remind(ctx, api, p, row); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// remind posts one reminder on an overdue incident when its interval has passed.
func (w *reminderWorker) remind(ctx context.Context, api *repo.Client, p *policy.Policy, r incidentRow) error {
	now := w.h.env.Clock.Now()
	iss, err := api.Issue(ctx, r.Number)
	if err != nil {
		return err
	}
	if iss.State != "closed" || iss.ClosedAt.IsZero() {
		return nil
	}
	if hasLabel(iss.Labels, skippedLabel) {
		return w.h.db.setState(ctx, r.incidentKey, stateSettled, r.PRNumber, now)
	}
	due := p.PostmortemDueDate(iss.ClosedAt)
	if now.Before(due) {
		return nil
	}
	interval := time.Duration(p.Postmortem.ReminderIntervalDays) * 24 * time.Hour
	if r.LastRemindedAt != 0 && now.Sub(time.Unix(r.LastRemindedAt, 0)) < interval {
		return nil
	}
	pr, err := api.Pull(ctx, r.PRNumber)
	if err != nil {
		return err
	}
	if pr.State == "closed" {
		// Merged, or closed by the team's decision: nothing left to remind.
		return w.h.db.setState(ctx, r.incidentKey, stateSettled, r.PRNumber, now)
	}
	claimed, err := w.h.db.claimReminder(ctx, r, now)
	if err != nil || !claimed {
		return err
	}
	_, err = api.CreateComment(ctx, r.Number, reminderComment(p, r.PRNumber, due))
	if err == nil {
		return nil
	}
	// GitHub may have posted the reminder and lost its answer: keep the
	// claim when the reminder is there, so the retry does not post another.
	_, posted, lookErr := api.MarkedComment(ctx, r.Number, reminderMarker, now.Add(-reminderClockSkew))
	if lookErr == nil && posted {
		zerolog.Ctx(ctx).Info().Int("issue", r.Number).Msg("the reminder was posted although GitHub's answer was an error")
		return nil
	}
	if uerr := w.h.db.unclaimReminder(context.WithoutCancel(ctx), r, now); uerr != nil {
		return errors.Join(err, uerr)
	}
	return err
}

// reminderClockSkew allows for GitHub's clock and ours disagreeing when
// looking for a reminder posted since a claim; reminders are days apart.
const reminderClockSkew = 10 * time.Minute
