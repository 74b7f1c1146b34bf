package fakegithub

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// webhookFiles holds one published example payload per event and action.
//
//go:embed data/webhooks/*.json
var webhookFiles embed.FS

// example loads the embedded payload for event.action (or event alone).
func example(event, action string) (map[string]any, error) {
	name := event
	if action != "" {
		name += "." + action
	}
	raw, err := webhookFiles.ReadFile("data/webhooks/" + name + ".json")
	if err != nil {
		return nil, err
	}
	var p map[string]any
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	return p, nil
}

// Webhook returns the embedded example payload for event and action, after
// edit (may be nil) has changed it. It fails the test for an unknown pair.
func (s *Server) Webhook(event, action string, edit func(p map[string]any)) []byte {
	s.t.Helper()
	p, err := example(event, action)
	if err != nil {
		s.t.Fatalf("fakegithub: no webhook example for %s.%s: %v", event, action, err)
	}
	if edit != nil {
		edit(p)
	}
	return s.encodePayload(p)
}

func (s *Server) encodePayload(p map[string]any) []byte {
	s.t.Helper()
	raw, err := json.Marshal(p)
	if err != nil {
		s.t.Fatalf("fakegithub: encode webhook: %v", err)
	}
	return raw
}

// repoPayload fills repository, installation and sender from the fake's
// state; it is called with s.mu held.
func (s *Server) repoPayload(p map[string]any, r *repo, sender string) {
	p["repository"] = s.renderRepo(r)
	p["sender"] = s.renderUser(sender)
	key := strings.ToLower(r.fullName())
	delete(p, "installation")
	for _, inst := range s.sortedInstallations() {
		if contains(inst.repos, key) {
			p["installation"] = map[string]any{"id": inst.id, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u" + strconv.FormatInt(inst.id, 10)}
		}
	}
	if org, ok := p["organization"].(map[string]any); ok {
		org["login"] = r.owner
		org["id"] = s.user(r.owner).id
	}
}

func (s *Server) webhookFor(event, action, owner, name string) (map[string]any, *repo) {
	s.t.Helper()
	p, err := example(event, action)
	if err != nil {
		s.t.Fatalf("fakegithub: no webhook example for %s.%s: %v", event, action, err)
	}
	return p, s.mustRepo(owner, name)
}

// IssueWebhook builds an issues event for issue (or pull request) number as
// the fake holds it. For labeled/unlabeled the label of the latest matching
// event is filled in; extra is merged last at the top level (e.g. "changes").
func (s *Server) IssueWebhook(action, owner, name string, number int, sender string, extra map[string]any) []byte {
	s.t.Helper()
	s.mu.Lock()
	p, r := s.webhookFor("issues", action, owner, name)
	i := s.mustIssue(r, number)
	s.repoPayload(p, r, sender)
	p["issue"] = s.renderIssue(r, i)
	delete(p, "label")
	if action == "labeled" || action == "unlabeled" {
		for k := len(i.events) - 1; k >= 0; k-- {
			if i.events[k].event == action {
				p["label"] = s.renderLabel(r, s.ensureLabel(r, i.events[k].label))
				break
			}
		}
	}
	if action == "assigned" || action == "unassigned" {
		if len(i.assignees) > 0 {
			p["assignee"] = s.renderUser(i.assignees[len(i.assignees)-1])
		}
	}
	if action != "edited" {
		delete(p, "changes")
	}
	s.mu.Unlock()
	for k, v := range extra {
		p[k] = v
	}
	return s.encodePayload(p)
}

// IssueCommentWebhook builds issue_comment.created for an existing comment,
// sent by the comment's author.
func (s *Server) IssueCommentWebhook(owner, name string, number int, commentID int64) []byte {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := s.webhookFor("issue_comment", "created", owner, name)
	i := s.mustIssue(r, number)
	cm := r.comments[commentID]
	if cm == nil || cm.issue != number {
		s.t.Fatalf("fakegithub: IssueCommentWebhook: %s#%d has no comment %d", r.fullName(), number, commentID)
	}
	s.repoPayload(p, r, cm.author)
	p["issue"] = s.renderIssue(r, i)
	p["comment"] = s.renderComment(r, cm)
	return s.encodePayload(p)
}

// PullRequestWebhook builds a pull_request event for pull request number as
// the fake holds it (head/base shas, merged, merge_commit_sha).
func (s *Server) PullRequestWebhook(action, owner, name string, number int, sender string) []byte {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := s.webhookFor("pull_request", action, owner, name)
	i := s.mustIssue(r, number)
	if i.pull == nil {
		s.t.Fatalf("fakegithub: PullRequestWebhook: %s#%d is an issue, not a pull request", r.fullName(), number)
	}
	s.repoPayload(p, r, sender)
	p["number"] = number
	pr := s.renderPull(r, i)
	pr["commits"] = 1
	pr["additions"], pr["deletions"], pr["changed_files"] = 0, 0, len(r.diff(r.pullRange(i)))
	p["pull_request"] = pr
	if action == "synchronize" {
		if c, found := r.commit(i.pull.headSHA); found && len(c.parents) > 0 {
			p["before"] = c.parents[0]
		}
		p["after"] = i.pull.headSHA
	} else {
		delete(p, "before")
		delete(p, "after")
	}
	return s.encodePayload(p)
}

// CheckSuiteWebhook builds check_suite.rerequested for headSHA; head_branch
// is a branch pointing at it and pull_requests the open PRs with that head.
func (s *Server) CheckSuiteWebhook(owner, name, headSHA string) []byte {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := s.webhookFor("check_suite", "rerequested", owner, name)
	if _, found := r.commit(headSHA); !found {
		s.t.Fatalf("fakegithub: CheckSuiteWebhook: %s has no commit %s", r.fullName(), headSHA)
	}
	s.repoPayload(p, r, r.owner)
	suite, _ := p["check_suite"].(map[string]any)
	if suite == nil {
		suite = map[string]any{}
	}
	suite["head_sha"] = headSHA
	suite["head_branch"] = r.branchAt(headSHA)
	suite["pull_requests"] = s.pullsForSHA(r, headSHA)
	suite["app"] = map[string]any{"id": s.appID, "slug": s.appSlug, "name": s.appSlug}
	if hc, ok := suite["head_commit"].(map[string]any); ok {
		hc["id"] = headSHA
		hc["tree_id"] = s.treeOfCommit(r, headSHA)
	}
	p["check_suite"] = suite
	return s.encodePayload(p)
}

// CheckRunWebhook builds check_run.rerequested for an existing check run.
func (s *Server) CheckRunWebhook(owner, name string, checkRunID int64, sender string) []byte {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, r := s.webhookFor("check_run", "rerequested", owner, name)
	var run *checkRun
	for _, cr := range r.checkRuns {
		if cr.id == checkRunID {
			run = cr
		}
	}
	if run == nil {
		s.t.Fatalf("fakegithub: CheckRunWebhook: %s has no check run %d", r.fullName(), checkRunID)
	}
	s.repoPayload(p, r, sender)
	rendered := s.renderCheckRun(r, run)
	rendered["check_suite"] = map[string]any{
		"id": run.id, "head_sha": run.headSHA, "head_branch": r.branchAt(run.headSHA),
		"status": "completed", "pull_requests": s.pullsForSHA(r, run.headSHA),
		"app": map[string]any{"id": s.appID, "slug": s.appSlug, "name": s.appSlug},
	}
	p["check_run"] = rendered
	return s.encodePayload(p)
}

// InstallationWebhook builds installation.created for a seeded installation,
// listing its repositories.
func (s *Server) InstallationWebhook(installationID int64, sender string) []byte {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := example("installation", "created")
	if err != nil {
		s.t.Fatalf("fakegithub: %v", err)
	}
	inst := s.installations[installationID]
	if inst == nil {
		s.t.Fatalf("fakegithub: InstallationWebhook: no installation %d", installationID)
	}
	p["installation"] = s.renderInstallation(inst)
	p["sender"] = s.renderUser(sender)
	repos := []any{}
	for _, key := range inst.repos {
		r := s.repos[key]
		repos = append(repos, map[string]any{"id": r.id, "node_id": "R_" + strconv.FormatInt(r.id, 10), "name": r.name, "full_name": r.fullName(), "private": false})
	}
	p["repositories"] = repos
	return s.encodePayload(p)
}

func (r *repo) branchAt(sha string) any {
	if r.refs["refs/heads/"+r.defaultBranch] == sha {
		return r.defaultBranch
	}
	var names []string
	for ref, at := range r.refs {
		if b, ok := strings.CutPrefix(ref, "refs/heads/"); ok && at == sha {
			names = append(names, b)
		}
	}
	if len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	return names[0]
}

func (s *Server) treeOfCommit(r *repo, sha string) string {
	c, _ := r.commit(sha)
	return c.tree
}

// Deliver posts a webhook to targetURL as GitHub does: signed with
// X-Hub-Signature-256, with X-GitHub-Event and X-GitHub-Delivery. The
// returned response's body is already read and can be read again.
func Deliver(t testing.TB, targetURL, secret, event, deliveryID string, body []byte) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, targetURL, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("fakegithub: Deliver %s: %v", event, err)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", deliveryID)
	req.Header.Set("X-GitHub-Hook-ID", "1")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/fake")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("fakegithub: Deliver %s to %s: %v", event, targetURL, err)
	}
	defer resp.Body.Close()
	payload, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("fakegithub: Deliver %s: read response: %v", event, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(payload))
	return resp
}
