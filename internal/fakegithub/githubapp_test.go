package fakegithub_test

import (
	"testing"

	"github.com/google/go-github/v60/github"
	"github.com/gregjones/httpcache"
	"github.com/palantir/go-githubapp/githubapp"
)

// The bot builds its clients with go-githubapp; this checks that path works
// against the fake exactly as the server will configure it.
func TestGoGitHubAppClientCreatorTalksToTheFake(t *testing.T) {
	gh := seeded(t)
	creator, err := githubapp.NewDefaultCachingClientCreator(githubapp.Config{
		V3APIURL: gh.URL() + "/",
		V4APIURL: gh.URL() + "/graphql",
		App: struct {
			IntegrationID int64  `yaml:"integration_id" json:"integrationId"`
			WebhookSecret string `yaml:"webhook_secret" json:"webhookSecret"`
			PrivateKey    string `yaml:"private_key" json:"privateKey"`
		}{IntegrationID: gh.AppID(), PrivateKey: string(gh.PrivateKeyPEM())},
	}, githubapp.WithClientCaching(true, func() httpcache.Cache { return httpcache.NewMemoryCache() }))
	if err != nil {
		t.Fatal(err)
	}
	client, err := creator.NewInstallationClient(installationID)
	if err != nil {
		t.Fatal(err)
	}
	cx := ctx(t)
	issue, _, err := client.Issues.Create(cx, owner, repoName, &github.IssueRequest{Title: github.String("via go-githubapp")})
	if err != nil {
		t.Fatalf("create issue: %v", err)
	}
	if _, _, err := client.Issues.Get(cx, owner, repoName, issue.GetNumber()); err != nil {
		t.Fatal(err)
	}
	// The caching transport revalidates with If-None-Match; the fake answers 304.
	if _, _, err := client.Issues.Get(cx, owner, repoName, issue.GetNumber()); err != nil {
		t.Fatalf("cached read: %v", err)
	}
	var revalidated bool
	for _, r := range gh.Requests() {
		revalidated = revalidated || r.NotModified()
	}
	if !revalidated {
		t.Error("the caching client never got a 304 from the fake")
	}
	app, err := creator.NewAppClient()
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := app.Apps.Get(cx, ""); err != nil || got.GetSlug() != gh.AppSlug() {
		t.Errorf("app slug = %q, %v", got.GetSlug(), err)
	}
}
