package check_test

import (
	"testing"
)

// GitHub shows a head's latest run of a name, so a review whose result was
// published earlier but has since been superseded must publish again.
func TestResultThatFlipsBackIsPublishedAgain(t *testing.T) {
	h := harness(t)
	advisory := []byte("check:\n  mode: advisory\n")
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", advisory, "advisory policy")
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", []byte("check:\n  mode: enforce\n"), "enforce")
	deliverPull(t, h, "edited", n)
	h.GitHub.CommitFile(owner, repo, "main", ".github/postmortem.yml", advisory, "back to advisory")
	deliverPull(t, h, "edited", n)

	runs := h.GitHub.CheckRuns(owner, repo, sha)
	var got []string
	for _, r := range runs {
		got = append(got, r.Conclusion)
	}
	if len(runs) == 0 || runs[len(runs)-1].Conclusion != "neutral" {
		t.Errorf("runs concluded %v, want the latest neutral as the base policy is advisory again", got)
	}
	if len(runs) != 3 {
		t.Errorf("runs concluded %v, want one run per distinct result (3)", got)
	}
}

func TestDeliveryAfterRerunDoesNotPublishAnotherRun(t *testing.T) {
	h := harness(t)
	n, sha := openPull(t, h, "pm", map[string][]byte{"postmortems/checkout.md": testdata(t, "blameful.md")})
	deliverPull(t, h, "opened", n)
	h.Deliver("check_suite", h.GitHub.CheckSuiteWebhook(owner, repo, sha))
	h.WaitIdle()
	deliverPull(t, h, "edited", n)

	runs := h.GitHub.CheckRuns(owner, repo, sha)
	if len(runs) != 2 {
		t.Fatalf("want the first run and the re-run's (2), got %d", len(runs))
	}
	if last := runs[len(runs)-1]; last.Conclusion != "failure" || len(last.Annotations) != 3 {
		t.Errorf("latest run: conclusion %q with %d annotations", last.Conclusion, len(last.Annotations))
	}
}
