// Package webhook takes GitHub's deliveries: it checks the signature before
// anything else, asks each feature whether it wants the delivery, and stores
// one durable job per interested feature before GitHub gets its answer.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/githubapp"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/metrics"
	"github.com/postmortem-bot/postmortem-bot/internal/queue"
)

// MaxBody is GitHub's cap on a webhook payload.
const MaxBody = 25 << 20

// Intake turns deliveries into jobs.
type Intake struct {
	secret   []byte
	handlers []event.Handler
	jobs     queue.Inserter
	payloads PayloadSaver
	metrics  *metrics.Metrics
	botLogin atomic.Pointer[string]
}

// PayloadSaver stores a delivery's payload for the jobs that refer to it.
type PayloadSaver interface {
	SaveDelivery(ctx context.Context, deliveryID, eventType string, payload []byte, now int64) error
}

// New returns an intake for the features in handlers.
func New(secret string, handlers []event.Handler, jobs queue.Inserter, payloads PayloadSaver, m *metrics.Metrics) *Intake {
	return &Intake{secret: []byte(secret), handlers: handlers, jobs: jobs, payloads: payloads, metrics: m}
}

// SetBotLogin names the app's own bot user ("<slug>[bot]"); deliveries it
// caused are ignored so the app never reacts to itself.
func (in *Intake) SetBotLogin(login string) { in.botLogin.Store(&login) }

// Route mounts the webhook endpoint on r.
func (in *Intake) Route(r gin.IRoutes, path string) {
	dispatcher := githubapp.NewEventDispatcher([]githubapp.EventHandler{in}, string(in.secret),
		githubapp.WithErrorCallback(in.onError),
		githubapp.WithResponseCallback(in.onResponse),
	)
	r.POST(path, in.verify, gin.WrapH(dispatcher))
}

// verify reads the body within GitHub's size cap and checks the HMAC
// signature before anything looks at the payload.
func (in *Intake) verify(c *gin.Context) {
	start := time.Now()
	c.Set("ack_start", start)
	defer func() {
		if in.metrics != nil {
			in.metrics.AckSeconds.WithLabelValues(strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
		}
	}()
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			in.reject(c, http.StatusRequestEntityTooLarge, "payload larger than GitHub's 25 MB cap")
			return
		}
		in.reject(c, http.StatusBadRequest, "could not read the payload")
		return
	}
	sig := c.GetHeader(github.SHA256SignatureHeader)
	if sig == "" {
		in.reject(c, http.StatusUnauthorized, "missing X-Hub-Signature-256")
		return
	}
	if err := github.ValidateSignature(sig, body, in.secret); err != nil {
		in.reject(c, http.StatusUnauthorized, "signature does not match")
		return
	}
	if c.GetHeader("X-GitHub-Event") == "" {
		in.reject(c, http.StatusBadRequest, "missing X-GitHub-Event")
		return
	}
	c.Request = c.Request.WithContext(WithOutcome(c.Request.Context()))
	c.Request.Body = io.NopCloser(bytes.NewReader(body))
	c.Request.ContentLength = int64(len(body))
	c.Next()
}

func (in *Intake) reject(c *gin.Context, status int, reason string) {
	if in.metrics != nil {
		in.metrics.Deliveries.WithLabelValues(eventLabel(c.GetHeader("X-GitHub-Event")), "rejected").Inc()
	}
	zerolog.Ctx(c.Request.Context()).Warn().Int("status", status).Str("delivery_id", c.GetHeader("X-GitHub-Delivery")).Msg("webhook rejected: " + reason)
	c.AbortWithStatusJSON(status, gin.H{"error": reason})
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

// envelope is the part of every payload the intake reads.
type envelope struct {
	Action       string `json:"action"`
	Installation *struct {
		ID int64 `json:"id"`
	} `json:"installation"`
	Repository *struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Owner struct {
			Login string `json:"login"`
		} `json:"owner"`
	} `json:"repository"`
	Sender *struct {
		Login string `json:"login"`
	} `json:"sender"`
}

// errMalformed marks a payload that is not the JSON GitHub sends.
var errMalformed = errors.New("malformed payload")

type outcomeKey struct{}

// Handle stores one job per feature that wants the delivery.
func (in *Intake) Handle(ctx context.Context, eventType, deliveryID string, payload []byte) error {
	var env envelope
	if err := json.Unmarshal(payload, &env); err != nil {
		return fmt.Errorf("%w: %v", errMalformed, err)
	}
	if deliveryID == "" {
		return fmt.Errorf("%w: missing X-GitHub-Delivery", errMalformed)
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
	own := false
	if bot := in.botLogin.Load(); bot != nil && *bot != "" && d.Sender == *bot {
		own = true
	}
	var params []river.InsertManyParams
	for _, h := range in.handlers {
		if !handles(h, eventType) || !wants(h, &d, own) {
			continue
		}
		params = append(params, river.InsertManyParams{Args: queue.EventArgs{Handler: h.Name(), DeliveryID: deliveryID, Delivery: d}})
	}
	if len(params) == 0 {
		if own {
			setOutcome(ctx, "own")
		} else {
			setOutcome(ctx, "ignored")
		}
		return nil
	}
	// The payload is stored first: a job never exists without it. A crash
	// between the two leaves a payload no job refers to (pruned later) and
	// GitHub without an answer, so the delivery can be redelivered.
	if err := in.payloads.SaveDelivery(ctx, deliveryID, eventType, payload, time.Now().Unix()); err != nil {
		return err
	}
	if _, err := in.jobs.InsertMany(ctx, params); err != nil {
		return fmt.Errorf("store delivery %s: %w", deliveryID, err)
	}
	setOutcome(ctx, "queued")
	return nil
}

// wants asks a handler about a delivery; the app's own deliveries go only
// to handlers that ask for them.
func wants(h event.Handler, d *event.Delivery, own bool) bool {
	if !own {
		return h.Wants(d)
	}
	o, ok := h.(event.OwnEvents)
	return ok && o.WantsOwn(d)
}

func handles(h event.Handler, eventType string) bool {
	for _, e := range h.Events() {
		if e == eventType {
			return true
		}
	}
	return false
}

func setOutcome(ctx context.Context, outcome string) {
	if p, ok := ctx.Value(outcomeKey{}).(*string); ok {
		*p = outcome
	}
}

func (in *Intake) onResponse(w http.ResponseWriter, r *http.Request, eventType string, handled bool) {
	outcome := "ignored"
	if p, ok := r.Context().Value(outcomeKey{}).(*string); ok && *p != "" {
		outcome = *p
	}
	if in.metrics != nil {
		in.metrics.Deliveries.WithLabelValues(eventLabel(eventType), outcome).Inc()
	}
	w.Header().Set("Content-Type", "application/json")
	if outcome == "queued" {
		w.WriteHeader(http.StatusAccepted)
	} else {
		w.WriteHeader(http.StatusOK)
	}
	_, _ = fmt.Fprintf(w, "{\"outcome\":%q}\n", outcome)
}

func (in *Intake) onError(w http.ResponseWriter, r *http.Request, err error) {
	log := zerolog.Ctx(r.Context())
	eventType := r.Header.Get("X-GitHub-Event")
	var ve githubapp.ValidationError
	status, reason := http.StatusInternalServerError, "could not store the delivery; redeliver it"
	switch {
	case errors.As(err, &ve):
		status, reason = http.StatusBadRequest, ve.Cause.Error()
	case errors.Is(err, errMalformed):
		status, reason = http.StatusBadRequest, err.Error()
	}
	outcome := "rejected"
	if status >= 500 {
		outcome = "failed"
		log.Error().Err(err).Msg("webhook not stored")
	} else {
		log.Warn().Err(err).Msg("webhook rejected")
	}
	if in.metrics != nil {
		in.metrics.Deliveries.WithLabelValues(eventLabel(eventType), outcome).Inc()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": reason})
}

// WithOutcome prepares a request context to carry the intake's outcome to
// the response callback.
func WithOutcome(ctx context.Context) context.Context {
	var s string
	return context.WithValue(ctx, outcomeKey{}, &s)
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
