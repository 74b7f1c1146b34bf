package server_test

import (
	"context"
	"slices"
	"testing"

	"github.com/postmortem-bot/postmortem-bot/internal/servertest"
)

func repositories(t *testing.T, h *servertest.Harness) []string {
	t.Helper()
	repos, err := h.Server.DB().Repositories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range repos {
		out = append(out, r.Owner+"/"+r.Name)
	}
	slices.Sort(out)
	return out
}

func TestInstallationEventsKeepTheRepositoryListTrue(t *testing.T) {
	h := servertest.Start(t, servertest.Options{})
	gh := h.GitHub
	gh.AddInstallation(77, owner)
	gh.AddRepo(owner, repo)
	gh.AddRepo(owner, "ledger")

	h.Deliver("installation", gh.InstallationWebhook(77, "kim"))
	h.WaitIdle()
	both := []string{owner + "/ledger", owner + "/" + repo}
	if got := repositories(t, h); !slices.Equal(got, both) {
		t.Fatalf("after installation.created: %v, want %v", got, both)
	}

	// A repository removed from the installation is forgotten...
	removed := gh.Webhook("installation", "created", func(p map[string]any) {
		p["action"] = "removed"
		p["installation"] = map[string]any{"id": 77}
		p["repositories_removed"] = []any{map[string]any{"id": repoID(t, h, "ledger"), "name": "ledger", "full_name": owner + "/ledger"}}
		p["repositories_added"] = []any{}
		delete(p, "repositories")
	})
	h.Deliver("installation_repositories", removed)
	h.WaitIdle()
	if got := repositories(t, h); len(got) != 1 || got[0] != owner+"/"+repo {
		t.Fatalf("after removal: %v", got)
	}

	// ...and uninstalling forgets the rest; reinstalling brings them back.
	deleted := gh.Webhook("installation", "created", func(p map[string]any) {
		p["action"] = "deleted"
		p["installation"] = map[string]any{"id": 77}
	})
	h.Deliver("installation", deleted)
	h.WaitIdle()
	if got := repositories(t, h); len(got) != 0 {
		t.Fatalf("after uninstall: %v", got)
	}
	h.Deliver("installation", gh.InstallationWebhook(77, "kim"))
	h.WaitIdle()
	if got := repositories(t, h); !slices.Equal(got, both) {
		t.Fatalf("after reinstall: %v, want %v", got, both)
	}
}

func repoID(t *testing.T, h *servertest.Harness, name string) int64 {
	t.Helper()
	repos, err := h.Server.DB().Repositories(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range repos {
		if r.Name == name {
			return r.ID
		}
	}
	t.Fatalf("repository %s not recorded", name)
	return 0
}
