package server

import (
	"github.com/postmortem-bot/postmortem-bot/internal/actions"
	"github.com/postmortem-bot/postmortem-bot/internal/check"
	"github.com/postmortem-bot/postmortem-bot/internal/feature"
	"github.com/postmortem-bot/postmortem-bot/internal/incident"
)

// ProductFeatures builds every feature the app ships.
func ProductFeatures(env *feature.Env) ([]feature.Feature, error) {
	return []feature.Feature{
		newInstallations(env),
		incident.New(env),
		check.New(env),
		actions.New(env),
	}, nil
}
