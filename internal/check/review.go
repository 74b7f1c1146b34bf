package check

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
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
	gh, err := h.env.Client(repo.Ref{InstallationID: a.InstallationID, RepoID: a.RepoID, Owner: a.Owner, Name: a.Repo})
	if err != nil {
		return err
	}

	// Listing the files comes first: most pull requests hold no postmortem
	// and no policy change, and for them this is the only request.
	changed, err := changedFiles(ctx, gh, a.Number)
	if err != nil {
		return err
	}
	if len(changed.Markdown) == 0 && len(changed.Policies) == 0 {
		log.Debug().Msg("no Markdown or policy file changed; no postmortem check")
		return nil
	}

	policyChanges := make([]policyChange, 0, len(changed.Policies))
	for _, f := range changed.Policies {
		ch, err := readPolicyChange(ctx, gh, a, f.Path)
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
func (h *Handler) reviewPostmortems(ctx context.Context, gh *repo.Client, a ReviewArgs, markdown []changedFile) (report, error) {
	if len(markdown) == 0 {
		return report{}, nil
	}
	pol, src, err := gh.Policy(ctx, a.BaseRef)
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
		// A file over the limit is reported from the length GitHub
		// announces, without its content ever being read.
		content, size, unreadable, err := gh.Blob(ctx, f.BlobSHA, analysis.MaxFileSize)
		if err != nil {
			return report{}, fmt.Errorf("read %s: %w", f.Path, err)
		}
		if size > analysis.MaxFileSize {
			results = append(results, tooLarge(f.Path, size))
			continue
		}
		if unreadable != "" {
			results = append(results, unreadableResult(f.Path, unreadable))
			continue
		}
		res, err := analysis.AnalyzeContext(ctx, f.Path, content, cfg, analysis.Budget{})
		if err != nil {
			return report{}, fmt.Errorf("analyse %s: %w", f.Path, err)
		}
		results = append(results, withItemCap(res, pol.ActionItems.MaxPerPostmortem))
	}
	return buildReport(results, reviewSettings{
		Enforcing: pol.Enforcing(), GuidanceURL: pol.Check.GuidanceURL, Source: src.String(),
	}), nil
}

// analysisConfig builds the analysis configuration, fetching the policy's
// own template when it names one. problem explains a template that cannot
// be used.
func (h *Handler) analysisConfig(ctx context.Context, gh *repo.Client, pol *policy.Policy, ref string) (analysis.Config, string, error) {
	if pol.Postmortem.Template == "" {
		cfg, err := pol.AnalysisConfig()
		if err != nil {
			return analysis.Config{}, fmt.Sprintf("The policy's language rules cannot be used: %v", err), nil
		}
		return cfg, "", nil
	}
	tmpl, found, err := gh.File(ctx, pol.Postmortem.Template, ref)
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
func (h *Handler) publishIfCurrent(ctx context.Context, gh *repo.Client, a ReviewArgs, rep report) error {
	pr, err := gh.Pull(ctx, a.Number)
	if err != nil {
		return err
	}
	head := pr.HeadSHA
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

// pullChanges are the files a pull request adds or changes (not the ones
// it deletes) that the check may review, with the blob holding each at the
// head.
type pullChanges struct {
	Markdown []changedFile
	Policies []changedFile
}

// changedFiles lists the Markdown and policy files a pull request adds or
// changes.
func changedFiles(ctx context.Context, gh *repo.Client, number int) (pullChanges, error) {
	files, err := gh.PullFiles(ctx, number)
	if err != nil {
		return pullChanges{}, err
	}
	var out pullChanges
	for _, f := range files {
		if f.Removed() {
			continue
		}
		cf := changedFile{Path: f.Path, BlobSHA: f.BlobSHA}
		switch {
		case slices.Contains(policy.Paths, cf.Path):
			out.Policies = append(out.Policies, cf)
		case strings.HasSuffix(strings.ToLower(cf.Path), ".md"):
			out.Markdown = append(out.Markdown, cf)
		}
	}
	return out, nil
}

// RuleTooManyActionItems is the finding for a postmortem listing more
// action items than its policy allows.
const RuleTooManyActionItems = "action-items-over-limit"

// withItemCap adds an error to a postmortem listing more action items than
// max: on merge the app opens issues for the first max only, so the
// authors hear it before the merge, not after.
func withItemCap(res analysis.Result, max int) analysis.Result {
	if max <= 0 || len(res.ActionItems) <= max {
		return res
	}
	first := res.ActionItems[max]
	res.Findings = append(res.Findings, analysis.Finding{
		File: res.File, Line: max1(first.Line), Column: 1, Rule: RuleTooManyActionItems, Severity: analysis.SeverityError,
		Message: fmt.Sprintf("The postmortem lists %d action items; the policy allows at most %d (action_items.max_per_postmortem), so items from here on would get no issue.",
			len(res.ActionItems), max),
		Suggestion: "Group related actions into one item, or raise action_items.max_per_postmortem in .github/postmortem.yml.",
	})
	return res
}

func max1(n int) int { return max(n, 1) }

// tooLarge is the finding for a postmortem over the analysis limit, made
// from its size at the head without downloading it.
func tooLarge(path string, size int64) analysis.Result {
	return analysis.Result{File: path, Findings: []analysis.Finding{{
		File: path, Line: 1, Column: 1, Rule: analysis.RuleFileTooLarge, Severity: analysis.SeverityError,
		Message:    fmt.Sprintf("File too large to analyse: %d bytes, limit %d.", size, analysis.MaxFileSize),
		Suggestion: "Move logs and large attachments out of the postmortem and link to them.",
	}}}
}
