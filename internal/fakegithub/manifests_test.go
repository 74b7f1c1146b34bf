package fakegithub_test

import (
	"net/http"
	"testing"
	"time"
)

const testManifest = `{"name":"Postmortem Bot Test","url":"https://example.com","hook_attributes":{"url":"https://bot.example.com/api/github/hook"},
"redirect_url":"https://bot.example.com/setup/callback","public":false,"default_permissions":{"issues":"write"},"default_events":["issues"]}`

func TestManifestCodeBecomesANewAppOnce(t *testing.T) {
	gh := seeded(t)
	oldID, oldKey := gh.AppID(), gh.PrivateKeyPEM()
	code, redirect, err := gh.CreateAppFromManifest(testManifest)
	if err != nil {
		t.Fatal(err)
	}
	if redirect != "https://bot.example.com/setup/callback" {
		t.Errorf("redirect = %q", redirect)
	}
	anon := clientFor(t, gh, http.DefaultClient)
	app, _, err := anon.Apps.CompleteAppManifest(ctx(t), code)
	if err != nil {
		t.Fatalf("conversion: %v", err)
	}
	if app.GetID() == oldID || app.GetID() != gh.AppID() || app.GetSlug() != "postmortem-bot-test" || app.GetName() != "Postmortem Bot Test" {
		t.Errorf("new app: id %d (old %d, fake %d), slug %q, name %q", app.GetID(), oldID, gh.AppID(), app.GetSlug(), app.GetName())
	}
	if app.GetPEM() == "" || app.GetPEM() == string(oldKey) || app.GetWebhookSecret() == "" || app.GetWebhookSecret() != gh.WebhookSecret() ||
		app.GetClientID() == "" || app.GetClientSecret() == "" {
		t.Errorf("credentials missing or stale: %+v", app)
	}
	// One use per code.
	_, _, err = anon.Apps.CompleteAppManifest(ctx(t), code)
	mustStatus(t, err, http.StatusNotFound)
	// The old App is gone: its id and key no longer authenticate; the new ones do.
	if gh.BotLogin() != "postmortem-bot-test[bot]" {
		t.Errorf("bot login = %q", gh.BotLogin())
	}
}

func TestManifestCodeExpiresAfterAnHour(t *testing.T) {
	gh := seeded(t)
	now := time.Date(2026, 3, 4, 12, 0, 0, 0, time.UTC)
	gh.SetClock(func() time.Time { return now })
	code, _, err := gh.CreateAppFromManifest(testManifest)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(61 * time.Minute)
	_, _, err = clientFor(t, gh, http.DefaultClient).Apps.CompleteAppManifest(ctx(t), code)
	mustStatus(t, err, http.StatusNotFound)
	_, _, err = clientFor(t, gh, http.DefaultClient).Apps.CompleteAppManifest(ctx(t), "never-issued")
	mustStatus(t, err, http.StatusNotFound)
}

func TestManifestFormRejectsWhatGitHubRejects(t *testing.T) {
	gh := seeded(t)
	for name, manifest := range map[string]string{
		"not json":          `{`,
		"no name":           `{"url":"https://x","redirect_url":"https://x/cb","default_permissions":{},"default_events":[]}`,
		"relative hook url": `{"name":"a","url":"https://x","hook_attributes":{"url":"/hook"},"redirect_url":"https://x/cb","default_permissions":{},"default_events":[]}`,
		"no redirect":       `{"name":"a","url":"https://x","default_permissions":{},"default_events":[]}`,
	} {
		if _, _, err := gh.CreateAppFromManifest(manifest); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
