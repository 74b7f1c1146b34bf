package fakegithub_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func parse(t *testing.T, event string, body []byte) any {
	t.Helper()
	parsed, err := github.ParseWebHook(event, body)
	if err != nil {
		t.Fatalf("go-github cannot parse the %s payload: %v", event, err)
	}
	return parsed
}

func TestIssueWebhookCarriesTheFakesState(t *testing.T) {
	gh := seeded(t)
	gh.SetPermission(owner, repoName, "alice", "write")
	n := gh.CreateIssue(owner, repoName, fakegithub.IssueSeed{Title: "DB failover", Body: "Primary lost.", Assignees: []string{"alice"}})
	gh.AddLabelToIssue(owner, repoName, n, "incident", "alice")

	ev := parse(t, "issues", gh.IssueWebhook("labeled", owner, repoName, n, "alice", nil)).(*github.IssuesEvent)
	if ev.GetAction() != "labeled" || ev.GetInstallation().GetID() != installationID {
		t.Errorf("action %q installation %d", ev.GetAction(), ev.GetInstallation().GetID())
	}
	if ev.GetRepo().GetFullName() != "acme/payments" || ev.GetRepo().GetDefaultBranch() != "main" || ev.GetRepo().GetOwner().GetLogin() != "acme" {
		t.Errorf("repository = %s default %s", ev.GetRepo().GetFullName(), ev.GetRepo().GetDefaultBranch())
	}
	if ev.GetLabel().GetName() != "incident" || ev.GetSender().GetLogin() != "alice" {
		t.Errorf("label %q sender %q", ev.GetLabel().GetName(), ev.GetSender().GetLogin())
	}
	issue := ev.GetIssue()
	if issue.GetNumber() != n || issue.GetTitle() != "DB failover" || issue.GetBody() != "Primary lost." ||
		len(issue.Labels) != 1 || len(issue.Assignees) != 1 || issue.Assignees[0].GetLogin() != "alice" {
		t.Errorf("issue = #%d %q labels %d assignees %d", issue.GetNumber(), issue.GetTitle(), len(issue.Labels), len(issue.Assignees))
	}

	c := installationClient(t, gh, installationID)
	fetched, _, err := c.Issues.Get(ctx(t), owner, repoName, n)
	if err != nil {
		t.Fatal(err)
	}
	if fetched.GetID() != issue.GetID() || fetched.GetRepository() != nil && fetched.GetRepository().GetID() != ev.GetRepo().GetID() {
		t.Errorf("webhook issue id %d differs from the API's %d", issue.GetID(), fetched.GetID())
	}

	edited := parse(t, "issues", gh.IssueWebhook("edited", owner, repoName, n, "alice",
		map[string]any{"changes": map[string]any{"title": map[string]any{"from": "Old"}}})).(*github.IssuesEvent)
	if edited.GetChanges().GetTitle().GetFrom() != "Old" {
		t.Errorf("extra fields were not merged: changes = %+v", edited.GetChanges())
	}
}

func TestPullRequestWebhookAfterMergeIsMerged(t *testing.T) {
	gh := seeded(t)
	head := gh.CommitFile(owner, repoName, "postmortem/issue-3", "docs/postmortems/db.md", []byte("# DB\n"), "draft")
	n := gh.OpenPull(owner, repoName, "postmortem/issue-3", "main", "Postmortem: DB", "alice")

	opened := parse(t, "pull_request", gh.PullRequestWebhook("opened", owner, repoName, n, "alice")).(*github.PullRequestEvent)
	pr := opened.GetPullRequest()
	if pr.GetHead().GetSHA() != head || pr.GetHead().GetRef() != "postmortem/issue-3" || pr.GetBase().GetRef() != "main" || pr.GetMerged() {
		t.Errorf("opened PR head %s@%s base %s merged %v", pr.GetHead().GetRef(), pr.GetHead().GetSHA(), pr.GetBase().GetRef(), pr.GetMerged())
	}

	mergeSHA := gh.MergePull(owner, repoName, n, "bob")
	closed := parse(t, "pull_request", gh.PullRequestWebhook("closed", owner, repoName, n, "bob")).(*github.PullRequestEvent)
	pr = closed.GetPullRequest()
	if !pr.GetMerged() || pr.GetMergeCommitSHA() != mergeSHA || pr.GetState() != "closed" || pr.GetMergedBy().GetLogin() != "bob" {
		t.Errorf("closed PR merged %v sha %q state %q by %q", pr.GetMerged(), pr.GetMergeCommitSHA(), pr.GetState(), pr.GetMergedBy().GetLogin())
	}
	if closed.GetNumber() != n || closed.GetInstallation().GetID() != installationID {
		t.Errorf("number %d installation %d", closed.GetNumber(), closed.GetInstallation().GetID())
	}
}

func TestCheckAndCommentAndInstallationWebhooks(t *testing.T) {
	gh := seeded(t)
	head := gh.CommitFile(owner, repoName, "pm", "pm.md", []byte("pm"), "pm")
	n := gh.OpenPull(owner, repoName, "pm", "main", "PM", "alice")
	commentID := gh.Comment(owner, repoName, n, "carol", "/postmortem recheck")

	comment := parse(t, "issue_comment", gh.IssueCommentWebhook(owner, repoName, n, commentID)).(*github.IssueCommentEvent)
	if comment.GetComment().GetID() != commentID || comment.GetComment().GetBody() != "/postmortem recheck" || !comment.GetIssue().IsPullRequest() || comment.GetSender().GetLogin() != "carol" {
		t.Errorf("issue_comment = %+v", comment.GetComment())
	}

	suite := parse(t, "check_suite", gh.CheckSuiteWebhook(owner, repoName, head)).(*github.CheckSuiteEvent)
	cs := suite.GetCheckSuite()
	if cs.GetHeadSHA() != head || cs.GetHeadBranch() != "pm" || len(cs.PullRequests) != 1 || cs.PullRequests[0].GetNumber() != n {
		t.Errorf("check_suite head %s branch %s prs %d", cs.GetHeadSHA(), cs.GetHeadBranch(), len(cs.PullRequests))
	}

	c := installationClient(t, gh, installationID)
	run, _, err := c.Checks.CreateCheckRun(ctx(t), owner, repoName, github.CreateCheckRunOptions{Name: "postmortem", HeadSHA: head})
	if err != nil {
		t.Fatal(err)
	}
	rerun := parse(t, "check_run", gh.CheckRunWebhook(owner, repoName, run.GetID(), "carol")).(*github.CheckRunEvent)
	if rerun.GetCheckRun().GetID() != run.GetID() || rerun.GetCheckRun().GetHeadSHA() != head || rerun.GetCheckRun().GetName() != "postmortem" {
		t.Errorf("check_run = %+v", rerun.GetCheckRun())
	}

	install := parse(t, "installation", gh.InstallationWebhook(installationID, "acme")).(*github.InstallationEvent)
	if install.GetInstallation().GetID() != installationID || len(install.Repositories) != 1 || install.Repositories[0].GetFullName() != "acme/payments" {
		t.Errorf("installation = %d with %d repos", install.GetInstallation().GetID(), len(install.Repositories))
	}

	for _, pair := range [][2]string{{"ping", ""}, {"issues", "opened"}, {"issues", "closed"}, {"issues", "reopened"}, {"issues", "edited"},
		{"issues", "deleted"}, {"issues", "transferred"}, {"issues", "unlabeled"}, {"pull_request", "synchronize"},
		{"pull_request", "reopened"}, {"pull_request", "edited"}} {
		body := gh.Webhook(pair[0], pair[1], nil)
		parse(t, pair[0], body)
	}
}

func TestDeliverSignsLikeGitHub(t *testing.T) {
	gh := seeded(t)
	const secret = "s3cret"
	var got struct {
		event, delivery string
		validErr        error
	}
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.event = github.WebHookType(r)
		got.delivery = github.DeliveryID(r)
		_, got.validErr = github.ValidatePayload(r, []byte(secret))
		w.WriteHeader(http.StatusAccepted)
		_, _ = io.WriteString(w, "queued")
	}))
	defer target.Close()

	resp := fakegithub.Deliver(t, target.URL, secret, "ping", "d-1", gh.Webhook("ping", "", nil))
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusAccepted || string(body) != "queued" {
		t.Errorf("response %d %q", resp.StatusCode, body)
	}
	if got.validErr != nil || got.event != "ping" || got.delivery != "d-1" {
		t.Errorf("receiver saw event %q delivery %q signature error %v", got.event, got.delivery, got.validErr)
	}
	fakegithub.Deliver(t, target.URL, "wrong", "ping", "d-2", gh.Webhook("ping", "", nil))
	if got.validErr == nil {
		t.Error("a payload signed with the wrong secret validated")
	}
}
