package incident_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

// command posts a comment as author and delivers its webhook.
func command(t *testing.T, h *servertest.Harness, n int, author, body string) int64 {
	t.Helper()
	id := h.GitHub.Comment(owner, repo, n, author, body)
	deliver(t, h, "issue_comment", h.GitHub.IssueCommentWebhook(owner, repo, n, id))
	h.WaitIdle()
	return id
}

// replyTo returns the bot's replies to a command comment.
func replyTo(h *servertest.Harness, n int, commentID int64) []fakegithub.Comment {
	return botComments(h, n, "<!-- postmortem-bot:reply:"+itoa(commentID)+" -->")
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func onlyReply(t *testing.T, h *servertest.Harness, n int, commentID int64) string {
	t.Helper()
	r := replyTo(h, n, commentID)
	if len(r) != 1 {
		t.Fatalf("replies to comment %d = %d, want 1", commentID, len(r))
	}
	return r[0].Body
}

func TestPostmortemCommandOpensThePRWithoutTheLabel(t *testing.T) {
	h := start(t)
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Checkout 502s after payments deploy", Labels: []string{"sev2"}, Author: "pagerbot"})
	id := command(t, h, n, "jdoe", "/postmortem")
	pr := onlyPull(t, h)
	if body := onlyReply(t, h, n, id); !strings.Contains(body, "Opened #2") {
		t.Errorf("reply = %q", body)
	}
	if pr.Head != branch {
		t.Errorf("head = %s", pr.Head)
	}
	// Asked again, it says where the PR is and opens nothing.
	again := command(t, h, n, "mkaur", "/postmortem")
	if body := onlyReply(t, h, n, again); !strings.Contains(body, "is in #2") {
		t.Errorf("second reply = %q", body)
	}
	onlyPull(t, h)
	if c := botComments(h, n, "incident-pr"); len(c) != 1 {
		t.Errorf("incident comments = %d", len(c))
	}
}

func TestCommandFromReaderIsPolitelyRefused(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev4")
	id := command(t, h, n, "visitor", "/postmortem skip not worth it")
	body := onlyReply(t, h, n, id)
	if !strings.Contains(body, "Sorry @visitor") || !strings.Contains(body, "write access") {
		t.Errorf("refusal = %q", body)
	}
	if len(h.GitHub.Pulls(owner, repo)) != 0 {
		t.Errorf("a refused command opened a PR")
	}
	iss, _ := h.GitHub.Issue(owner, repo, n)
	for _, l := range iss.Labels {
		if l == "postmortem-skipped" {
			t.Errorf("a refused skip labelled the incident")
		}
	}
}

func TestCommandRedeliveryGetsOneReply(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	id := h.GitHub.Comment(owner, repo, n, "jdoe", "/postmortem")
	body := h.GitHub.IssueCommentWebhook(owner, repo, n, id)
	h.Deliver("issue_comment", body)
	h.Deliver("issue_comment", body) // a second delivery id for the same comment
	h.WaitIdle()
	onlyReply(t, h, n, id)
	onlyPull(t, h)
}

func TestSkipIsRefusedForSeveritiesThatRequireAPostmortem(t *testing.T) {
	h := start(t)
	n := openIncident(t, h, "sev1")
	id := command(t, h, n, "mkaur", "/postmortem skip minor")
	if body := onlyReply(t, h, n, id); !strings.Contains(body, "(sev1) requires a postmortem") {
		t.Errorf("reply = %q", body)
	}
	iss, _ := h.GitHub.Issue(owner, repo, n)
	if strings.Contains(strings.Join(iss.Labels, ","), "postmortem-skipped") {
		t.Errorf("skip was recorded anyway")
	}
}

func TestSkipRecordsTheDecisionAndLaterLabelsDoNothing(t *testing.T) {
	h := start(t)
	n := h.GitHub.CreateIssue(owner, repo, fakegithub.IssueSeed{Title: "Slow admin page", Labels: []string{"sev4"}, Author: "jdoe"})
	id := command(t, h, n, "mkaur", "/postmortem skip internal tool, no customer impact")
	body := onlyReply(t, h, n, id)
	if !strings.Contains(body, "no customer impact") || !strings.Contains(body, "<!-- postmortem-bot:skipped -->") {
		t.Errorf("skip reply = %q", body)
	}
	iss, _ := h.GitHub.Issue(owner, repo, n)
	if !strings.Contains(strings.Join(iss.Labels, ","), "postmortem-skipped") {
		t.Fatalf("labels = %v, want postmortem-skipped", iss.Labels)
	}
	h.GitHub.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	label(t, h, n)
	if len(h.GitHub.Pulls(owner, repo)) != 0 {
		t.Errorf("a skipped incident got a postmortem PR")
	}
	if got := h.GitHub.CountRequests(http.MethodPost, "/repos/acme/shop/issues/1/comments"); got != 1 {
		t.Errorf("comments posted = %d, want only the skip reply", got)
	}
}
