package actions

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/postmortem-bot/postmortem-bot/internal/policy"
	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// repoAPI is the part of GitHub the feature uses, for one repository: the
// methods of *repo.Client it calls, so a step can run against a small
// in-memory double as well as against GitHub.
type repoAPI interface {
	Owner() string
	Name() string
	WrittenByApp(author string) bool

	Issue(ctx context.Context, number int) (repo.Issue, error)
	Issues(ctx context.Context, q repo.IssueQuery) ([]repo.Issue, error)
	AppIssuesMarked(ctx context.Context, q repo.IssueQuery, key func(body string) string) (map[string]repo.Issue, error)
	CreateIssue(ctx context.Context, n repo.NewIssue) (repo.Issue, error)
	EditIssue(ctx context.Context, number int, e repo.IssueEdit) (repo.Issue, error)
	AddLabels(ctx context.Context, number int, labels ...string) error

	Comments(ctx context.Context, number int, since time.Time) ([]repo.Comment, error)
	FindMarked(comments []repo.Comment, marker string) (repo.Comment, bool, error)
	MarkedComment(ctx context.Context, number int, marker string, since time.Time) (repo.Comment, bool, error)
	CreateComment(ctx context.Context, number int, body string) (int64, error)
	EditComment(ctx context.Context, id int64, body string) error

	PullFiles(ctx context.Context, number int) ([]repo.PullFile, error)
	PullsReferencing(ctx context.Context, number int) ([]repo.PullRef, error)
	File(ctx context.Context, path, ref string) ([]byte, bool, error)
}

var _ repoAPI = (*repo.Client)(nil)

// session is one job's work in one repository: the repository, its client,
// its policy and a logger, so the feature's steps take only what differs
// between them (like the incident feature's session).
type session struct {
	h   *Handler
	ref repo.Ref
	c   repoAPI
	pol *policy.Policy
	log zerolog.Logger
}

// session opens the repository's client and loads its policy at ref (""
// for the default branch): what every job starts with. A broken policy
// file answers a *policy.Error, which the job's outcome turns into a
// cancelled job (and the daily runs into a skipped repository).
func (h *Handler) session(ctx context.Context, r repo.Ref, ref string) (*session, error) {
	c, err := h.env.Client(r)
	if err != nil {
		return nil, err
	}
	pol, _, err := c.Policy(ctx, ref)
	if err != nil {
		return nil, err
	}
	log := zerolog.Ctx(ctx).With().Str("repository", r.String()).Logger()
	return &session{h: h, ref: r, c: c, pol: pol, log: log}, nil
}

// now is the app's clock.
func (s *session) now() time.Time { return s.h.env.Clock.Now() }

// withIncident runs fn holding the incident's lease (none for number 0), so
// jobs take turns changing its items and writing its tracking comment: two
// items closing at once cannot both post the completion or leave the older
// count behind. It returns lease.ErrBusy while another job holds it.
func (s *session) withIncident(ctx context.Context, number int, fn func() error) error {
	if number != 0 {
		release, err := s.h.records.leaseIncident(ctx, s.ref.RepoID, number, s.now())
		if err != nil {
			return err
		}
		defer release()
	}
	return fn()
}

// fileURL links a file on the repository's default branch.
func (s *session) fileURL(path string) string {
	return fmt.Sprintf("%s/blob/HEAD/%s", s.repoURL(), escapePath(path))
}

// labelURL links the repository's issues carrying the action label.
func (s *session) labelURL() string {
	return fmt.Sprintf("%s/issues?q=%s", s.repoURL(), url.QueryEscape(fmt.Sprintf("is:issue label:%q", s.pol.ActionItems.Label)))
}

func (s *session) repoURL() string {
	return strings.TrimRight(s.h.env.WebURL, "/") + "/" + s.ref.Owner + "/" + s.ref.Name
}
