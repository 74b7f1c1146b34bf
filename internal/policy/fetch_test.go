package policy

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-github/v60/github"
)

// fakeRepos serves the two GitHub endpoints the policy loader reads:
// repository metadata and file contents.
type fakeRepos struct {
	files map[string]string // "owner/repo@ref:path" -> content
	repos map[string]string // "owner/repo" -> default branch
}

func (f fakeRepos) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.SplitN(strings.TrimPrefix(r.URL.Path, "/repos/"), "/", 4)
	switch {
	case len(parts) == 2:
		branch, ok := f.repos[parts[0]+"/"+parts[1]]
		if !ok {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{"name": parts[1], "default_branch": branch})
	case len(parts) == 4 && parts[2] == "contents":
		key := parts[0] + "/" + parts[1] + "@" + r.URL.Query().Get("ref") + ":" + parts[3]
		content, ok := f.files[key]
		if !ok {
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]string{
			"type": "file", "encoding": "base64", "path": parts[3],
			"content": base64.StdEncoding.EncodeToString([]byte(content)),
		})
	default:
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}

func fakeClient(t *testing.T, f fakeRepos) *github.Client {
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := github.NewClient(srv.Client())
	c.BaseURL, _ = url.Parse(srv.URL + "/")
	return c
}

func TestFetchPrefersRepositoryThenOrganisationThenDefaults(t *testing.T) {
	f := fakeRepos{
		repos: map[string]string{"acme/.github": "main", "acme/shop": "main", "beta/.github": "main"},
		files: map[string]string{
			"acme/shop@main:.github/postmortem.yml":    "check:\n  mode: advisory\n",
			"acme/.github@main:.github/postmortem.yml": "postmortem:\n  directory: incidents\n",
			"acme/.github@main:postmortem.yml":         "postmortem:\n  directory: shadowed\n",
			"beta/.github@main:postmortem.yml":         "postmortem:\n  directory: root-of-org-repo\n",
			"solo/app@main:.github/postmortem.yaml":    "postmortem:\n  due_days: 9\n",
		},
	}
	client := fakeClient(t, f)
	ctx := context.Background()

	p, src, err := Fetch(ctx, client, "acme", "shop", "main")
	if err != nil {
		t.Fatal(err)
	}
	if p.Check.Mode != ModeAdvisory || p.Postmortem.Directory != "postmortems" || src != (Source{Repo: "acme/shop", Path: ".github/postmortem.yml", Ref: "main"}) {
		t.Errorf("repository file: mode %q dir %q from %+v", p.Check.Mode, p.Postmortem.Directory, src)
	}

	p, src, err = Fetch(ctx, client, "acme", "api", "main")
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.Directory != "incidents" || p.Check.Mode != ModeEnforce || src.Repo != "acme/.github" || src.Path != ".github/postmortem.yml" {
		t.Errorf("organisation file: dir %q from %+v", p.Postmortem.Directory, src)
	}

	p, src, err = Fetch(ctx, client, "beta", "app", "main")
	if err != nil || p.Postmortem.Directory != "root-of-org-repo" || src.Path != "postmortem.yml" {
		t.Errorf("organisation file at the root: %v, dir %q from %+v", err, p.Postmortem.Directory, src)
	}

	p, src, err = Fetch(ctx, client, "solo", "app", "main")
	if err != nil || p.Postmortem.DueDays != 9 || src.Path != ".github/postmortem.yaml" {
		t.Errorf(".yaml spelling: %v, due %d, from %+v", err, p.Postmortem.DueDays, src)
	}

	p, src, err = Fetch(ctx, client, "other", "thing", "main")
	if err != nil || !src.Default || p.Postmortem.DueDays != 5 {
		t.Errorf("no file anywhere: %v, %+v", err, src)
	}
}

func TestFetchNamesTheRepositoryOfAnInvalidFile(t *testing.T) {
	client := fakeClient(t, fakeRepos{
		repos: map[string]string{"acme/.github": "trunk"},
		files: map[string]string{"acme/.github@trunk:postmortem.yml": "check:\n  mode: strict\n"},
	})
	_, _, err := Fetch(context.Background(), client, "acme", "shop", "main")
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("want *policy.Error, got %T %v", err, err)
	}
	if want := `acme/.github@trunk:postmortem.yml:2:3: check.mode: must be "enforce" or "advisory"`; err.Error() != want {
		t.Errorf("got  %s\nwant %s", err, want)
	}
}

func TestFetchFollowsRemoteReference(t *testing.T) {
	client := fakeClient(t, fakeRepos{
		repos: map[string]string{"acme/policies": "main"},
		files: map[string]string{
			"acme/shop@main:.github/postmortem.yml": "remote: acme/policies\npath: strict.yml\n",
			"acme/policies@main:strict.yml":         "postmortem:\n  due_days: 2\n",
		},
	})
	p, src, err := Fetch(context.Background(), client, "acme", "shop", "main")
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.DueDays != 2 || src != (Source{Repo: "acme/policies", Path: "strict.yml", Ref: "main"}) {
		t.Errorf("due %d from %+v", p.Postmortem.DueDays, src)
	}
}
