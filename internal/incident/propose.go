package incident

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/draft"
	"github.com/postmortem-bot/postmortem-bot/internal/marker"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// proposal is the incident's postmortem pull request.
type proposal struct {
	PRNumber int
	Path     string
	Created  bool // this job opened the pull request
}

// propose makes sure the incident has its postmortem branch, file, pull
// request and incident comment, adopting whatever an earlier attempt left.
// Every step checks before it creates: the PR is found by its head branch,
// the branch by name, the file by path, the comment by its marker.
func (s *session) propose(ctx context.Context, p *policy.Policy) (proposal, error) {
	events, err := s.timeline(ctx)
	if err != nil {
		return proposal{}, err
	}
	inc := readRecord(s.issue, events, s.api.FullName(), p, s.api.BotLogin())
	rel, err := s.lookBack(ctx, p, &inc)
	if err != nil {
		return proposal{}, err
	}
	tmpl, perr, err := s.template(ctx, p)
	if err != nil {
		return proposal{}, err
	}
	if perr != nil {
		return proposal{}, s.reportConfigError(ctx, perr)
	}
	content, err := draft.RenderContext(ctx, tmpl, inc)
	if err != nil && ctx.Err() != nil {
		// The job ran out of time or was stopped: not the template's fault.
		return proposal{}, fmt.Errorf("render the postmortem draft for %s: %w", s.key, err)
	}
	if err != nil {
		return proposal{}, s.reportConfigError(ctx, &policy.Error{File: p.Postmortem.Template, Key: "postmortem.template", Message: err.Error()})
	}
	path, err := p.PostmortemPath(inc.FileNameData())
	if err != nil {
		return proposal{}, s.reportConfigError(ctx, &policy.Error{File: policy.Paths[0], Key: "postmortem.filename", Message: err.Error()})
	}
	branch := p.Postmortem.BranchPrefix + strconv.Itoa(inc.Number)
	out := proposal{Path: path}

	pr, found, err := s.api.PullFrom(ctx, branch)
	if err != nil {
		return out, err
	}
	if !found {
		if path, err = s.commitDraft(ctx, p, inc, branch, path, content); err != nil {
			return out, err
		}
		out.Path = path
		pr, err = s.api.OpenPull(ctx, repo.NewPull{Head: branch, Base: s.defaultBranch, Title: pullTitle(inc), Body: pullBody(inc, p, path)})
		if repo.IsRefused(err) {
			// Opened meanwhile (by a person, or an attempt that lost its answer).
			if pr, found, err = s.api.PullFrom(ctx, branch); err == nil && !found {
				err = fmt.Errorf("open postmortem PR for %s: GitHub refused it and no PR comes from %s", s.key, branch)
			}
		} else if err == nil {
			out.Created = true
		}
		if err != nil {
			return out, err
		}
	} else {
		s.log.Info().Int("pull", pr.Number).Msg("adopting the existing postmortem pull request")
		// The incident may have been retitled since: name the file the PR holds.
		if path, err = s.proposedPath(ctx, p, pr.Number, path); err != nil {
			return out, err
		}
		out.Path = path
	}
	out.PRNumber = pr.Number
	if err := s.finishPull(ctx, p, pr, inc); err != nil {
		return out, err
	}
	if err := s.upsertComment(ctx, incidentPRMarker, incidentComment(inc, p, out.PRNumber, path)); err != nil {
		return out, fmt.Errorf("link postmortem PR from %s: %w", s.key, err)
	}
	if err := s.noteRepeat(ctx, rel); err != nil {
		return out, err
	}
	if err := s.clearConfigError(ctx); err != nil {
		return out, err
	}
	state := stateProposed
	if pr.State == "closed" {
		state = stateSettled
	}
	if err := s.h.db.setState(ctx, s.key, state, out.PRNumber, s.h.env.Clock.Now()); err != nil {
		return out, err
	}
	s.log.Info().Int("pull", out.PRNumber).Bool("created", out.Created).Str("path", path).Msg("postmortem proposed")
	return out, nil
}

// template returns the policy's template, or a problem to report when the
// repository's template is missing.
func (s *session) template(ctx context.Context, p *policy.Policy) (string, *policy.Error, error) {
	if p.Postmortem.Template == "" {
		t, err := draft.DefaultTemplate()
		return t, nil, err
	}
	text, found, err := s.api.File(ctx, p.Postmortem.Template, s.defaultBranch)
	if err != nil {
		return "", nil, err
	}
	if !found {
		return "", &policy.Error{File: policy.Paths[0], Key: "postmortem.template",
			Message: fmt.Sprintf("the template %s does not exist on %s", p.Postmortem.Template, s.defaultBranch)}, nil
	}
	return string(text), nil, nil
}

// commitDraft creates the branch from the default branch and commits the
// draft to it, unless an earlier attempt already did either. It returns the
// path of the draft on the branch: an earlier attempt's file is adopted even
// when the incident was retitled since and its file name would differ.
func (s *session) commitDraft(ctx context.Context, p *policy.Policy, inc draft.Incident, branch, path string, content []byte) (string, error) {
	base, err := s.api.BranchSHA(ctx, s.defaultBranch)
	if err != nil {
		return "", err
	}
	err = s.api.CreateBranch(ctx, branch, base)
	if errors.Is(err, repo.ErrBranchExists) {
		existing, err := s.draftOnBranch(ctx, p, inc.Number, base, branch, path)
		if err != nil {
			return "", err
		}
		if existing != "" {
			s.log.Info().Str("branch", branch).Str("path", existing).Msg("adopting the existing postmortem branch and draft")
			return existing, nil
		}
		s.log.Info().Str("branch", branch).Msg("adopting the existing postmortem branch")
	} else if err != nil {
		return "", err
	}
	return s.createDraftFile(ctx, inc, branch, path, withDraftMarker(content, inc.Number))
}

// maxDraftSuffix bounds the search for a free file name.
const maxDraftSuffix = 20

// createDraftFile commits the draft at path, or, when the branch already
// holds a file there that belongs to another incident (two incidents titled
// alike on the same day, the first one merged), at path with the first free
// suffix: name-2.md, name-3.md... A file carrying this incident's marker is
// this incident's draft and is adopted.
func (s *session) createDraftFile(ctx context.Context, inc draft.Incident, branch, path string, content []byte) (string, error) {
	err := s.api.CreateFile(ctx, branch, path, commitMessage(inc), content)
	if err == nil || !repo.IsRefused(err) {
		return path, err
	}
	// GitHub refuses to create a file that exists without its sha.
	text, found, ferr := s.api.File(ctx, path, branch)
	if ferr != nil {
		return "", ferr
	}
	if !found {
		return "", err
	}
	if isDraftOf(text, inc.Number) {
		return path, nil
	}
	for i := 2; i <= maxDraftSuffix; i++ {
		candidate := suffixedPath(path, i)
		text, found, err := s.api.File(ctx, candidate, branch)
		if err != nil {
			return "", err
		}
		if found && isDraftOf(text, inc.Number) {
			return candidate, nil
		}
		if found {
			continue
		}
		s.log.Info().Str("taken", path).Str("path", candidate).Msg("another incident's postmortem has this file name; using a suffix")
		return candidate, s.api.CreateFile(ctx, branch, candidate, commitMessage(inc), content)
	}
	return "", fmt.Errorf("commit postmortem draft for %s: %s and its %d suffixed names are taken by other postmortems", s.key, path, maxDraftSuffix)
}

// suffixedPath is path with -n before its .md extension.
func suffixedPath(path string, n int) string {
	return strings.TrimSuffix(path, ".md") + "-" + strconv.Itoa(n) + ".md"
}

// withDraftMarker ends a draft with the hidden line naming its incident: it
// tells this incident's draft from another's with the same file name.
func withDraftMarker(content []byte, number int) []byte {
	out := append([]byte(nil), content...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return append(out, "\n"+marker.DraftOf(number)+"\n"...)
}

// isDraftOf reports whether a postmortem file is the app's draft for the
// incident.
func isDraftOf(text []byte, number int) bool {
	return bytes.Contains(text, []byte(marker.DraftOf(number)))
}

// draftOnBranch finds the postmortem an earlier attempt committed to the
// branch: the file at path when it carries this incident's marker (a file
// the branch inherited from the default branch belongs to another
// incident), or else a postmortem file the branch adds to the default
// branch. It returns "" when the branch holds no draft.
func (s *session) draftOnBranch(ctx context.Context, p *policy.Policy, number int, base, branch, path string) (string, error) {
	text, found, err := s.api.File(ctx, path, branch)
	if err != nil {
		return "", err
	}
	if found && isDraftOf(text, number) {
		return path, nil
	}
	// Trees are read by commit: a branch name with a slash is not a valid tree reference.
	head, err := s.api.BranchSHA(ctx, branch)
	if err != nil {
		return "", err
	}
	added, err := s.api.FilesAdded(ctx, base, head, p.MatchesPostmortemPath)
	if err != nil {
		return "", err
	}
	if len(added) > 1 {
		s.log.Warn().Strs("files", added).Msg("the postmortem branch adds several postmortems; adopting the first")
	}
	if len(added) == 0 {
		return "", nil
	}
	return added[0], nil
}

// proposedPath is the postmortem file an existing pull request adds, or
// fallback when it adds none (someone removed or renamed it).
func (s *session) proposedPath(ctx context.Context, p *policy.Policy, number int, fallback string) (string, error) {
	all, err := s.api.PullFiles(ctx, number)
	if err != nil {
		return "", err
	}
	var files []string
	for _, f := range all {
		if f.Status == "added" {
			files = append(files, f.Path)
		}
	}
	for _, f := range files {
		if f == fallback {
			return f, nil
		}
	}
	for _, f := range files {
		if p.MatchesPostmortemPath(f) {
			return f, nil
		}
	}
	return fallback, nil
}

// finishPull adds the labels, assignees and reviewers the PR is missing.
func (s *session) finishPull(ctx context.Context, p *policy.Policy, pr repo.Pull, inc draft.Incident) error {
	add := pullAdditions(pr, p, inc.Responders)
	if add.Labels != nil || add.Assignees != nil {
		if _, err := s.api.EditIssue(ctx, pr.Number, repo.IssueEdit{Labels: add.Labels, Assignees: add.Assignees}); err != nil {
			return fmt.Errorf("set labels and assignees of %s's postmortem PR: %w", s.key, err)
		}
	}
	if len(add.Reviewers)+len(add.TeamReviewers) == 0 {
		return nil
	}
	err := s.api.RequestReviews(ctx, pr.Number, add.Reviewers, add.TeamReviewers)
	if repo.IsRefused(err) {
		// A reviewer who is not a collaborator must not block the draft.
		s.log.Warn().Err(err).Strs("reviewers", add.Reviewers).Strs("teams", add.TeamReviewers).Msg("GitHub refused the configured reviewers")
		return nil
	}
	return err
}

// union appends to have what it lacks from want, ignoring case.
func union(have, want []string) ([]string, bool) {
	out := append([]string(nil), have...)
	added := false
	for _, w := range want {
		if w == "" || hasLabel(out, w) {
			continue
		}
		out = append(out, w)
		added = true
	}
	return out, added
}

func containsLogin(users []string, login string) bool {
	for _, u := range users {
		if strings.EqualFold(u, strings.TrimPrefix(login, "@")) {
			return true
		}
	}
	return false
}

func containsTeam(teams []string, slug string) bool {
	if _, after, ok := strings.Cut(slug, "/"); ok {
		slug = after
	}
	for _, t := range teams {
		if strings.EqualFold(t, slug) {
			return true
		}
	}
	return false
}

// clearConfigError marks an earlier configuration error as fixed.
func (s *session) clearConfigError(ctx context.Context) error {
	comments, err := s.comments(ctx)
	if err != nil {
		return err
	}
	c, ok, err := s.api.FindMarked(comments, configErrorMarker)
	if err != nil || !ok || c.Body == configFixedComment() {
		return err
	}
	return s.api.EditComment(ctx, c.ID, configFixedComment())
}
