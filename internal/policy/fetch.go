package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/go-github/v60/github"
	"github.com/palantir/go-githubapp/appconfig"
)

// Paths where a repository keeps its policy, in the order they are tried.
var Paths = []string{".github/postmortem.yml", ".github/postmortem.yaml"}

// Source says where a policy came from.
type Source struct {
	Repo    string // owner/name holding the file; "" for the defaults
	Path    string // path of the file in Repo
	Ref     string // branch, tag or SHA the file was read at
	Default bool   // no file anywhere: the built-in defaults apply
}

func (s Source) String() string {
	if s.Default {
		return "built-in defaults (" + DefaultFile + ")"
	}
	return fmt.Sprintf("%s@%s:%s", s.Repo, s.Ref, s.Path)
}

// OrgPaths are tried in the organisation's ".github" repository when a
// repository has no policy of its own: the same paths, then the repository
// root as appconfig's convention has it.
var OrgPaths = []string{".github/postmortem.yml", ".github/postmortem.yaml", "postmortem.yml", "postmortem.yaml"}

var loader = appconfig.NewLoader(Paths, appconfig.WithOwnerDefault(".github", OrgPaths))

// Fetch loads the policy for owner/repo at ref (empty: the default branch).
// It reads the repository's own file, following a remote reference, else the
// one in the organisation's .github repository, else uses the defaults. An
// invalid file gives an *Error naming the repository and path it came from.
func Fetch(ctx context.Context, client *github.Client, owner, repo, ref string) (*Policy, Source, error) {
	c, err := loader.LoadConfig(ctx, client, owner, repo, ref)
	src := sourceOf(c)
	if err != nil {
		return nil, src, fmt.Errorf("load postmortem policy for %s/%s from %s: %w", owner, repo, src, err)
	}
	if c.IsUndefined() {
		p, err := Default()
		return p, Source{Default: true}, err
	}
	p, err := Parse(c.Path, c.Content)
	if err != nil {
		var perr *Error
		if errors.As(err, &perr) {
			perr.Repo = c.Source
		}
		return nil, src, err
	}
	return p, src, nil
}

// sourceOf splits appconfig's "owner/name@ref" source.
func sourceOf(c appconfig.Config) Source {
	repo, ref, _ := strings.Cut(c.Source, "@")
	return Source{Repo: repo, Path: c.Path, Ref: ref}
}
