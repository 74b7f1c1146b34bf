package check

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
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

// review checks the postmortems and policy files one pull request head
// changes and publishes the result, unless the pull request has moved on to
// another head meanwhile.
func (h *Handler) review(ctx context.Context, a ReviewArgs) error {
	log := zerolog.Ctx(ctx)
	client, err := h.env.GitHub.NewInstallationClient(a.InstallationID)
	if err != nil {
		return fmt.Errorf("installation client: %w", err)
	}
	gh := &repoClient{c: client, owner: a.Owner, repo: a.Repo}

	// Listing the files comes first: most pull requests hold no postmortem
	// and no policy change, and for them this is the only request.
	changed, err := gh.changedFiles(ctx, a.Number)
	if err != nil {
		return err
	}
	if len(changed.Markdown) == 0 && len(changed.Policies) == 0 {
		log.Debug().Msg("no Markdown or policy file changed; no postmortem check")
		return nil
	}

	policyChanges := make([]policyChange, 0, len(changed.Policies))
	for _, f := range changed.Policies {
		ch, err := readPolicyChange(ctx, gh.c, a, f.Path)
		if err != nil {
			return err
		}
		policyChanges = append(policyChanges, ch)
	}
	rep, err := h.reviewPostmortems(ctx, gh, a, changed.Markdown)
	if err != nil {
		return err
	}
	if rep.empty() && len(policyChanges) == 0 {
		log.Debug().Int("markdown_files", len(changed.Markdown)).Msg("no postmortem changed; no postmortem check")
		return nil
	}
	return h.publishIfCurrent(ctx, gh, a, withPolicyChanges(rep, policyChanges))
}

// reviewPostmortems checks the changed Markdown files the base branch's
// policy calls postmortems. The report is empty when there are none.
func (h *Handler) reviewPostmortems(ctx context.Context, gh *repoClient, a ReviewArgs, markdown []changedFile) (report, error) {
	if len(markdown) == 0 {
		return report{}, nil
	}
	pol, src, err := policy.Fetch(ctx, gh.c, a.Owner, a.Repo, a.BaseRef)
	var perr *policy.Error
	if errors.As(err, &perr) {
		return policyProblemReport(perr, "", pathsOf(markdown)), nil
	}
	if err != nil {
		return report{}, err
	}
	var postmortems []changedFile
	for _, f := range markdown {
		if pol.MatchesPostmortemPath(f.Path) {
			postmortems = append(postmortems, f)
		}
	}
	if len(postmortems) == 0 {
		return report{}, nil
	}

	cfg, problem, err := h.analysisConfig(ctx, gh, pol, a.BaseRef)
	if err != nil {
		return report{}, err
	}
	if problem != "" {
		return policyProblemReport(nil, problem, pathsOf(postmortems)), nil
	}

	results := make([]analysis.Result, 0, len(postmortems))
	for _, f := range postmortems {
		content, unreadable, err := gh.blob(ctx, f.BlobSHA)
		if err != nil {
			return report{}, fmt.Errorf("read %s: %w", f.Path, err)
		}
		if unreadable != "" {
			results = append(results, unreadableResult(f.Path, unreadable))
			continue
		}
		res, err := analysis.AnalyzeContext(ctx, f.Path, content, cfg, analysis.Budget{})
		if err != nil {
			return report{}, fmt.Errorf("analyse %s: %w", f.Path, err)
		}
		results = append(results, res)
	}
	return buildReport(results, reviewSettings{
		Enforcing: pol.Enforcing(), GuidanceURL: pol.Check.GuidanceURL, Source: src.String(),
	}), nil
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

// pullChanges are the files a pull request adds or changes (not the ones
// it deletes) that the check may review, with the blob holding each at the
// head.
type pullChanges struct {
	Markdown []changedFile
	Policies []changedFile
}

// changedFiles lists the Markdown and policy files a pull request adds or
// changes.
func (g *repoClient) changedFiles(ctx context.Context, number int) (pullChanges, error) {
	var out pullChanges
	opts := &github.ListOptions{PerPage: 100}
	for {
		files, resp, err := g.c.PullRequests.ListFiles(ctx, g.owner, g.repo, number, opts)
		if err != nil {
			return pullChanges{}, fmt.Errorf("list files of pull request #%d: %w", number, err)
		}
		for _, f := range files {
			if f.GetStatus() == "removed" {
				continue
			}
			cf := changedFile{Path: f.GetFilename(), BlobSHA: f.GetSHA()}
			switch {
			case slices.Contains(policy.Paths, cf.Path):
				out.Policies = append(out.Policies, cf)
			case strings.HasSuffix(strings.ToLower(cf.Path), ".md"):
				out.Markdown = append(out.Markdown, cf)
			}
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
