package fakegithub

import (
	"sort"
	"strings"
	"time"
)

// Issue is what the fake holds for an issue or pull request.
type Issue struct {
	Number      int
	Title       string
	Body        string
	State       string // open, closed
	StateReason string
	Author      string
	Labels      []string
	Assignees   []string
	IsPull      bool
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ClosedAt    *time.Time
	ClosedBy    string
	Events      []Event // labeled, assigned, closed, renamed, cross-referenced, ... in order
}

// Event is one recorded issue event.
type Event struct {
	Event     string
	Actor     string
	Label     string // labeled, unlabeled
	Assignee  string // assigned, unassigned
	From, To  string // renamed
	Source    int    // cross-referenced: the mentioning issue or PR
	CommitID  string // referenced, merged
	CreatedAt time.Time
}

// Pull is what the fake holds for a pull request.
type Pull struct {
	Issue
	Head, Base         string
	HeadSHA, BaseSHA   string
	Draft              bool
	Merged             bool
	MergeSHA           string
	MergedBy           string
	RequestedReviewers []string
	RequestedTeams     []string
}

// Comment is an issue or pull request comment.
type Comment struct {
	ID        int64
	Issue     int
	Author    string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CheckRun is a check run with every annotation it accumulated.
type CheckRun struct {
	ID          int64
	Name        string
	HeadSHA     string
	Status      string
	Conclusion  string
	Title       string
	Summary     string
	Text        string
	DetailsURL  string
	ExternalID  string
	Annotations []Annotation
}

// Annotation is one check run annotation as the App sent it.
type Annotation struct {
	Path            string
	StartLine       int
	EndLine         int
	StartColumn     int
	EndColumn       int
	AnnotationLevel string
	Title           string
	Message         string
	RawDetails      string
}

func (s *Server) findRepo(owner, name string) *repo {
	return s.repos[strings.ToLower(owner+"/"+name)]
}

// inspectRepo runs read on owner/name under the lock; a repository the fake
// does not hold reads as nothing.
func inspectRepo[T any](s *Server, owner, name string, read func(r *repo) T) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil {
		var nothing T
		return nothing
	}
	return read(r)
}

func issueView(i *issue) Issue {
	out := Issue{
		Number: i.number, Title: i.title, Body: i.body, State: i.state, StateReason: i.stateReason,
		Author: i.author, Labels: append([]string(nil), i.labels...), Assignees: append([]string(nil), i.assignees...),
		IsPull: i.pull != nil, CreatedAt: i.created, UpdatedAt: i.updated, ClosedBy: i.closedBy,
	}
	if i.closed != nil {
		t := *i.closed
		out.ClosedAt = &t
	}
	for _, e := range i.events {
		out.Events = append(out.Events, Event{
			Event: e.event, Actor: e.actor, Label: e.label, Assignee: e.assignee, From: e.from, To: e.to,
			Source: e.source, CommitID: e.commitID, CreatedAt: e.created,
		})
	}
	return out
}

// Issue returns issue or pull request number; ok is false if there is none.
func (s *Server) Issue(owner, name string, number int) (Issue, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil || r.issues[number] == nil {
		return Issue{}, false
	}
	return issueView(r.issues[number]), true
}

// Issues returns every issue (not pull requests) in number order.
func (s *Server) Issues(owner, name string) []Issue {
	return inspectRepo(s, owner, name, func(r *repo) []Issue {
		var out []Issue
		for _, i := range r.byNumber() {
			if i.pull == nil {
				out = append(out, issueView(i))
			}
		}
		return out
	})
}

func pullView(r *repo, i *issue) Pull {
	p := i.pull
	r.livePull(p, i.state)
	return Pull{
		Issue: issueView(i), Head: p.head, Base: p.base, HeadSHA: p.headSHA, BaseSHA: p.baseSHA, Draft: p.draft,
		Merged: p.merged, MergeSHA: p.mergeSHA, MergedBy: p.mergedBy,
		RequestedReviewers: append([]string(nil), p.requestedReviewers...),
		RequestedTeams:     append([]string(nil), p.requestedTeams...),
	}
}

// Pull returns pull request number; ok is false if it is not a pull request.
func (s *Server) Pull(owner, name string, number int) (Pull, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil || r.issues[number] == nil || r.issues[number].pull == nil {
		return Pull{}, false
	}
	return pullView(r, r.issues[number]), true
}

// Pulls returns every pull request in number order.
func (s *Server) Pulls(owner, name string) []Pull {
	return inspectRepo(s, owner, name, func(r *repo) []Pull {
		var out []Pull
		for _, i := range r.byNumber() {
			if i.pull != nil {
				out = append(out, pullView(r, i))
			}
		}
		return out
	})
}

// Comments returns the comments on issue or pull request number, oldest first.
func (s *Server) Comments(owner, name string, number int) []Comment {
	return inspectRepo(s, owner, name, func(r *repo) []Comment {
		var out []Comment
		for _, c := range r.commentsOf(number) {
			out = append(out, Comment{ID: c.id, Issue: c.issue, Author: c.author, Body: c.body, CreatedAt: c.created, UpdatedAt: c.updated})
		}
		return out
	})
}

// Labels returns the repository's label names, sorted.
func (s *Server) Labels(owner, name string) []string {
	return inspectRepo(s, owner, name, func(r *repo) []string {
		var out []string
		for _, l := range r.labels {
			out = append(out, l.name)
		}
		sort.Strings(out)
		return out
	})
}

// Ref resolves a branch, tag, full ref ("refs/heads/x") or sha to a commit sha.
func (s *Server) Ref(owner, name, ref string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil {
		return "", false
	}
	return r.resolve(ref)
}

// Branches returns the repository's branch names, sorted.
func (s *Server) Branches(owner, name string) []string {
	return inspectRepo(s, owner, name, func(r *repo) []string {
		var out []string
		for ref := range r.refs {
			if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok {
				out = append(out, b)
			}
		}
		sort.Strings(out)
		return out
	})
}

// FileAt returns the content of path at ref (branch, tag or sha).
func (s *Server) FileAt(owner, name, ref, path string) ([]byte, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil {
		return nil, false
	}
	sha, found := r.resolve(ref)
	if !found {
		return nil, false
	}
	c, _ := r.commit(sha)
	e, found := r.lookupPath(c.tree, path)
	if !found {
		return nil, false
	}
	b, isBlob := r.blob(e.sha)
	if !isBlob {
		return nil, false
	}
	return append([]byte(nil), b.content...), true
}

// CheckRuns returns the check runs on headSHA ("" for all), oldest first.
func (s *Server) CheckRuns(owner, name, headSHA string) []CheckRun {
	return inspectRepo(s, owner, name, func(r *repo) []CheckRun {
		var out []CheckRun
		for _, run := range r.checkRuns {
			if headSHA != "" && run.headSHA != headSHA {
				continue
			}
			view := CheckRun{
				ID: run.id, Name: run.name, HeadSHA: run.headSHA, Status: run.status, Conclusion: run.conclusion,
				Title: run.title, Summary: run.summary, Text: run.text, DetailsURL: run.detailsURL, ExternalID: run.externalID,
			}
			for _, a := range run.annotations {
				view.Annotations = append(view.Annotations, annotationView(a))
			}
			out = append(out, view)
		}
		return out
	})
}

func annotationView(a map[string]any) Annotation {
	str := func(k string) string { v, _ := a[k].(string); return v }
	num := func(k string) int { v, _ := a[k].(float64); return int(v) }
	return Annotation{
		Path: str("path"), StartLine: num("start_line"), EndLine: num("end_line"),
		StartColumn: num("start_column"), EndColumn: num("end_column"),
		AnnotationLevel: str("annotation_level"), Title: str("title"), Message: str("message"), RawDetails: str("raw_details"),
	}
}

// FilesAt lists the paths of the files under dir ("" for all) at ref,
// sorted; none when the ref does not exist.
func (s *Server) FilesAt(owner, name, ref, dir string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.findRepo(owner, name)
	if r == nil {
		return nil
	}
	sha, found := r.resolve(ref)
	if !found {
		return nil
	}
	var out []string
	for p := range r.treeOf(sha) {
		if dir == "" || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/") {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}
