// Package webhook takes GitHub's deliveries: it checks the signature while
// reading the body and before anything else, decides from the payload (and
// what it remembers of the repository's policy) which features need work,
// and stores those jobs durably, grouped with concurrent deliveries, before
// GitHub gets its answer.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	gojson "github.com/goccy/go-json"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/policyfacts"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
)

// MaxBody is GitHub's cap on a webhook payload.
const MaxBody = 25 << 20

// Options configure an intake. Secret, Handlers and Writer are required.
type Options struct {
	Secret   string
	Handlers []event.Handler
	// Writer stores deliveries and their jobs (queue.DeliveryWriter).
	Writer  DeliveryWriter
	Metrics *metrics.Metrics
	// Facts remembers repositories' policies so that label changes that
	// concern no feature queue nothing; nil asks every handler's Wants.
	Facts *policyfacts.Cache
	// Priorities rank the jobs (urgent first, bursts after); nil queues
	// every job at River's default priority.
	Priorities *queue.Priorities
	// UnverifiedBytes and UnverifiedRequests bound bodies read before
	// their signature is checked (defaults DefaultUnverifiedBytes and
	// DefaultUnverifiedRequests).
	UnverifiedBytes    int64
	UnverifiedRequests int
}

// Intake turns deliveries into jobs.
type Intake struct {
	secret     []byte
	handlers   []event.Handler
	reads      map[string]bool
	commits    *committer
	metrics    *metrics.Metrics
	facts      *policyfacts.Cache
	priorities *queue.Priorities
	budget     *unverifiedBudget
	botLogin   atomic.Pointer[string]
}

// New returns an intake for the features in o.Handlers. Close stops it.
func New(o Options) *Intake {
	if o.UnverifiedBytes <= 0 {
		o.UnverifiedBytes = DefaultUnverifiedBytes
	}
	if o.UnverifiedRequests <= 0 {
		o.UnverifiedRequests = DefaultUnverifiedRequests
	}
	in := &Intake{
		secret: []byte(o.Secret), handlers: o.Handlers, metrics: o.Metrics, facts: o.Facts, priorities: o.Priorities,
		commits: newCommitter(o.Writer, registry(o.Metrics)),
		budget:  &unverifiedBudget{maxBytes: o.UnverifiedBytes, maxRequests: int64(o.UnverifiedRequests)},
		reads:   map[string]bool{},
	}
	for _, e := range in.Handles() {
		in.reads[e] = true
	}
	if o.Facts != nil {
		// Policy changes and installation changes invalidate what is
		// remembered, whether or not a feature reads these events.
		for _, e := range policyfacts.Events {
			in.reads[e] = true
		}
	}
	return in
}

func registry(m *metrics.Metrics) prometheus.Registerer {
	if m == nil {
		return nil
	}
	return m.Registry
}

// Close stops taking deliveries; waiting requests are answered 500.
func (in *Intake) Close() { in.commits.close() }

// SetBotLogin names the app's own bot user ("<slug>[bot]"); deliveries it
// caused are ignored so the app never reacts to itself.
func (in *Intake) SetBotLogin(login string) { in.botLogin.Store(&login) }

// Route mounts the webhook endpoint on r.
func (in *Intake) Route(r gin.IRoutes, path string) {
	r.POST(path, in.serve)
}

// serve answers one delivery. Everything that can be refused without the
// body is refused before reading it: a missing event header, an event type
// nothing reads (acknowledged, unread), a missing or malformed signature, a
// declared size over GitHub's cap, and too many unverified bodies in flight.
func (in *Intake) serve(c *gin.Context) {
	start := time.Now()
	status := http.StatusOK
	defer func() {
		if in.metrics != nil {
			in.metrics.AckSeconds.WithLabelValues(strconv.Itoa(status)).Observe(time.Since(start).Seconds())
		}
	}()
	eventType := c.GetHeader("X-GitHub-Event")
	if eventType == "" {
		status = in.reject(c, &rejection{http.StatusBadRequest, "missing X-GitHub-Event"})
		return
	}
	if !in.reads[eventType] {
		// Nothing to do whoever sent it: no need to read or verify it.
		status = in.answer(c, eventType, "ignored")
		return
	}
	body, rej := in.readSigned(c.Request)
	if rej != nil {
		if rej == errBusy {
			c.Header("Retry-After", "1")
		}
		status = in.reject(c, rej)
		return
	}
	deliveryID := c.GetHeader("X-GitHub-Delivery")
	if deliveryID == "" {
		status = in.reject(c, &rejection{http.StatusBadRequest, "malformed payload: missing X-GitHub-Delivery"})
		return
	}
	outcome, err := in.Handle(c.Request.Context(), eventType, deliveryID, body)
	switch {
	case errors.Is(err, errMalformed):
		status = in.reject(c, &rejection{http.StatusBadRequest, err.Error()})
	case err != nil:
		zerolog.Ctx(c.Request.Context()).Error().Err(err).Str("delivery_id", deliveryID).Str("event", eventType).Msg("webhook not stored")
		in.count(eventType, "failed")
		status = http.StatusInternalServerError
		c.JSON(status, gin.H{"error": "could not store the delivery; redeliver it"})
	default:
		status = in.answer(c, eventType, outcome)
	}
}

func (in *Intake) answer(c *gin.Context, eventType, outcome string) int {
	in.count(eventType, outcome)
	status := http.StatusOK
	if outcome == "queued" {
		status = http.StatusAccepted
	}
	c.JSON(status, gin.H{"outcome": outcome})
	return status
}

func (in *Intake) reject(c *gin.Context, r *rejection) int {
	outcome := "rejected"
	if r == errBusy {
		outcome = "busy"
	}
	in.count(c.GetHeader("X-GitHub-Event"), outcome)
	zerolog.Ctx(c.Request.Context()).Warn().Int("status", r.status).Str("delivery_id", c.GetHeader("X-GitHub-Delivery")).Msg("webhook rejected: " + r.reason)
	c.AbortWithStatusJSON(r.status, gin.H{"error": r.reason})
	return r.status
}

func (in *Intake) count(eventType, outcome string) {
	if in.metrics != nil {
		in.metrics.Deliveries.WithLabelValues(eventLabel(eventType), outcome).Inc()
	}
}

// Handles lists every event some feature reads.
func (in *Intake) Handles() []string {
	seen := map[string]bool{}
	var out []string
	for _, h := range in.handlers {
		for _, e := range h.Events() {
			if !seen[e] {
				seen[e] = true
				out = append(out, e)
			}
		}
	}
	sort.Strings(out)
	return out
}

// envelope is every part of a payload the intake reads, decoded once.
type envelope struct {
	Action       string `json:"action"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
	Repository *struct {
		ID            int64  `json:"id"`
		Name          string `json:"name"`
		DefaultBranch string `json:"default_branch"`
		Owner         struct {
			Login string `json:"login"`
		} `json:"owner"`
	} `json:"repository"`
	Sender *struct {
		Login string `json:"login"`
	} `json:"sender"`
	Label *struct {
		Name string `json:"name"`
	} `json:"label"`
	Issue *struct {
		Number int `json:"number"`
		Labels []struct {
			Name string `json:"name"`
		} `json:"labels"`
		PullRequest json.RawMessage `json:"pull_request"`
	} `json:"issue"`
	// push
	Ref     string `json:"ref"`
	Commits []struct {
		Added    []string `json:"added"`
		Removed  []string `json:"removed"`
		Modified []string `json:"modified"`
	} `json:"commits"`
	Size int `json:"size"`
}

// errMalformed marks a payload that is not the JSON GitHub sends.
var errMalformed = errors.New("malformed payload")

// errStopped answers deliveries that arrive while the server stops.
var errStopped = errors.New("the server is stopping")

// Handle stores one job per feature that wants the delivery and says what
// became of it: "queued", "ignored", or "own" (caused by the app itself).
// It returns once the jobs are durable.
func (in *Intake) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) (string, error) {
	var env envelope
	// goccy/go-json scans the payload once where encoding/json scans it
	// twice (validate, then decode): about half the CPU of an
	// acknowledgement on GitHub's 14 KB issues example.
	if err := gojson.Unmarshal(payload, &env); err != nil {
		return "", fmt.Errorf("%w: %v", errMalformed, err)
	}
	if deliveryID == "" {
		return "", fmt.Errorf("%w: missing X-GitHub-Delivery", errMalformed)
	}
	d := event.Delivery{ID: deliveryID, Event: eventType, Action: env.Action, Payload: payload}
	if env.Installation != nil {
		d.InstallationID = env.Installation.ID
	}
	if env.Repository != nil {
		d.RepoID, d.Owner, d.Repo = env.Repository.ID, env.Repository.Owner.Login, env.Repository.Name
	}
	if env.Sender != nil {
		d.Sender = env.Sender.Login
	}
	if env.Label != nil {
		d.Summary.Label = env.Label.Name
	}
	if env.Issue != nil {
		d.Summary.IssueNumber = env.Issue.Number
		d.Summary.PullRequest = len(env.Issue.PullRequest) > 0 && string(env.Issue.PullRequest) != "null"
		for _, l := range env.Issue.Labels {
			d.Summary.IssueLabels = append(d.Summary.IssueLabels, l.Name)
		}
	}
	in.invalidate(&d, &env)

	own := false
	if bot := in.botLogin.Load(); bot != nil && *bot != "" && d.Sender == *bot {
		own = true
	}
	facts := in.factsFor(&d)
	var jobs []river.InsertManyParams
	for _, h := range in.handlers {
		if !handles(h, eventType) {
			continue
		}
		want, undecided := wants(h, &d, own, facts)
		if !want {
			continue
		}
		args := queue.EventArgs{Handler: h.Name(), DeliveryID: deliveryID, Delivery: d}
		jobs = append(jobs, river.InsertManyParams{Args: args, InsertOpts: in.insertOpts(&d, undecided)})
	}
	if len(jobs) == 0 {
		if own {
			return "own", nil
		}
		return "ignored", nil
	}
	// The payload and its jobs are written in one transaction (with the
	// deliveries that arrived at the same time): a job never exists without
	// its payload, and a crash before the commit leaves GitHub without an
	// answer, so the delivery can be redelivered.
	err := in.commits.store(ctx, queue.StoredDelivery{ID: deliveryID, Event: eventType, Payload: payload, ReceivedAt: time.Now().Unix(), Jobs: jobs})
	if err != nil {
		return "", fmt.Errorf("store delivery %s: %w", deliveryID, err)
	}
	return "queued", nil
}

// insertOpts ranks a job; undecided says it is queued only because the
// repository's policy is not known yet (see queue.ForUndecided).
func (in *Intake) insertOpts(d *event.Delivery, undecided bool) *river.InsertOpts {
	if in.priorities == nil {
		return nil
	}
	if undecided {
		return &river.InsertOpts{Priority: queue.ForUndecided(d)}
	}
	return &river.InsertOpts{Priority: in.priorities.ForDelivery(d)}
}

// factsFor returns a lazy lookup of the repository's policy facts: only a
// handler that depends on them asks, so other events cost no policy read.
func (in *Intake) factsFor(d *event.Delivery) func() (event.PolicyFacts, bool) {
	var (
		asked bool
		facts event.PolicyFacts
		fresh bool
	)
	return func() (event.PolicyFacts, bool) {
		if in.facts == nil || d.InstallationID == 0 || d.RepoID == 0 {
			return event.PolicyFacts{}, false
		}
		if !asked {
			asked = true
			facts, fresh = in.facts.Lookup(d.InstallationID, d.RepoID, d.Owner, d.Repo)
		}
		return facts, fresh
	}
}

// invalidate tells the policy facts about pushes that may change a policy
// and about installation changes.
func (in *Intake) invalidate(d *event.Delivery, env *envelope) {
	if in.facts == nil {
		return
	}
	switch d.Event {
	case "push":
		if env.Repository == nil {
			return
		}
		p := policyfacts.Push{
			RepoID: d.RepoID, Owner: d.Owner, Repo: d.Repo, Ref: env.Ref, DefaultBranch: env.Repository.DefaultBranch,
			// GitHub lists at most 20 commits (and no files for some
			// pushes): when the list may be partial, every path may have changed.
			Complete: len(env.Commits) < 20 && (env.Size == 0 || env.Size == len(env.Commits)),
		}
		for _, c := range env.Commits {
			p.Paths = append(p.Paths, c.Added...)
			p.Paths = append(p.Paths, c.Removed...)
			p.Paths = append(p.Paths, c.Modified...)
		}
		in.facts.Pushed(p)
	case "installation", "installation_repositories", "installation_target":
		in.facts.InstallationChanged(d.InstallationID)
	case "repository":
		in.facts.Forget(d.RepoID)
	}
}

// wants asks a handler about a delivery; the app's own deliveries go only
// to handlers that ask for them. A handler whose interest depends on the
// policy decides with the remembered facts when they are fresh; when they
// are not, the delivery is wanted as without a cache and undecided is true.
func wants(h event.Handler, d *event.Delivery, own bool, facts func() (event.PolicyFacts, bool)) (want, undecided bool) {
	if own {
		o, ok := h.(event.OwnEvents)
		return ok && o.WantsOwn(d), false
	}
	if pw, ok := h.(event.PolicyWants); ok && pw.DependsOnPolicy(d) {
		if f, fresh := facts(); fresh {
			return pw.WantsUnder(d, f), false
		}
		want = h.Wants(d)
		return want, want
	}
	return h.Wants(d), false
}

func handles(h event.Handler, eventType string) bool {
	for _, e := range h.Events() {
		if e == eventType {
			return true
		}
	}
	return false
}

// eventLabel keeps metric label values bounded: arbitrary header values
// from unsigned requests must not create new series.
func eventLabel(e string) string {
	switch e {
	case "issues", "issue_comment", "pull_request", "check_run", "check_suite", "installation",
		"installation_repositories", "ping", "push", "pull_request_review", "status", "label":
		return e
	case "":
		return "none"
	default:
		return "other"
	}
}
