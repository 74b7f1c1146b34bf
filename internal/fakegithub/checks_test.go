package fakegithub_test

import (
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

func annotations(n int, from int) []*github.CheckRunAnnotation {
	out := make([]*github.CheckRunAnnotation, n)
	for k := range out {
		line := from + k
		out[k] = &github.CheckRunAnnotation{
			Path: github.String("docs/postmortems/outage.md"), StartLine: github.Int(line), EndLine: github.Int(line),
			AnnotationLevel: github.String("warning"), Message: github.String("blame language"),
		}
	}
	return out
}

func TestCheckRunAnnotationsAccumulateAndMoreThanFiftyAreRejected(t *testing.T) {
	rec := &recordingTB{TB: t}
	gh := seeded(rec)
	head := gh.CommitFile(owner, repoName, "pm", "docs/postmortems/outage.md", []byte("# Outage\n"), "pm")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	run, _, err := c.Checks.CreateCheckRun(cx, owner, repoName, github.CreateCheckRunOptions{
		Name: "postmortem", HeadSHA: head, Status: github.String("in_progress"),
		Output: &github.CheckRunOutput{Title: github.String("Reviewing"), Summary: github.String("…"), Annotations: annotations(50, 1)},
	})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if _, _, err := c.Checks.UpdateCheckRun(cx, owner, repoName, run.GetID(), github.UpdateCheckRunOptions{
		Name: "postmortem", Conclusion: github.String("failure"),
		Output: &github.CheckRunOutput{Title: github.String("3 findings"), Summary: github.String("Fix them"), Annotations: annotations(20, 51)},
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := rec.reported(); len(got) != 0 {
		t.Fatalf("valid requests were reported as failures: %v", got)
	}

	_, _, err = c.Checks.UpdateCheckRun(cx, owner, repoName, run.GetID(), github.UpdateCheckRunOptions{
		Name: "postmortem", Output: &github.CheckRunOutput{Title: github.String("x"), Summary: github.String("x"), Annotations: annotations(51, 100)},
	})
	mustStatus(t, err, 422)
	if got := rec.reported(); len(got) != 1 || !strings.Contains(got[0], "checks/update") {
		t.Errorf("51 annotations reported %v, want one failure naming checks/update", got)
	}

	runs := gh.CheckRuns(owner, repoName, head)
	if len(runs) != 1 {
		t.Fatalf("check runs on head = %d, want 1", len(runs))
	}
	got := runs[0]
	if got.Status != "completed" || got.Conclusion != "failure" || got.Title != "3 findings" || len(got.Annotations) != 70 {
		t.Errorf("run = %s/%s %q with %d annotations; want completed/failure \"3 findings\" with 70", got.Status, got.Conclusion, got.Title, len(got.Annotations))
	}
	if got.Annotations[69].StartLine != 70 || got.Annotations[0].Path != "docs/postmortems/outage.md" {
		t.Errorf("annotations not kept in order: last starts at %d", got.Annotations[69].StartLine)
	}

	list, _, err := c.Checks.ListCheckRunsForRef(cx, owner, repoName, "pm", &github.ListCheckRunsOptions{CheckName: github.String("postmortem")})
	if err != nil {
		t.Fatal(err)
	}
	if list.GetTotal() != 1 || list.CheckRuns[0].GetOutput().GetAnnotationsCount() != 70 {
		t.Errorf("list for branch pm = %d runs", list.GetTotal())
	}
	none, _, err := c.Checks.ListCheckRunsForRef(cx, owner, repoName, head, &github.ListCheckRunsOptions{CheckName: github.String("other")})
	if err != nil || none.GetTotal() != 0 {
		t.Errorf("check_name filter: %d runs, %v", none.GetTotal(), err)
	}
}

func TestInvalidRequestsAreAnsweredAsGitHubAndFailTheTest(t *testing.T) {
	rec := &recordingTB{TB: t}
	gh := seeded(rec)
	gh.CommitFile(owner, repoName, "pm", "x.md", []byte("x"), "x")
	c := installationClient(t, gh, installationID)
	cx := ctx(t)

	req, err := c.NewRequest("POST", "repos/acme/payments/pulls", map[string]any{"title": 42, "head": "pm", "base": "main"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(cx, req, nil)
	mustStatus(t, err, 422)
	if len(gh.Pulls(owner, repoName)) != 0 {
		t.Error("a rejected request still created a pull request")
	}
	got := rec.reported()
	if len(got) != 1 || !strings.Contains(got[0], "pulls/create") || !strings.Contains(got[0], "title") {
		t.Fatalf("reported %v, want one failure about pulls/create's title", got)
	}

	req, _ = c.NewRequest("GET", "repos/acme/payments/no-such-endpoint", nil)
	_, err = c.Do(cx, req, nil)
	mustStatus(t, err, 404)
	req, _ = c.NewRequest("GET", "repos/acme/payments/issues?state=sideways", nil)
	_, err = c.Do(cx, req, nil)
	mustStatus(t, err, 422)
	if got := rec.reported(); len(got) != 3 {
		t.Errorf("reported %d failures, want 3 (bad body, unknown route, bad enum): %v", len(got), got)
	}

	// A missing resource is an ordinary answer, not a bad request.
	_, _, err = c.Issues.Get(cx, owner, repoName, 999)
	mustStatus(t, err, 404)
	if got := rec.reported(); len(got) != 3 {
		t.Errorf("a 404 for a missing issue was reported as a bad request: %v", got[3:])
	}
}

func TestRequestsOutsideTheInstallationAreRefused(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(1, "acme")
	gh.AddInstallation(2, "globex")
	gh.AddRepo("acme", "payments")
	gh.AddRepo("globex", "secret")
	c := installationClient(t, gh, 1)
	cx := ctx(t)

	if _, _, err := c.Repositories.Get(cx, "acme", "payments"); err != nil {
		t.Fatalf("own repository: %v", err)
	}
	_, _, err := c.Repositories.Get(cx, "globex", "secret")
	mustStatus(t, err, 404)

	anonymous := clientFor(t, gh, gh.Client())
	_, _, err = anonymous.Repositories.Get(cx, "acme", "payments")
	mustStatus(t, err, 401)

	forged := clientFor(t, gh, gh.Client()).WithAuthToken("ghs_forged")
	_, _, err = forged.Repositories.Get(cx, "acme", "payments")
	if er := mustStatus(t, err, 401); er.Message != "Bad credentials" {
		t.Errorf("forged token message = %q", er.Message)
	}

	// A JWT signed with another key cannot mint installation tokens.
	other := fakegithub.New(t, fakegithub.WithAppID(gh.AppID()))
	other.AddInstallation(1, "acme")
	impostor := impostorClient(t, gh, other.PrivateKeyPEM())
	_, _, err = impostor.Repositories.Get(cx, "acme", "payments")
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("token exchange with a foreign key gave %v, want a 401", err)
	}
	installs, _, err := appClient(t, gh, gh.PrivateKeyPEM()).Apps.ListInstallations(cx, nil)
	if err != nil || len(installs) != 2 {
		t.Errorf("app lists %d installations, %v; want 2", len(installs), err)
	}
	app, _, err := appClient(t, gh, gh.PrivateKeyPEM()).Apps.Get(cx, "")
	if err != nil || app.GetSlug() != "postmortem-bot" || app.GetID() != gh.AppID() {
		t.Errorf("GET /app = %q %d, %v", app.GetSlug(), app.GetID(), err)
	}
}
