package chaostest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-github/v60/github"
	"github.com/riverqueue/river/rivertype"

	"github.com/postmortem-bot/postmortem-bot/internal/clock"
	"github.com/postmortem-bot/postmortem-bot/internal/config"
	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
	"github.com/postmortem-bot/postmortem-bot/internal/store"
)

const (
	owner = "acme"
	repo  = "shop"
	// settleWithin is the target: every effect exists this long after the
	// last fault and the last restart.
	settleWithin = 60 * time.Second
	// giveUpAfter bounds a run whatever happens.
	giveUpAfter = 4 * time.Minute

	linkMarker     = "<!-- postmortem-bot:incident-pr -->"
	trackingMarker = "<!-- postmortem-bot:action-items-tracking -->"
	itemMarker     = "<!-- postmortem-bot:action-item "
)

// plan is what one chaos run does; everything random in it comes from Seed.
type plan struct {
	Seed      uint64
	Incidents int           // incidents declared; the last shares the first one's title
	Crashes   int           // server crashes while jobs run
	Faults    time.Duration // how long new faults are injected
}

// incident is one incident's way through the run.
type incident struct {
	number  int
	title   string
	after   int // the incident whose postmortem merges before this one is labelled, or -1
	labelAt time.Duration
	labeled bool
	pr      int
	path    string
	merged  bool
}

// life is one server process: its harness and the gates a crash closes.
type life struct {
	h      *servertest.Harness
	github *githubGate
	db     *databaseGate // PostgreSQL only
	once   sync.Once
}

// crash is a planned crash: at a time, either on the next request of a kind
// (after GitHub applied it, before the answer) or as soon as a job runs.
type crash struct {
	at      time.Duration
	onClass int // index into classes, or -1: whenever a job is running
	armed   time.Time
	fired   atomic.Bool
}

// run drives one seeded chaos run.
type run struct {
	t     *testing.T
	p     plan
	rng   *rand.Rand
	gh    *fakegithub.Server
	clock *clock.Fake
	dbURL string
	pg    bool

	started    time.Time
	clockStart time.Time
	cur        *life
	webhook    atomic.Pointer[string] // the live server's address, "" while it is down
	crashedCh  chan *life             // a gate crashed its server mid-request
	stops      sync.WaitGroup         // dead servers winding down
	sends      sync.WaitGroup         // deliveries in flight
	unsent     atomic.Int32           // deliveries no server ever accepted

	incidents   []*incident
	crashes     []*crash
	faults      int
	midJob      int         // crashes that left a job running
	faultsOver  atomic.Bool // past the fault window: queued faults no longer fire
	lastRestart time.Time
	trace       []string
}

func (r *run) note(format string, args ...any) {
	r.trace = append(r.trace, fmt.Sprintf("%6.2fs ", time.Since(r.started).Seconds())+fmt.Sprintf(format, args...))
}

// routeClass is a kind of GitHub request a fault or crash aims at.
type routeClass struct {
	name    string
	creates bool
	match   func(method, path string) bool
}

const repoPath = "/repos/" + owner + "/" + repo

var classes = []routeClass{
	{"open pull request", true, func(m, p string) bool { return m == http.MethodPost && p == repoPath+"/pulls" }},
	{"create comment", true, func(m, p string) bool {
		return m == http.MethodPost && strings.HasPrefix(p, repoPath+"/issues/") && strings.HasSuffix(p, "/comments")
	}},
	{"create issue", true, func(m, p string) bool { return m == http.MethodPost && p == repoPath+"/issues" }},
	{"commit file", true, func(m, p string) bool { return m == http.MethodPut && strings.HasPrefix(p, repoPath+"/contents/") }},
	{"create branch", true, func(m, p string) bool { return m == http.MethodPost && p == repoPath+"/git/refs" }},
	{"edit issue", false, func(m, p string) bool { return m == http.MethodPatch && strings.HasPrefix(p, repoPath+"/issues/") }},
	{"read", false, func(m, p string) bool { return m == http.MethodGet && strings.HasPrefix(p, repoPath+"/") }},
}

var titles = []string{
	"Checkout returns 502 after payments deploy",
	"Search index lags by an hour",
	"Login emails delayed",
	"Cart totals wrong for bundles",
	"Image uploads time out",
	"Nightly export missing rows",
	"Webhook consumer falls behind",
	"Status page shows stale data",
}

func newRun(t *testing.T, p plan, dbURL string, pg bool) *run {
	t.Helper()
	r := &run{
		t: t, p: p, rng: rand.New(rand.NewPCG(p.Seed, p.Seed^0x9e3779b97f4a7c15)),
		dbURL: dbURL, pg: pg, crashedCh: make(chan *life, 8),
		clock: clock.NewFake(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)),
	}
	// Leases and GitHub's timestamps follow the app's clock: keep it moving
	// with the wall clock, so a crashed job's lease expires as it would.
	stopClock := make(chan struct{})
	go func() {
		last := time.Now()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopClock:
				return
			case now := <-tick.C:
				r.clock.Advance(now.Sub(last))
				last = now
			}
		}
	}()
	t.Cleanup(func() {
		r.sends.Wait()
		r.stops.Wait()
		close(stopClock)
	})
	r.gh = fakegithub.New(t)
	r.gh.SetClock(r.clock.Now)
	r.gh.AddInstallation(1, owner)
	r.gh.AddRepo(owner, repo)
	for _, u := range []string{"kim", "lead"} {
		r.gh.SetPermission(owner, repo, u, "write")
	}
	empty := ""
	r.webhook.Store(&empty)
	for i := range p.Incidents {
		// Spread over the fault window, so crashes and faults meet work.
		inc := &incident{title: titles[i%len(titles)], after: -1, labelAt: p.Faults * time.Duration(i) / time.Duration(p.Incidents)}
		if i == p.Incidents-1 && i > 0 {
			// Titled like the first, the same day: labelled once the first
			// one's postmortem merged, its file name is taken.
			inc.title, inc.after = titles[0], 0
		}
		inc.number = r.gh.CreateIssue(owner, repo, fakegithub.IssueSeed{
			Title: inc.title, Body: "Alert fired.", Labels: []string{"sev2"}, Assignees: []string{"kim"}, Author: "pagerbot",
		})
		r.incidents = append(r.incidents, inc)
	}
	for range p.Crashes {
		c := &crash{at: 500*time.Millisecond + time.Duration(r.rng.Int64N(int64(p.Faults))), onClass: -1}
		if r.rng.IntN(2) == 0 {
			c.onClass = r.rng.IntN(5) // a creating request
		}
		r.crashes = append(r.crashes, c)
	}
	sort.Slice(r.crashes, func(i, j int) bool { return r.crashes[i].at < r.crashes[j].at })
	return r
}

// start runs a new server process on the run's database and fake GitHub.
func (r *run) start() {
	r.t.Helper()
	l := &life{}
	var err error
	l.github, err = newGitHubGate(r.gh.URL(), r.gh.Client().Transport)
	if err != nil {
		r.t.Fatal(err)
	}
	dbURL := r.dbURL
	if r.pg {
		u, err := url.Parse(r.dbURL)
		if err != nil {
			r.t.Fatal(err)
		}
		if l.db, err = newDatabaseGate(u.Host); err != nil {
			r.t.Fatal(err)
		}
		u.Host = l.db.addr()
		dbURL = u.String()
	}
	l.h = servertest.Start(r.t, servertest.Options{
		GitHub: r.gh, DatabaseURL: dbURL, Clock: r.clock,
		Edit: func(c *config.Config) {
			c.GitHub.V3APIURL = l.github.URL() + "/"
			c.GitHub.V4APIURL = l.github.URL() + "/graphql"
		},
	})
	// The server answers HTTP once its job queue has started (and, on
	// SQLite, resumed what the crash left): only then is it up.
	up := time.Now().Add(30 * time.Second)
	for !healthy(l.h.URL) {
		if time.Now().After(up) {
			r.t.Fatalf("the restarted server did not answer /healthz within 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.cur = l
	r.webhook.Store(&l.h.URL)
	r.lastRestart = time.Now()
}

func healthy(addr string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, addr+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// kill crashes a server process: GitHub and the database stop hearing from
// it at once, its running jobs are abandoned where they stand (their rows
// stay "running", their leases held), nothing is shut down gracefully.
func (r *run) kill(l *life) {
	l.once.Do(func() {
		empty := ""
		r.webhook.Store(&empty)
		l.github.die()
		if l.db != nil {
			l.db.kill()
		} else {
			_ = l.h.Server.DB().SQL.Close()
		}
	})
}

// restart lets the dead process's goroutines wind down in the background
// (they can no longer reach anything) and starts a new one.
func (r *run) restart(reason string) {
	dead := r.cur
	r.kill(dead)
	r.note("crash (%s)", reason)
	r.stops.Add(1)
	go func() {
		defer r.stops.Done()
		dead.h.Stop()
		dead.github.close()
	}()
	time.Sleep(time.Duration(50+r.rng.IntN(400)) * time.Millisecond)
	orphans := r.orphans()
	if len(orphans) > 0 {
		r.midJob++
	}
	r.start()
	r.note("restarted; the crash left %d jobs running: %s", len(orphans), strings.Join(orphans, ", "))
}

// deliver sends a webhook as GitHub does: once, sometimes twice at once
// (~5%), sometimes again later (~10%); a delivery that finds no live server
// is sent again until one accepts it, as a person redelivers a failed one.
func (r *run) deliver(event string, body []byte) {
	id := servertest.NewDeliveryID()
	r.send(event, id, body, 0)
	if r.rng.Float64() < 0.05 {
		r.send(event, id, body, 0)
	}
	if r.rng.Float64() < 0.10 {
		r.send(event, id, body, time.Duration(500+r.rng.IntN(4000))*time.Millisecond)
	}
}

func (r *run) send(event, id string, body []byte, after time.Duration) {
	r.sends.Add(1)
	go func() {
		defer r.sends.Done()
		time.Sleep(after)
		deadline := time.Now().Add(2 * time.Minute)
		for time.Now().Before(deadline) {
			if addr := *r.webhook.Load(); addr != "" && post(addr, event, id, body) {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		r.unsent.Add(1)
	}()
}

func post(addr, event, id string, body []byte) bool {
	req, err := http.NewRequest(http.MethodPost, addr+"/api/github/hook", bytes.NewReader(body))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", servertest.Sign(servertest.Secret, body))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode/100 == 2
}

// inject queues one fault on the fake GitHub for the next matching request
// within the fault window: a fault still queued when the window closes
// (no request of its kind came) never fires.
func (r *run) inject() {
	c := r.windowed(classes[r.rng.IntN(len(classes))])
	switch r.rng.IntN(4) {
	case 0:
		n, status := 1+r.rng.IntN(3), []int{500, 502, 503}[r.rng.IntN(3)]
		r.gh.FailNext(n, status, c.match)
		r.note("fault: %d× %d on %s", n, status, c.name)
	case 1:
		kind, wait := fakegithub.SecondaryRateLimit, time.Duration(1+r.rng.IntN(2))*time.Second
		if r.rng.IntN(2) == 0 {
			kind = fakegithub.TooManyRequests
		}
		r.gh.RateLimitNext(kind, wait, c.match)
		r.note("fault: secondary rate limit (Retry-After %s) on %s", wait, c.name)
	case 2:
		c = r.windowed(classes[r.rng.IntN(5)])
		r.gh.LoseNextResponse(1, http.StatusBadGateway, c.match)
		r.note("fault: %s applied, answer lost", c.name)
	default:
		d := time.Duration(1000+r.rng.IntN(2000)) * time.Millisecond
		r.gh.DelayNext(1, d, c.match)
		r.note("fault: %s answered after %s", c.name, d)
	}
	r.faults++
}

func (r *run) windowed(c routeClass) routeClass {
	match := c.match
	c.match = func(method, path string) bool { return !r.faultsOver.Load() && match(method, path) }
	return c
}

// api is a GitHub client straight to the fake, for what people do.
func (r *run) api() *github.Client {
	c := github.NewClient(r.gh.Client()).WithAuthToken(r.gh.InstallationToken(1))
	base, err := url.Parse(r.gh.URL() + "/")
	if err != nil {
		r.t.Fatal(err)
	}
	c.BaseURL = base
	return c
}

// advance moves each incident one step when it can: label it, note its
// pull request once the incident links it, then write and merge it.
func (r *run) advance() {
	elapsed := time.Since(r.started)
	for _, inc := range r.incidents {
		switch {
		case !inc.labeled:
			if elapsed < inc.labelAt || (inc.after >= 0 && !r.incidents[inc.after].merged) {
				continue
			}
			r.gh.AddLabelToIssue(owner, repo, inc.number, "incident", "kim")
			r.deliver("issues", r.gh.IssueWebhook("labeled", owner, repo, inc.number, "kim",
				map[string]any{"label": map[string]any{"name": "incident"}}))
			inc.labeled = true
			r.note("incident #%d labelled", inc.number)
		case inc.pr == 0:
			pr := r.linkedPull(inc)
			if pr == 0 {
				continue
			}
			// The injected faults hit this read too: try again, as a person would.
			var files []*github.CommitFile
			var err error
			for range 20 {
				if files, _, err = r.api().PullRequests.ListFiles(context.Background(), owner, repo, pr, nil); err == nil {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
			if err != nil {
				r.t.Fatalf("list files of #%d: %v", pr, err)
			}
			for _, f := range files {
				if strings.HasPrefix(f.GetFilename(), "postmortems/") {
					inc.path = f.GetFilename()
				}
			}
			if inc.path == "" {
				r.t.Fatalf("incident #%d's PR #%d adds no postmortem", inc.number, pr)
			}
			inc.pr = pr
		case !inc.merged:
			r.gh.CommitFile(owner, repo, fmt.Sprintf("postmortem/incident-%d", inc.number), inc.path,
				[]byte(writtenPostmortem(inc.title)), "Write the postmortem")
			r.gh.MergePull(owner, repo, inc.pr, "lead")
			r.deliver("pull_request", r.gh.PullRequestWebhook("closed", owner, repo, inc.pr, "lead"))
			inc.merged = true
			r.note("incident #%d: PR #%d (%s) merged", inc.number, inc.pr, inc.path)
		}
	}
}

// linkedPull is the incident's PR once the app linked it from the
// incident, or 0.
func (r *run) linkedPull(inc *incident) int {
	branch := fmt.Sprintf("postmortem/incident-%d", inc.number)
	for _, p := range r.gh.Pulls(owner, repo) {
		if p.Head != branch || p.Merged {
			continue
		}
		for _, c := range r.gh.Comments(owner, repo, inc.number) {
			if c.Author == r.gh.BotLogin() && strings.Contains(c.Body, linkMarker) && strings.Contains(c.Body, fmt.Sprintf("#%d", p.Number)) {
				return p.Number
			}
		}
	}
	return 0
}

func writtenPostmortem(title string) string {
	return "# Postmortem: " + title + `

## Summary

For 40 minutes a share of requests failed after a configuration change reached production.

## Impact

About a fifth of requests failed between 09:05 and 09:45 UTC.

## Timeline

| Time (UTC) | What |
|---|---|
| 2026-03-04 09:05 | The change reached production; alerts fired two minutes later. |
| 2026-03-04 09:45 | The change was rolled back and errors stopped. |

## Root Cause

A shared default changed in a library upgrade, and the review showed only the version bump.

## Resolution

Rolling back restored the previous setting; the value is now pinned in our configuration.

## Action Items

- [ ] Pin the connection settings in our own configuration (owner: @kim, due: 2026-03-20, priority: P1, type: prevent)
- [ ] Alert on saturation before errors rise (owner: @kim, due: 2026-03-27, priority: P2, type: detect)

## Lessons Learned

Upgrades that change defaults need their changelog read as part of the review.
`
}

// effects counts, on the fake GitHub, every effect the run must have
// caused exactly once: per incident one pull request, one comment linking
// it and, once merged, one tracking comment and one issue per action item.
func (r *run) effects() (duplicated, missing []string) {
	pulls := r.gh.Pulls(owner, repo)
	items := map[string]int{}
	for _, is := range r.gh.Issues(owner, repo) {
		if is.IsPull || is.Author != r.gh.BotLogin() {
			continue
		}
		if i := strings.Index(is.Body, itemMarker); i >= 0 {
			key, _, _ := strings.Cut(is.Body[i+len(itemMarker):], " -->")
			items[key]++
		}
	}
	check := func(what string, got, want int) {
		switch {
		case got > want:
			duplicated = append(duplicated, fmt.Sprintf("%s: %d, want %d", what, got, want))
		case got < want:
			missing = append(missing, fmt.Sprintf("%s: %d, want %d", what, got, want))
		}
	}
	for _, inc := range r.incidents {
		branch := fmt.Sprintf("postmortem/incident-%d", inc.number)
		prs := 0
		for _, p := range pulls {
			if p.Head == branch {
				prs++
			}
		}
		links, tracking := 0, 0
		for _, c := range r.gh.Comments(owner, repo, inc.number) {
			if c.Author != r.gh.BotLogin() {
				continue
			}
			if strings.Contains(c.Body, linkMarker) {
				links++
			}
			if strings.Contains(c.Body, trackingMarker) {
				tracking++
			}
		}
		check(fmt.Sprintf("incident #%d pull requests", inc.number), prs, 1)
		check(fmt.Sprintf("incident #%d comments linking its PR", inc.number), links, 1)
		if !inc.merged {
			continue
		}
		check(fmt.Sprintf("incident #%d tracking comments", inc.number), tracking, 1)
		keys := 0
		for key, n := range items {
			if strings.HasPrefix(key, inc.path+"#") {
				keys++
				check(fmt.Sprintf("issues for action item %s", key), n, 1)
			}
		}
		check(fmt.Sprintf("action items of %s with an issue", inc.path), keys, 2)
	}
	return duplicated, missing
}

// lastFaultAnswer is when GitHub last answered a request with an injected
// fault (an error status), on the wall clock.
func (r *run) lastFaultAnswer() time.Time {
	var last time.Time
	for _, req := range r.gh.Requests() {
		if req.Status >= 500 || req.Status == http.StatusTooManyRequests || req.Status == http.StatusForbidden {
			if req.At.After(last) {
				last = req.At
			}
		}
	}
	if last.IsZero() {
		return time.Time{}
	}
	// The app's clock moves with the wall clock from the run's start.
	return r.started.Add(last.Sub(r.clockStart))
}

// jobRunning reports whether the live server is running a job.
func (r *run) jobRunning() bool {
	jobs, err := r.cur.h.Server.JobsIn(context.Background(), rivertype.JobStateRunning)
	return err == nil && len(jobs) > 0
}

// result is what a run measured.
type result struct {
	crashes, faults       int
	midJob                int
	settledAfterRestart   time.Duration // last restart → every effect present
	settledAfterLastFault time.Duration
	duplicated, missing   []string
}

// exec runs the plan: incidents go through label → PR → merge → action
// items while faults are injected and the server is crashed, then waits
// until every effect is there (or the target passes) and counts them.
func (r *run) exec() result {
	r.started, r.clockStart = time.Now(), r.clock.Now()
	r.start()
	var res result
	nextFault := time.Duration(0)
	pending := r.crashes
	for {
		elapsed := time.Since(r.started)
		select {
		case l := <-r.crashedCh:
			if l == r.cur {
				res.crashes++
				r.restart("mid-request")
			}
		default:
		}
		if elapsed < r.p.Faults && elapsed >= nextFault {
			r.inject()
			nextFault = elapsed + time.Duration(250+r.rng.IntN(500))*time.Millisecond
		}
		if elapsed >= r.p.Faults {
			r.faultsOver.Store(true)
		}
		if len(pending) > 0 && elapsed >= pending[0].at {
			c := pending[0]
			switch {
			case c.fired.Load():
				pending = pending[1:]
			case c.onClass >= 0 && c.armed.IsZero():
				c.armed = time.Now()
				l := r.cur
				l.github.crashDuring(1, classes[c.onClass].match, func() {
					c.fired.Store(true)
					r.kill(l)
					r.crashedCh <- l
				})
				r.note("crash armed on the next %q", classes[c.onClass].name)
			case c.onClass >= 0 && time.Since(c.armed) > 3*time.Second:
				// No such request came: crash while a job runs instead.
				r.cur.github.crashDuring(0, nil, nil)
				c.onClass = -1
			case c.onClass < 0 && (r.jobRunning() || elapsed > c.at+5*time.Second):
				res.crashes++
				r.restart("while a job runs")
				pending = pending[1:]
			}
		}
		r.advance()

		last := r.lastRestart
		if f := r.lastFaultAnswer(); f.After(last) {
			last = f
		}
		allMerged := true
		for _, inc := range r.incidents {
			allMerged = allMerged && inc.merged
		}
		if allMerged && len(pending) == 0 && elapsed >= r.p.Faults {
			if _, missing := r.effects(); len(missing) == 0 && r.idle() {
				res.settledAfterRestart = time.Since(r.lastRestart)
				res.settledAfterLastFault = time.Since(last)
				break
			}
		}
		if time.Since(last) > settleWithin+15*time.Second || elapsed > giveUpAfter {
			res.settledAfterRestart, res.settledAfterLastFault = -1, -1
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Let redeliveries still on their way arrive, and what they cause run,
	// before counting: a duplicate they would make must show.
	r.sends.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for !r.idle() && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	res.faults, res.midJob = r.faults, r.midJob
	res.duplicated, res.missing = r.effects()
	if n := r.unsent.Load(); n > 0 {
		res.missing = append(res.missing, fmt.Sprintf("%d deliveries no server accepted", n))
	}
	return res
}

// idle reports whether the live server has no job due now.
func (r *run) idle() bool {
	jobs, err := r.cur.h.Server.UnfinishedJobs(context.Background())
	return err == nil && len(jobs) == 0
}

// orphans lists the jobs the database still holds as running, read
// before the next process starts: what the crash interrupted.
func (r *run) orphans() []string {
	db, err := store.Open(context.Background(), r.dbURL)
	if err != nil {
		r.t.Fatalf("open the database: %v", err)
	}
	defer db.Close()
	rows, err := db.Query(context.Background(), `SELECT id, kind, attempt FROM river_job WHERE state = 'running' ORDER BY id`)
	if err != nil {
		r.t.Fatalf("read running jobs: %v", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		var kind string
		var attempt int
		if err := rows.Scan(&id, &kind, &attempt); err != nil {
			r.t.Fatalf("read running jobs: %v", err)
		}
		out = append(out, fmt.Sprintf("%s#%d(attempt %d)", kind, id, attempt))
	}
	return out
}

// unfinished describes every job that did not complete, for a failed run.
func (r *run) unfinished() []string {
	jobs, err := r.cur.h.Server.JobsIn(context.Background(), rivertype.JobStateAvailable, rivertype.JobStateRunning,
		rivertype.JobStateRetryable, rivertype.JobStateScheduled, rivertype.JobStateDiscarded, rivertype.JobStateCancelled)
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	for _, j := range jobs {
		var errs []string
		for _, e := range j.Errors {
			errs = append(errs, fmt.Sprintf("\n      attempt %d: %s", e.Attempt, e.Error))
		}
		last := strings.Join(errs, "")
		out = append(out, fmt.Sprintf("  %s#%d %s attempt %d/%d, scheduled %s from now, args %s, errors:%s",
			j.Kind, j.ID, j.State, j.Attempt, j.MaxAttempts, time.Until(j.ScheduledAt).Round(time.Second), j.EncodedArgs, last))
	}
	return out
}
