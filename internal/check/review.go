package check

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// changedFile is a file a pull request adds or changes.
type changedFile struct {
	Path    string
	BlobSHA string
}

// review checks the postmortems of one pull request head and publishes the
// result, unless the pull request has moved on to another head meanwhile.
func (h *Handler) review(ctx context.Context, a ReviewArgs) error {
	log := zerolog.Ctx(ctx)
	client, err := h.env.GitHub.NewInstallationClient(a.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client: %w", err)
	}
	gh := &repoClient{c: client, owner: a.Owner, repo: a.Repo}

	// Listing the files comes first: most pull requests hold no postmortem,
	// and for them this is the only request.
	changed, err := gh.changedMarkdown(ctx, a.Number)
	if err != nil {
		return err
	}
	if len(changed) == 0 {
		log.Debug().Msg("no Markdown file changed; no postmortem check")
		return nil
	}

	pol, src, err := policy.Fetch(ctx, client, a.Owner, a.Repo, a.BaseRef)
	var perr *policy.Error
	if errors.As(err, &perr) {
		return h.publishIfCurrent(ctx, gh, a, policyProblemReport(perr, "", pathsOf(changed)))
	}
	if err != nil {
		return err
	}
	var postmortems []changedFile
	for _, f := range changed {
		if pol.MatchesPostmortemPath(f.Path) {
			postmortems = append(postmortems, f)
		}
	}
	if len(postmortems) == 0 {
		log.Debug().Int("markdown_files", len(changed)).Msg("no postmortem changed; no postmortem check")
		return nil
	}

	cfg, problem, err := h.analysisConfig(ctx, gh, pol, a.BaseRef)
	if err != nil {
		return err
	}
	if problem != "" {
		return h.publishIfCurrent(ctx, gh, a, policyProblemReport(nil, problem, pathsOf(postmortems)))
	}

	results := make([]analysis.Result, 0, len(postmortems))
	for _, f := range postmortems {
		content, unreadable, err := gh.blob(ctx, f.BlobSHA)
		if err != nil {
			return fmt.Errorf("read %s: %w", f.Path, err)
		}
		if unreadable != "" {
			results = append(results, unreadableResult(f.Path, unreadable))
			continue
		}
		results = append(results, analysis.Analyze(f.Path, content, cfg))
	}
	rep := buildReport(results, reviewSettings{
		Enforcing: pol.Enforcing(), GuidanceURL: pol.Check.GuidanceURL, Source: src.String(),
	})
	return h.publishIfCurrent(ctx, gh, a, rep)
}

// analysisConfig builds the analysis configuration, fetching the policy's
// own template when it names one. problem explains a template that cannot
// be used.
func (h *Handler) analysisConfig(ctx context.Context, gh *repoClient, pol *policy.Policy, ref string) (analysis.Config, string, error) {
	if pol.Postmortem.Template == "" {
		cfg, err := pol.AnalysisConfig()
		if err != nil {
			return analysis.Config{}, fmt.Sprintf("The policy's language rules cannot be used: %v", err), nil
		}
		return cfg, "", nil
	}
	tmpl, found, err := gh.fileAt(ctx, pol.Postmortem.Template, ref)
	if err != nil {
		return analysis.Config{}, "", err
	}
	if !found {
		return analysis.Config{}, fmt.Sprintf("`postmortem.template` names `%s`, which does not exist on the base branch.", pol.Postmortem.Template), nil
	}
	cfg, err := pol.AnalysisConfigForTemplate(string(tmpl))
	if err != nil {
		return analysis.Config{}, fmt.Sprintf("The template `%s` cannot be used: %v", pol.Postmortem.Template, err), nil
	}
	return cfg, "", nil
}

// publishIfCurrent publishes rep on the review's head SHA unless the pull
// request's head has moved: a newer head has a review of its own, and an
// outdated one must not be reported as if it were current.
func (h *Handler) publishIfCurrent(ctx context.Context, gh *repoClient, a ReviewArgs, rep report) error {
	head, err := gh.headSHA(ctx, a.Number)
	if err != nil {
		return err
	}
	if head != a.HeadSHA {
		zerolog.Ctx(ctx).Info().Str("current_head_sha", head).Msg("pull request moved to a newer head; dropping this review")
		return nil
	}
	return h.publish(ctx, gh, a, rep)
}

func unreadableResult(path, why string) analysis.Result {
	return analysis.Result{File: path, Findings: []analysis.Finding{{
		File: path, Line: 1, Column: 1, Rule: analysis.RuleFileUnreadable, Severity: analysis.SeverityError,
		Message: why, Suggestion: "Postmortems must be UTF-8 Markdown text small enough to review.",
	}}}
}

func pathsOf(files []changedFile) []string {
	out := make([]string, len(files))
	for i, f := range files {
		out[i] = f.Path
	}
	return out
}

// repoClient is the narrow view of GitHub a review needs.
type repoClient struct {
	c           *github.Client
	owner, repo string
}

// changedMarkdown lists the Markdown files a pull request adds or changes
// (not the ones it deletes), with the blob holding each at its head.
func (g *repoClient) changedMarkdown(ctx context.Context, number int) ([]changedFile, error) {
	var out []changedFile
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := g.c.PullRequests.ListFiles(ctx, g.owner, g.repo, number, opts)
		if err != nil {
			return nil, fmt.Errorf("list files of pull request #%d: %w", number, err)
		}
		for _, f := range files {
			if f.GetStatus() == "removed" || !strings.HasSuffix(strings.ToLower(f.GetFilename()), ".md") {
				continue
			}
			out = append(out, changedFile{Path: f.GetFilename(), BlobSHA: f.GetSHA()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opts.Page = resp.NextPage
	}
}

// blob reads a file's content through the git blobs API, which serves files
// up to 100 MB (the contents API stops at 1 MB). unreadable explains content
// that cannot be reviewed.
func (g *repoClient) blob(ctx context.Context, sha string) (content []byte, unreadable string, err error) {
	if sha == "" {
		return nil, "GitHub listed the file without its content's SHA, so it could not be read.", nil
	}
	b, _, err := g.c.Git.GetBlob(ctx, g.owner, g.repo, sha)
	if ghclient.IsNotFound(err) || ghclient.IsStatus(err, 403) && strings.Contains(err.Error(), "too_large") {
		return nil, fmt.Sprintf("GitHub could not serve the file's content (blob %s): %v", sha, err), nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("read blob %s: %w", sha, err)
	}
	switch b.GetEncoding() {
	case "base64":
		data, derr := base64.StdEncoding.DecodeString(strings.ReplaceAll(b.GetContent(), "\n", ""))
		if derr != nil {
			return nil, fmt.Sprintf("GitHub's copy of the file could not be decoded: %v", derr), nil
		}
		return data, "", nil
	case "utf-8", "":
		return []byte(b.GetContent()), "", nil
	default:
		return nil, fmt.Sprintf("GitHub returned the file in an unknown encoding %q.", b.GetEncoding()), nil
	}
}

// fileAt reads a small file (a template) at ref.
func (g *repoClient) fileAt(ctx context.Context, path, ref string) ([]byte, bool, error) {
	fc, _, _, err := g.c.Repositories.GetContents(ctx, g.owner, g.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if ghclient.IsNotFound(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s at %q: %w", path, ref, err)
	}
	if fc == nil {
		return nil, false, nil
	}
	s, err := fc.GetContent()
	if err != nil {
		return nil, false, fmt.Errorf("decode %s: %w", path, err)
	}
	return []byte(s), true, nil
}

// headSHA is the pull request's current head.
func (g *repoClient) headSHA(ctx context.Context, number int) (string, error) {
	pr, _, err := g.c.PullRequests.Get(ctx, g.owner, g.repo, number)
	if err != nil {
		return "", fmt.Errorf("get pull request #%d: %w", number, err)
	}
	return pr.GetHead().GetSHA(), nil
}
