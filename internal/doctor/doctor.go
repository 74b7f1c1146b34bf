// Package doctor is "postmortem-bot doctor": it checks the configuration,
// the database, the credentials against GitHub, the installations and each
// installed repository's policy, and says what is wrong and how to fix it.
package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
	"github.com/postmortem-bot/postmortem-bot/internal/setup"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

// maxRepos bounds how many repositories one run reads policies of.
const maxRepos = 500

// report prints one line per check and remembers whether any failed.
type report struct {
	w      io.Writer
	failed bool
}

func (r *report) ok(what, detail string) { fmt.Fprintf(r.w, "ok    %s: %s\n", what, detail) }

func (r *report) warn(what, detail string) { fmt.Fprintf(r.w, "warn  %s: %s\n", what, detail) }

func (r *report) fail(what string, err error, fix string) {
	r.failed = true
	fmt.Fprintf(r.w, "FAIL  %s: %v\n      fix: %s\n", what, err, fix)
}

// Run checks everything it can and returns 0 when nothing failed, else 1.
// loadErr is the configuration's error, if loading failed.
func Run(ctx context.Context, cfg config.Config, loadErr error, w io.Writer) int {
	r := &report{w: w}
	if loadErr != nil {
		r.fail("config", loadErr, "set the settings named above (postmortem-bot serve --help lists them)")
		return 1
	}
	r.ok("config", "settings read")

	checkDatabase(ctx, r, cfg)

	if !cfg.Registered() {
		creds, err := setup.Load(cfg.DataDir)
		switch {
		case err != nil:
			r.fail("credentials", err, "remove the file and register again, or set GITHUB_APP_INTEGRATION_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_WEBHOOK_SECRET")
			return 1
		case creds == nil:
			r.fail("credentials", errors.New("no GitHub App configured and none stored in "+cfg.DataDir),
				"run `postmortem-bot serve` and open the setup URL it logs, or set GITHUB_APP_INTEGRATION_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_WEBHOOK_SECRET")
			return 1
		}
		creds.Apply(&cfg)
		r.ok("credentials", fmt.Sprintf("stored by the setup page in %s (app %s)", cfg.DataDir, creds.Slug))
	}
	checkGitHub(ctx, r, cfg)
	if r.failed {
		return 1
	}
	return 0
}

func checkDatabase(ctx context.Context, r *report, cfg config.Config) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		r.fail("database", err, "check DATABASE_URL: the server must be able to reach and write it")
		return
	}
	defer db.Close()
	if err := db.SQL.PingContext(ctx); err != nil {
		r.fail("database", err, "check DATABASE_URL: the server must be able to reach and write it")
		return
	}
	r.ok("database", string(db.Dialect)+" answers")
	checkJobs(ctx, r, db)
}

// discardedWindow is how far back doctor lists jobs given up on.
const discardedWindow = 7 * 24 * time.Hour

// jobsShown bounds the jobs named per line; the count covers them all.
const jobsShown = 5

// checkJobs lists work the app is stuck on or gave up on: jobs running
// past their timeout (a crash left them, or they ignore it) and jobs
// discarded in the last week. Either is a warning: the server recovers the
// first by itself, and the second needs a person to redeliver the event.
func checkJobs(ctx context.Context, r *report, db *store.DB) {
	jobs, err := queue.New(db, queue.Options{}) // insert-only: runs nothing
	if err != nil {
		r.warn("jobs", "cannot read the job table: "+err.Error())
		return
	}
	now := time.Now()
	overdue, err := queue.OverdueJobs(ctx, jobs, now)
	if err != nil {
		r.warn("jobs", "cannot read the job table (the server creates it at its first start): "+err.Error())
		return
	}
	discarded, err := queue.DiscardedJobs(ctx, jobs, now.Add(-discardedWindow))
	if err != nil {
		r.warn("jobs", "cannot read the job table: "+err.Error())
		return
	}
	if len(overdue) == 0 && len(discarded) == 0 {
		r.ok("jobs", "none running past their timeout, none given up on in the last 7 days")
		return
	}
	if len(overdue) > 0 {
		r.warn("jobs", fmt.Sprintf("%d running past their %s timeout (a crashed process left them; they resume within a minute of a restart): %s",
			len(overdue), queue.JobTimeout, jobList(overdue, func(j *rivertype.JobRow) string {
				return fmt.Sprintf("running since %s", j.AttemptedAt.UTC().Format(time.RFC3339))
			})))
	}
	if len(discarded) > 0 {
		r.warn("jobs", fmt.Sprintf("%d given up on in the last 7 days; redeliver their events from the app's settings (Advanced → Recent deliveries) once the cause is fixed: %s",
			len(discarded), jobList(discarded, lastError)))
	}
}

// jobList names up to jobsShown jobs with a detail each.
func jobList(jobs []*rivertype.JobRow, detail func(*rivertype.JobRow) string) string {
	var parts []string
	for i, j := range jobs {
		if i == jobsShown {
			parts = append(parts, fmt.Sprintf("and %d more", len(jobs)-jobsShown))
			break
		}
		parts = append(parts, fmt.Sprintf("%s #%d (attempt %d of %d, %s)", j.Kind, j.ID, j.Attempt, j.MaxAttempts, detail(j)))
	}
	return strings.Join(parts, "; ")
}

// lastError is a discarded job's last recorded error, on one line.
func lastError(j *rivertype.JobRow) string {
	if len(j.Errors) == 0 {
		return "no error recorded"
	}
	msg := strings.Join(strings.Fields(j.Errors[len(j.Errors)-1].Error), " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return "last error: " + msg
}

func checkGitHub(ctx context.Context, r *report, cfg config.Config) {
	clients, err := ghclient.NewCreator(cfg.GitHub, nil)
	if err != nil {
		r.fail("credentials", err, "GITHUB_APP_PRIVATE_KEY must be the PEM private key generated on the app's page")
		return
	}
	app, err := clients.NewAppClient()
	if err != nil {
		r.fail("credentials", err, "GITHUB_APP_PRIVATE_KEY must be the PEM private key generated on the app's page")
		return
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	me, _, err := app.Apps.Get(ctx, "")
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode < http.StatusInternalServerError {
			r.fail("credentials", fmt.Errorf("GitHub rejected App ID %d and its key: %d %s", cfg.GitHub.App.IntegrationID, ge.Response.StatusCode, ge.Message),
				"GITHUB_APP_INTEGRATION_ID must be the App ID and GITHUB_APP_PRIVATE_KEY a key generated for that app")
			return
		}
		r.fail("GitHub", err, "check GITHUB_V3_API_URL and this machine's network access to it")
		return
	}
	r.ok("credentials", fmt.Sprintf("GitHub knows this app as %s (App ID %d)", me.GetSlug(), me.GetID()))

	var installs []*github.Installation
	opt := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := app.Apps.ListInstallations(ctx, opt)
		if err != nil {
			r.fail("installations", err, "retry; GitHub did not list the app's installations")
			return
		}
		installs = append(installs, page...)
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	if len(installs) == 0 {
		r.fail("installations", errors.New("the app is installed nowhere, so it receives no events"),
			fmt.Sprintf("install it: %s/apps/%s/installations/new", cfg.GitHub.WebURL, me.GetSlug()))
		return
	}
	seen := 0
	for _, inst := range installs {
		account := inst.GetAccount().GetLogin()
		client, err := clients.NewInstallationClient(inst.GetID())
		if err != nil {
			r.fail("installation "+account, err, "check the app's private key")
			continue
		}
		var repos []*github.Repository
		opt := &github.ListOptions{PerPage: 100}
		for {
			page, resp, err := client.Apps.ListRepos(ctx, opt)
			if err != nil {
				r.fail("installation "+account, err, "check that the installation is not suspended (GitHub → Settings → Applications)")
				break
			}
			repos = append(repos, page.Repositories...)
			if resp.NextPage == 0 {
				break
			}
			opt.Page = resp.NextPage
		}
		r.ok("installation "+account, fmt.Sprintf("%d repositories", len(repos)))
		for _, repo := range repos {
			if seen++; seen > maxRepos {
				r.warn("policies", fmt.Sprintf("stopped after %d repositories", maxRepos))
				return
			}
			_, src, err := policy.Fetch(ctx, client, repo.GetOwner().GetLogin(), repo.GetName(), "")
			if err != nil {
				r.fail("policy "+repo.GetFullName(), err, "fix the file named above; `postmortem-bot lint --config FILE` checks a policy offline")
				continue
			}
			r.ok("policy "+repo.GetFullName(), src.String())
		}
	}
}
