package check

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// publish puts rep on the head SHA as the `postmortem` check run. The run's
// external id is a digest of the report, so a repeated review finds its own
// run: one complete and showing is left alone, a partly sent one (the job
// stopped between annotation batches) is finished from where it stopped.
// GitHub shows a head's latest run, so only that one counts as published: a
// result that changed and changed back is published again. Otherwise the
// latest run is updated while it holds no annotations; GitHub only appends
// annotations, so a run that already has some is superseded by a new run
// instead. A re-run request always gets a fresh run.
func (h *Handler) publish(ctx context.Context, gh *repo.Client, a ReviewArgs, rep report) error {
	extID := "pmbot/" + digestOf(rep)
	if a.Rerun != "" {
		extID += "/" + a.Rerun
	}
	runs, err := gh.CheckRuns(ctx, a.HeadSHA, RunName)
	if err != nil {
		return err
	}
	var latest, rerunRun *github.CheckRun
	slug := strings.TrimSuffix(h.env.BotLogin(), "[bot]")
	for _, r := range runs {
		if other := r.GetApp().GetSlug(); slug != "" && other != "" && other != slug {
			continue // another app's run of the same name is not ours to change
		}
		if latest == nil || r.GetID() > latest.GetID() {
			latest = r
		}
		if a.Rerun != "" && r.GetExternalID() == extID {
			rerunRun = r
		}
	}
	// published is this report's run if there is one: for a re-run request
	// its own fresh run, otherwise the latest run when it shows this report
	// (a re-run's fresh run of the same report included).
	published := rerunRun
	if a.Rerun == "" && latest != nil && (latest.GetExternalID() == extID || strings.HasPrefix(latest.GetExternalID(), extID+"/")) {
		published = latest
	}
	log := zerolog.Ctx(ctx)
	var id int64
	start := 0
	switch {
	case published != nil:
		start = min(published.GetOutput().GetAnnotationsCount(), len(rep.Annotations))
		if published.GetStatus() == "completed" && start == len(rep.Annotations) {
			log.Debug().Int64("check_run_id", published.GetID()).Msg("postmortem check run already published")
			return nil
		}
		id = published.GetID()
	case a.Rerun == "" && latest != nil && latest.GetOutput().GetAnnotationsCount() == 0:
		id = latest.GetID()
	}
	id, err = h.send(ctx, gh, a.HeadSHA, id, extID, rep, start)
	if err != nil {
		return err
	}
	log.Info().Int64("check_run_id", id).Str("conclusion", rep.Conclusion).
		Int("annotations", len(rep.Annotations)).Msg("postmortem check run published")
	return nil
}

// send writes rep's annotations from start on in batches GitHub accepts:
// the first request creates the run (id 0) or updates it, the rest update
// it, and only the last one completes it.
func (h *Handler) send(ctx context.Context, gh *repo.Client, sha string, id int64, extID string, rep report, start int) (int64, error) {
	var batches [][]annotation
	for i := start; i < len(rep.Annotations); i += annotationsPerRequest {
		batches = append(batches, rep.Annotations[i:min(i+annotationsPerRequest, len(rep.Annotations))])
	}
	if len(batches) == 0 {
		batches = [][]annotation{nil}
	}
	for i, batch := range batches {
		output := &github.CheckRunOutput{
			Title: github.String(rep.Title), Summary: github.String(rep.Summary), Annotations: toGitHub(batch),
		}
		status, conclusion := github.String("in_progress"), (*string)(nil)
		var completedAt *github.Timestamp
		if i == len(batches)-1 {
			status, conclusion = github.String("completed"), github.String(rep.Conclusion)
			completedAt = &github.Timestamp{Time: h.env.Clock.Now()}
		}
		if id == 0 {
			created, err := gh.CreateCheckRun(ctx, github.CreateCheckRunOptions{
				Name: RunName, HeadSHA: sha, ExternalID: github.String(extID), Status: status,
				Conclusion: conclusion, CompletedAt: completedAt, Output: output,
			})
			if err != nil {
				return 0, err
			}
			id = created
			continue
		}
		err := gh.UpdateCheckRun(ctx, id, github.UpdateCheckRunOptions{
			Name: RunName, ExternalID: github.String(extID), Status: status,
			Conclusion: conclusion, CompletedAt: completedAt, Output: output,
		})
		if err != nil {
			return 0, fmt.Errorf("update check run %d (batch %d of %d): %w", id, i+1, len(batches), err)
		}
	}
	return id, nil
}

func toGitHub(batch []annotation) []*github.CheckRunAnnotation {
	out := make([]*github.CheckRunAnnotation, 0, len(batch))
	for _, a := range batch {
		ga := &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(a.StartLine), EndLine: github.Int(a.EndLine),
			AnnotationLevel: github.String(a.Level), Title: github.String(a.Title), Message: github.String(a.Message),
		}
		if a.StartColumn > 0 {
			ga.StartColumn, ga.EndColumn = github.Int(a.StartColumn), github.Int(a.EndColumn)
		}
		out = append(out, ga)
	}
	return out
}

// digestOf identifies a report's content, for recognising a run already
// published from the same review.
func digestOf(rep report) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00", rep.Conclusion, rep.Title, rep.Summary)
	for _, a := range rep.Annotations {
		fmt.Fprintf(h, "%s\x00%d\x00%d\x00%d\x00%d\x00%s\x00%s\x00%s\x00", a.Path, a.StartLine, a.EndLine, a.StartColumn, a.EndColumn, a.Level, a.Title, a.Message)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}
