package server

import (
	"context"
	"fmt"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/event"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
)

// installations records where the app is installed, so periodic jobs
// (reminders, reconciliation) know which repositories to visit.
type installations struct{ env *feature.Env }

func newInstallations(env *feature.Env) *installations { return &installations{env: env} }

func (*installations) Name() string { return "installations" }

func (*installations) Events() []string {
	return []string{"installation", "installation_repositories"}
}

func (*installations) Wants(d *event.Delivery) bool {
	switch d.Action {
	case "created", "added", "deleted", "removed", "unsuspend":
		return d.InstallationID != 0
	}
	return false
}

func (h *installations) Work(ctx context.Context, d *event.Delivery) error {
	now := h.env.Clock.Now().Unix()
	switch d.Event {
	case "installation":
		var ev github.InstallationEvent
		if err := d.Decode(&ev); err != nil {
			return fmt.Errorf("decode installation event: %w", err)
		}
		if d.Action == "deleted" {
			return h.env.DB.ForgetInstallation(ctx, d.InstallationID)
		}
		return h.record(ctx, d.InstallationID, ev.Repositories, now)
	default:
		var ev github.InstallationRepositoriesEvent
		if err := d.Decode(&ev); err != nil {
			return fmt.Errorf("decode installation_repositories event: %w", err)
		}
		for _, r := range ev.RepositoriesRemoved {
			if err := h.env.DB.ForgetRepository(ctx, r.GetID()); err != nil {
				return err
			}
		}
		return h.record(ctx, d.InstallationID, ev.RepositoriesAdded, now)
	}
}

func (h *installations) record(ctx context.Context, installationID int64, repos []*github.Repository, now int64) error {
	for _, r := range repos {
		owner, name, ok := splitFullName(r.GetFullName())
		if !ok {
			continue
		}
		if err := h.env.DB.SaveRepository(ctx, installationID, r.GetID(), owner, name, now); err != nil {
			return err
		}
	}
	return nil
}

func splitFullName(full string) (string, string, bool) {
	for i := 0; i < len(full); i++ {
		if full[i] == '/' {
			return full[:i], full[i+1:], i > 0 && i < len(full)-1
		}
	}
	return "", "", false
}
