// Package check publishes the `postmortem` check run: it reviews the
// postmortems and the policy file a pull request adds or changes and reports
// on its head.
package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
)

// RunName is the check run's name on GitHub.
const RunName = "postmortem"

// Handler turns pull request and re-run webhooks into review jobs, one per
// (repository, head SHA).
type Handler struct{ env *feature.Env }

// New builds the postmortem check feature.
func New(env *feature.Env) *Handler { return &Handler{env: env} }

// Name is part of each delivery job's uniqueness key.
func (*Handler) Name() string { return "postmortem-check" }

// Events lists the webhooks that can start a review.
func (*Handler) Events() []string {
	return []string{"pull_request", "check_suite", "check_run"}
}

// Wants reads the payload alone: a pull request that may have new content,
// or a re-run someone asked for of this check.
func (*Handler) Wants(d *event.Delivery) bool {
	if d.InstallationID == 0 || d.Owner == "" || d.Repo == "" {
		return false
	}
	targets, err := targetsOf(d)
	return err == nil && len(targets) > 0
}

// WantsOwn takes the pull requests the app opens itself (the incident
// feature's drafts), so reviewers see at once what is still to write.
// Publishing a check run causes no pull_request event, so this cannot loop.
func (h *Handler) WantsOwn(d *event.Delivery) bool {
	return d.Event == "pull_request" && h.Wants(d)
}

// Work records the repository and queues one review per head SHA.
func (h *Handler) Work(ctx context.Context, d *event.Delivery) error {
	if err := h.env.DB.RecordRepository(ctx, d.InstallationID, d.RepoID, d.Owner, d.Repo, h.env.Clock.Now().Unix()); err != nil {
		return err
	}
	targets, err := targetsOf(d)
	if err != nil {
		return fmt.Errorf("read %s delivery %s: %w", d.Event, d.ID, err)
	}
	rerun := ""
	if d.Action == "rerequested" {
		// GitHub expects a fresh run after a re-run request. It is keyed by
		// the request's content, not its delivery id, which the signature
		// does not cover: the same body replayed under new ids is the same
		// request, while a new request differs (another run, a newer suite).
		rerun = rerunKey(d.Payload)
	}
	for _, t := range targets {
		args := ReviewArgs{
			InstallationID: d.InstallationID, RepoID: d.RepoID, Owner: d.Owner, Repo: d.Repo,
			Number: t.Number, HeadSHA: t.HeadSHA, BaseRef: t.BaseRef, Rerun: rerun,
		}
		res, err := h.env.Jobs.Insert(ctx, args, args.insertOpts())
		if err != nil {
			return fmt.Errorf("queue postmortem review of %s/%s#%d at %s: %w", d.Owner, d.Repo, t.Number, t.HeadSHA, err)
		}
		zerolog.Ctx(ctx).Debug().Int("pull", t.Number).Str("head_sha", t.HeadSHA).
			Bool("duplicate", res.UniqueSkippedAsDuplicate).Msg("postmortem review queued")
	}
	return nil
}

// target is one pull request head to review.
type target struct {
	Number  int
	HeadSHA string
	BaseRef string
}

// pullRef is the part of a pull request the payloads share.
type pullRef struct {
	Number int    `json:"number"`
	State  string `json:"state"`
	Head   struct {
		SHA string `json:"sha"`
	} `json:"head"`
	Base struct {
		Ref string `json:"ref"`
	} `json:"base"`
}

type pullRequestPayload struct {
	PullRequest *pullRef `json:"pull_request"`
}

type checkSuitePayload struct {
	CheckSuite *struct {
		HeadSHA      string    `json:"head_sha"`
		PullRequests []pullRef `json:"pull_requests"`
	} `json:"check_suite"`
}

type checkRunPayload struct {
	CheckRun *struct {
		Name         string    `json:"name"`
		HeadSHA      string    `json:"head_sha"`
		PullRequests []pullRef `json:"pull_requests"`
		CheckSuite   *struct {
			PullRequests []pullRef `json:"pull_requests"`
		} `json:"check_suite"`
	} `json:"check_run"`
}

// targetsOf lists the pull request heads a delivery asks to review, at most
// one per head SHA.
func targetsOf(d *event.Delivery) ([]target, error) {
	var out []target
	add := func(p pullRef, headSHA string) {
		if p.Number <= 0 || headSHA == "" || (p.Head.SHA != "" && p.Head.SHA != headSHA) {
			return
		}
		for _, t := range out {
			if t.HeadSHA == headSHA {
				return
			}
		}
		out = append(out, target{Number: p.Number, HeadSHA: headSHA, BaseRef: p.Base.Ref})
	}
	switch d.Event {
	case "pull_request":
		switch d.Action {
		case "opened", "synchronize", "reopened", "edited":
		default:
			return nil, nil
		}
		var p pullRequestPayload
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			return nil, err
		}
		if p.PullRequest != nil && p.PullRequest.State != "closed" {
			add(*p.PullRequest, p.PullRequest.Head.SHA)
		}
	case "check_suite":
		if d.Action != "rerequested" {
			return nil, nil
		}
		var p checkSuitePayload
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			return nil, err
		}
		if p.CheckSuite != nil {
			for _, pr := range p.CheckSuite.PullRequests {
				add(pr, p.CheckSuite.HeadSHA)
			}
		}
	case "check_run":
		if d.Action != "rerequested" {
			return nil, nil
		}
		var p checkRunPayload
		if err := json.Unmarshal(d.Payload, &p); err != nil {
			return nil, err
		}
		if p.CheckRun == nil || p.CheckRun.Name != RunName {
			return nil, nil
		}
		prs := p.CheckRun.PullRequests
		if len(prs) == 0 && p.CheckRun.CheckSuite != nil {
			prs = p.CheckRun.CheckSuite.PullRequests
		}
		for _, pr := range prs {
			add(pr, p.CheckRun.HeadSHA)
		}
	}
	return out, nil
}

// rerunKey identifies a re-run request by its signed content.
func rerunKey(payload []byte) string {
	sum := sha256.Sum256(payload)
	return "rr-" + hex.EncodeToString(sum[:10])
}
