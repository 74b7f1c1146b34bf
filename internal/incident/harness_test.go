package incident_test

import (
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/incident"
	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.md from the current output")

const (
	owner  = "acme"
	repo   = "shop"
	branch = "postmortem/incident-1"
)

// start runs the server with the incident feature alone, against a fake
// GitHub that shares the app's clock, holding acme/shop.
func start(t *testing.T) *servertest.Harness {
	t.Helper()
	return startWith(t, servertest.Options{})
}

// startWith is start with other options; Features is always the incident
// feature alone.
func startWith(t *testing.T, o servertest.Options) *servertest.Harness {
	t.Helper()
	o.Features = onlyIncidents
	h := servertest.Start(t, o)
	h.GitHub.SetClock(h.Clock.Now)
	h.GitHub.AddInstallation(1, owner)
	h.GitHub.AddRepo(owner, repo)
	for _, u := range []string{"mkaur", "jdoe"} {
		h.GitHub.SetPermission(owner, repo, u, "write")
	}
	h.GitHub.SetPermission(owner, repo, "visitor", "read")
	return h
}

func onlyIncidents(env *feature.Env) ([]feature.Feature, error) {
	return []feature.Feature{incident.New(env)}, nil
}

// openIncident records a realistic incident: opened by a pager bot, a
// responder assigned, a comment, a cross-referencing PR, then labelled.
func openIncident(t *testing.T, h *servertest.Harness, severity string) int {
	t.Helper()
	gh := h.GitHub
	labels := []string{}
	if severity != "" {
		labels = append(labels, severity)
	}
	n := gh.CreateIssue(owner, repo, fakegithub.IssueSeed{
		Title: "Checkout 502s after payments deploy", Body: "Alert: checkout error rate above 5%.",
		Labels: labels, Assignees: []string{"mkaur"}, Author: "pagerbot",
	})
	h.Clock.Advance(3 * time.Minute)
	gh.Comment(owner, repo, n, "jdoe", "Error rate | p99 both up since 09:05.\nGraphs: https://grafana.example/d/abc")
	h.Clock.Advance(2 * time.Minute)
	gh.AddLabelToIssue(owner, repo, n, "incident", "mkaur")
	h.Clock.Advance(time.Minute)
	return n
}

// label delivers the "labeled" webhook for the incident label and waits.
func label(t *testing.T, h *servertest.Harness, n int) {
	t.Helper()
	deliver(t, h, "issues", h.GitHub.IssueWebhook("labeled", owner, repo, n, "mkaur", nil))
	h.WaitIdle()
}

func deliver(t *testing.T, h *servertest.Harness, event string, body []byte) {
	t.Helper()
	if resp := h.Deliver(event, body); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deliver %s: status %d", event, resp.StatusCode)
	}
}

// botComments returns the bot's comments on an issue carrying marker.
func botComments(h *servertest.Harness, n int, marker string) []fakegithub.Comment {
	var out []fakegithub.Comment
	for _, c := range h.GitHub.Comments(owner, repo, n) {
		if strings.Contains(c.Body, marker) {
			out = append(out, c)
		}
	}
	return out
}

// onlyPull asserts the repository has exactly one pull request and returns it.
func onlyPull(t *testing.T, h *servertest.Harness) fakegithub.Pull {
	t.Helper()
	pulls := h.GitHub.Pulls(owner, repo)
	if len(pulls) != 1 {
		t.Fatalf("want exactly one pull request, got %d: %+v", len(pulls), pulls)
	}
	return pulls[0]
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs from the rendered draft:\n--- got ---\n%s", path, got)
	}
}
