package incident

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// reminderInterval is how often the bot looks for overdue postmortems; the
// policy's reminder_interval_days decides how often each incident hears.
const reminderInterval = time.Hour

// ReminderArgs is the periodic job reminding closed incidents whose
// postmortem pull request is overdue and unmerged.
type ReminderArgs struct{}

// Kind names the job in River's table.
func (ReminderArgs) Kind() string { return "incident_postmortem_reminders" }

type reminderWorker struct {
	river.WorkerDefaults[ReminderArgs]
	h *Handler
}

// RegisterWorkers adds the reminder job.
func (h *Handler) RegisterWorkers(w *river.Workers) error {
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

// Work visits every incident with an open postmortem PR. A repository that
// fails does not stop the others; the job retries, and the claim on
// last_reminded_at keeps a retry from reminding twice.
func (w *reminderWorker) Work(ctx context.Context, job *river.Job[ReminderArgs]) error {
	rows, err := w.h.db.proposed(ctx)
	if err != nil {
		return err
	}
	type repoKey struct {
		installation int64
		owner, name  string
	}
	byRepo := map[repoKey][]incidentRow{}
	var order []repoKey
	for _, r := range rows {
		k := repoKey{r.InstallationID, r.Owner, r.Name}
		if _, seen := byRepo[k]; !seen {
			order = append(order, k)
		}
		byRepo[k] = append(byRepo[k], r)
	}
	var errs []error
	for _, k := range order {
		if err := w.remindRepo(ctx, k.installation, k.owner, k.name, byRepo[k]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (w *reminderWorker) remindRepo(ctx context.Context, installationID int64, owner, name string, rows []incidentRow) error {
	log := zerolog.Ctx(ctx).With().Str("repository", owner+"/"+name).Logger()
	api, err := w.h.env.Client(repo.Ref{InstallationID: installationID, Owner: owner, Name: name})
	if err != nil {
		return err
	}
	p, _, err := api.Policy(ctx, "")
	var perr *policy.Error
	if errors.As(err, &perr) {
		log.Warn().Str("problem", perr.Error()).Msg("invalid postmortem policy; no reminders until it is fixed")
		return nil
	}
	if err != nil {
		return err
	}
	if p.Postmortem.ReminderIntervalDays <= 0 {
		return nil
	}
	var errs []error
	for _, r := range rows {
		if err := w.remind(ctx, api, p, r); err != nil {
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
