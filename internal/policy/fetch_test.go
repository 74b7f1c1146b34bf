package policy

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/fakegithub"
)

// fakeOwner seeds the fake GitHub with repositories holding files (path →
// content, on main) and returns a client installed on them.
func fakeOwner(t *testing.T, repos map[string]map[string]string) (*fakegithub.Server, *github.Client) {
	t.Helper()
	gh := fakegithub.New(t)
	owners := map[string]bool{}
	for full, files := range repos {
		owner, name, _ := strings.Cut(full, "/")
		gh.AddRepo(owner, name)
		owners[owner] = true
		for p, content := range files {
			gh.CommitFile(owner, name, "main", p, []byte(content), "policy")
		}
	}
	if len(owners) != 1 {
		t.Fatalf("fakeOwner wants one owner, got %v", owners)
	}
	var owner string
	for o := range owners {
		owner = o
	}
	gh.AddInstallation(1, owner)
	c := github.NewClient(gh.Client()).WithAuthToken(gh.InstallationToken(1))
	c.BaseURL, _ = url.Parse(gh.URL() + "/")
	return gh, c
}

func TestFetchPrefersRepositoryThenOrganisationThenDefaults(t *testing.T) {
	_, client := fakeOwner(t, map[string]map[string]string{
		"acme/.github": {".github/postmortem.yml": "postmortem:\n  directory: incidents\n", "postmortem.yml": "postmortem:\n  directory: shadowed\n"},
		"acme/shop":    {".github/postmortem.yml": "check:\n  mode: advisory\n"},
		"acme/api":     {},
		"acme/app":     {".github/postmortem.yaml": "postmortem:\n  due_days: 9\n"},
	})
	ctx := context.Background()
	p, src, err := Fetch(ctx, client, "acme", "shop", "main")
	if err != nil {
		t.Fatal(err)
	}
	if p.Check.Mode != ModeAdvisory || p.Postmortem.Directory != "postmortems" || src != (Source{Repo: "acme/shop", Path: ".github/postmortem.yml", Ref: "main"}) {
		t.Errorf("repository file: mode %q dir %q from %+v", p.Check.Mode, p.Postmortem.Directory, src)
	}
	p, src, err = Fetch(ctx, client, "acme", "api", "")
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.Directory != "incidents" || src != (Source{Repo: "acme/.github", Path: ".github/postmortem.yml", Ref: "main"}) {
		t.Errorf("organisation file: dir %q from %+v", p.Postmortem.Directory, src)
	}
	p, src, err = Fetch(ctx, client, "acme", "app", "main")
	if err != nil || p.Postmortem.DueDays != 9 || src.Path != ".github/postmortem.yaml" {
		t.Errorf(".yaml spelling: %v, due %d, from %+v", err, p.Postmortem.DueDays, src)
	}
}

func TestFetchReadsTheOrganisationRootAndFallsBackToDefaults(t *testing.T) {
	_, client := fakeOwner(t, map[string]map[string]string{
		"beta/.github": {"postmortem.yml": "postmortem:\n  directory: root-of-org-repo\n"},
		"beta/app":     {},
	})
	p, src, err := Fetch(context.Background(), client, "beta", "app", "main")
	if err != nil || p.Postmortem.Directory != "root-of-org-repo" || src.Path != "postmortem.yml" {
		t.Errorf("organisation file at the root: %v, dir %q from %+v", err, p.Postmortem.Directory, src)
	}
	_, client = fakeOwner(t, map[string]map[string]string{"solo/app": {}})
	p, src, err = Fetch(context.Background(), client, "solo", "app", "main")
	if err != nil || !src.Default || p.Postmortem.DueDays != 5 {
		t.Errorf("no file anywhere: %v, %+v", err, src)
	}
}

func TestFetchNamesTheRepositoryOfAnInvalidFile(t *testing.T) {
	_, client := fakeOwner(t, map[string]map[string]string{
		"acme/.github": {"postmortem.yml": "check:\n  mode: strict\n"},
		"acme/shop":    {},
	})
	_, _, err := Fetch(context.Background(), client, "acme", "shop", "main")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("want *policy.Error, got %T %v", err, err)
	}
	if want := `acme/.github@main:postmortem.yml:2:3: check.mode: must be "enforce" or "advisory"`; err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

func TestFetchFollowsRemoteReferenceWithinTheOwner(t *testing.T) {
	_, client := fakeOwner(t, map[string]map[string]string{
		"acme/.github": {".github/strict.yml": "postmortem:\n  due_days: 2\n"},
		"acme/shop":    {".github/postmortem.yml": "remote: acme/.github\npath: .github/strict.yml\n"},
	})
	p, src, err := Fetch(context.Background(), client, "acme", "shop", "main")
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.DueDays != 2 || src != (Source{Repo: "acme/.github", Path: ".github/strict.yml", Ref: "main"}) {
		t.Errorf("due %d from %+v", p.Postmortem.DueDays, src)
	}
}

// A remote reference could make the app read any file the installation
// sees and quote it back; it may only name a policy-shaped file of the
// owner's .github repository (or an allowed one), and nothing is read otherwise.
func TestFetchRefusesRemoteReferencesOutsideTheRules(t *testing.T) {
	const secret = "PROD_DB_PASSWORD=hunter2"
	cases := []struct {
		name, ref, want string
	}{
		{"another repository of the owner", "remote: acme/secrets\npath: .github/postmortem.yml\n",
			`acme/shop@main:.github/postmortem.yml:1:9: remote: must name the same owner's .github repository, or a repository the app's settings allow (policy_remotes)`},
		{"a file that is not a policy", "remote: acme/.github\npath: deploy/prod.env\n",
			`acme/shop@main:.github/postmortem.yml:2:7: path: must be a YAML file directly in the .github folder, like .github/postmortem.yml`},
		{"a workflow", "remote: acme/.github\npath: .github/workflows/deploy.yml\n",
			`acme/shop@main:.github/postmortem.yml:2:7: path: must be a YAML file directly in the .github folder, like .github/postmortem.yml`},
		{"another owner", "remote: evil/.github\n",
			`acme/shop@main:.github/postmortem.yml:1:9: remote: must name the same owner's .github repository, or a repository the app's settings allow (policy_remotes)`},
		{"a strange ref", "remote: acme/.github\nref: ../main\n",
			`acme/shop@main:.github/postmortem.yml:2:6: ref: must be a branch, tag or commit SHA`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			gh, client := fakeOwner(t, map[string]map[string]string{
				"acme/.github": {"deploy/prod.env": secret + "\n", ".github/workflows/deploy.yml": secret + "\n"},
				"acme/secrets": {".github/postmortem.yml": secret + "\n"},
				"acme/shop":    {".github/postmortem.yml": c.ref},
			})
			_, _, err := Fetch(context.Background(), client, "acme", "shop", "main")
			var perr *Error
			if !errors.As(err, &perr) || err.Error() != c.want {
				t.Fatalf("got  %v\nwant %s", err, c.want)
			}
			if n := gh.CountRequests("GET", "/repos/acme/secrets") + gh.CountRequests("GET", "/repos/acme/.github"); n != 0 {
				t.Errorf("the refused remote was read anyway (%d requests)", n)
			}
		})
	}
}

func TestFetchFollowsAnAllowedRemote(t *testing.T) {
	AllowRemotes([]string{"acme/policies"})
	t.Cleanup(func() { AllowRemotes(nil) })
	_, client := fakeOwner(t, map[string]map[string]string{
		"acme/policies": {".github/postmortem.yml": "postmortem:\n  due_days: 3\n"},
		"acme/shop":     {".github/postmortem.yml": "remote: acme/policies\n"},
	})
	p, src, err := Fetch(context.Background(), client, "acme", "shop", "main")
	if err != nil || p.Postmortem.DueDays != 3 || src.Repo != "acme/policies" {
		t.Fatalf("got %v, due %d from %+v", err, p.Postmortem.DueDays, src)
	}
}

func TestFetchRefusesAnOversizedPolicyWithoutDownloadingIt(t *testing.T) {
	big := "# " + strings.Repeat("x", MaxFileBytes) + "\ncheck:\n  mode: advisory\n"
	gh, client := fakeOwner(t, map[string]map[string]string{"acme/shop": {".github/postmortem.yml": big}})
	_, _, err := Fetch(context.Background(), client, "acme", "shop", "main")
	var perr *Error
	if !errors.As(err, &perr) || !strings.Contains(err.Error(), "a policy file may hold at most 65536, so it was not read") {
		t.Fatalf("got %v", err)
	}
	if n := gh.CountRequests("GET", "/repos/acme/shop/git/blobs") + gh.CountRequests("GET", "/repos/acme/shop/contents/.github/postmortem.yml"); n != 0 {
		t.Errorf("the oversized file was downloaded (%d requests)", n)
	}
}

func TestFetchRefusesARemoteThatPointsOn(t *testing.T) {
	_, client := fakeOwner(t, map[string]map[string]string{
		"acme/.github": {".github/postmortem.yml": "remote: acme/.github\npath: .github/other.yml\n"},
		"acme/shop":    {".github/postmortem.yml": "remote: acme/.github\n"},
	})
	_, _, err := Fetch(context.Background(), client, "acme", "shop", "main")
	if want := `acme/.github@main:.github/postmortem.yml:1:9: remote: a remote policy may not refer to another one`; err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
}
