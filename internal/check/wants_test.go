package check

import (
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
)

func TestWantsOpenPullRequestsAndOwnRerunsOnly(t *testing.T) {
	pull := func(action, state string) *event.Delivery {
		return &event.Delivery{Event: "pull_request", Action: action, InstallationID: 1, Owner: "acme", Repo: "shop",
			Payload: []byte(`{"pull_request":{"number":3,"state":"` + state + `","head":{"sha":"abc"},"base":{"ref":"main"}}}`)}
	}
	suite := func(prs string) *event.Delivery {
		return &event.Delivery{Event: "check_suite", Action: "rerequested", InstallationID: 1, Owner: "acme", Repo: "shop",
			Payload: []byte(`{"check_suite":{"head_sha":"abc","pull_requests":` + prs + `}}`)}
	}
	run := func(name string) *event.Delivery {
		return &event.Delivery{Event: "check_run", Action: "rerequested", InstallationID: 1, Owner: "acme", Repo: "shop",
			Payload: []byte(`{"check_run":{"name":"` + name + `","head_sha":"abc","pull_requests":[{"number":3,"head":{"sha":"abc"},"base":{"ref":"main"}}]}}`)}
	}
	noInstall := pull("opened", "open")
	noInstall.InstallationID = 0
	broken := pull("opened", "open")
	broken.Payload = []byte(`{"pull_request":`)
	for _, tc := range []struct {
		name string
		d    *event.Delivery
		want bool
	}{
		{"opened", pull("opened", "open"), true},
		{"synchronize", pull("synchronize", "open"), true},
		{"reopened", pull("reopened", "open"), true},
		{"edited", pull("edited", "open"), true},
		{"edited after closing", pull("edited", "closed"), false},
		{"closed", pull("closed", "closed"), false},
		{"labeled", pull("labeled", "open"), false},
		{"no installation", noInstall, false},
		{"truncated payload", broken, false},
		{"suite with a pull request", suite(`[{"number":3,"head":{"sha":"abc"},"base":{"ref":"main"}}]`), true},
		{"suite without pull requests", suite(`[]`), false},
		{"suite for another head", suite(`[{"number":3,"head":{"sha":"def"},"base":{"ref":"main"}}]`), false},
		{"our run", run("postmortem"), true},
		{"another app's run", run("build"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := (&Handler{}).Wants(tc.d); got != tc.want {
				t.Errorf("Wants = %v, want %v", got, tc.want)
			}
		})
	}
}
