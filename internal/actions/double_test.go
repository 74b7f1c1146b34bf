package actions

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/repo"
)

// memRepo is a small in-memory repository behind repoAPI, for testing a
// step's decisions without a server. It applies the app's authorship rule
// as the real client does.
type memRepo struct {
	bot      string
	issues   []repo.Issue
	comments map[int][]repo.Comment
	edits    []int // issue numbers edited, in order
	created  []repo.NewIssue
}

var _ repoAPI = (*memRepo)(nil)

func (m *memRepo) Owner() string { return "acme" }
func (m *memRepo) Name() string  { return "shop" }
func (m *memRepo) WrittenByApp(author string) bool {
	return m.bot != "" && strings.EqualFold(author, m.bot)
}

func (m *memRepo) Issue(_ context.Context, n int) (repo.Issue, error) {
	for _, i := range m.issues {
		if i.Number == n {
			return i, nil
		}
	}
	return repo.Issue{}, &notFound{}
}

func (m *memRepo) Issues(_ context.Context, q repo.IssueQuery) ([]repo.Issue, error) {
	var out []repo.Issue
	for _, i := range m.issues {
		if (q.State == "all" || q.State == i.State) && (q.Creator == "" || q.Creator == i.Author) {
			out = append(out, i)
		}
	}
	return out, nil
}

func (m *memRepo) AppIssuesMarked(ctx context.Context, q repo.IssueQuery, key func(string) string) (map[string]repo.Issue, error) {
	all, _ := m.Issues(ctx, q)
	out := map[string]repo.Issue{}
	for _, i := range all {
		if k := key(i.Body); k != "" && m.WrittenByApp(i.Author) {
			if _, seen := out[k]; !seen {
				out[k] = i
			}
		}
	}
	return out, nil
}

func (m *memRepo) CreateIssue(_ context.Context, n repo.NewIssue) (repo.Issue, error) {
	i := repo.Issue{Number: len(m.issues) + 100, Title: n.Title, Body: n.Body, State: "open", Author: m.bot, Labels: n.Labels, Assignees: n.Assignees}
	m.issues = append(m.issues, i)
	m.created = append(m.created, n)
	return i, nil
}

func (m *memRepo) EditIssue(_ context.Context, n int, e repo.IssueEdit) (repo.Issue, error) {
	for k := range m.issues {
		if m.issues[k].Number == n {
			if e.Body != nil {
				m.issues[k].Body = *e.Body
			}
			if e.Assignees != nil {
				m.issues[k].Assignees = *e.Assignees
			}
			m.edits = append(m.edits, n)
			return m.issues[k], nil
		}
	}
	return repo.Issue{}, &notFound{}
}

func (m *memRepo) AddLabels(context.Context, int, ...string) error { return nil }
func (m *memRepo) Comments(_ context.Context, n int, _ time.Time) ([]repo.Comment, error) {
	return m.comments[n], nil
}

func (m *memRepo) FindMarked(cs []repo.Comment, marker string) (repo.Comment, bool, error) {
	for _, c := range cs {
		if strings.Contains(c.Body, marker) && m.WrittenByApp(c.Author) {
			return c, true, nil
		}
	}
	return repo.Comment{}, false, nil
}

func (m *memRepo) MarkedComment(ctx context.Context, n int, marker string, since time.Time) (repo.Comment, bool, error) {
	cs, _ := m.Comments(ctx, n, since)
	return m.FindMarked(cs, marker)
}

func (m *memRepo) CreateComment(_ context.Context, n int, body string) (int64, error) {
	if m.comments == nil {
		m.comments = map[int][]repo.Comment{}
	}
	id := int64(len(m.comments[n]) + 1)
	m.comments[n] = append(m.comments[n], repo.Comment{ID: id, Body: body, Author: m.bot})
	return id, nil
}

func (m *memRepo) EditComment(context.Context, int64, string) error { return nil }
func (m *memRepo) PullFiles(context.Context, int) ([]repo.PullFile, error) {
	return nil, nil
}
func (m *memRepo) PullsReferencing(context.Context, int) ([]repo.PullRef, error) { return nil, nil }
func (m *memRepo) File(context.Context, string, string) ([]byte, bool, error)    { return nil, false, nil }

type notFound struct{}

func (*notFound) Error() string { return "404 Not Found" }

func TestWriteStatusAdoptsOnlyTheAppsOwnStatusIssue(t *testing.T) {
	body := statusMarker + "\nnew counts\n"
	for _, tc := range []struct {
		name        string
		issues      []repo.Issue
		rec         statusRecord
		wantNumber  int
		wantCreated int
	}{
		{
			name:       "the recorded issue is edited in place",
			issues:     []repo.Issue{{Number: 7, State: "open", Author: "pmbot[bot]", Body: statusMarker + "\nold"}},
			rec:        statusRecord{Issue: 7, Body: statusMarker + "\nold"},
			wantNumber: 7,
		},
		{
			name:       "an open status issue of the app's that was never recorded is adopted",
			issues:     []repo.Issue{{Number: 8, State: "open", Author: "pmbot[bot]", Body: statusMarker + "\nold"}},
			wantNumber: 8,
		},
		{
			name:        "someone else's issue carrying the marker is not adopted",
			issues:      []repo.Issue{{Number: 9, State: "open", Author: "mallory", Body: statusMarker}},
			wantNumber:  100 + 1,
			wantCreated: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &memRepo{bot: "pmbot[bot]", issues: tc.issues}
			s := &session{c: m, pol: testPolicy(t, "")}
			got, err := s.writeStatus(context.Background(), tc.rec, body)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.wantNumber || len(m.created) != tc.wantCreated {
				t.Errorf("status issue #%d with %d created, want #%d with %d", got, len(m.created), tc.wantNumber, tc.wantCreated)
			}
			for _, i := range m.issues {
				if i.Author == "mallory" && i.Body != statusMarker {
					t.Errorf("mallory's issue was edited")
				}
			}
		})
	}
}
