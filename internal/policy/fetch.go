package policy

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"

	"github.com/google/go-github/v60/github"
)

// Paths where a repository keeps its policy, in the order they are tried.
var Paths = []string{".github/postmortem.yml", ".github/postmortem.yaml"}

// OrgPaths are tried in the owner's ".github" repository when a repository
// has no policy of its own: the same paths, then the repository root.
var OrgPaths = []string{".github/postmortem.yml", ".github/postmortem.yaml", "postmortem.yml", "postmortem.yaml"}

// orgRepo is the owner's repository of shared settings, GitHub's convention.
const orgRepo = ".github"

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

// fetch loads the policy for owner/repo at ref (empty: the default branch).
// It reads the repository's own file, following a remote reference, else the
// one in the owner's .github repository, else uses the defaults. A file is
// sized from its directory listing and never downloaded when it is over
// MaxFileBytes. An invalid file, or a remote reference that leaves the owner
// (see CheckRemote), gives an *Error naming the repository and path it came
// from. Fetch (observe.go) wraps it.
func fetch(ctx context.Context, client *github.Client, owner, repo, ref string) (*Policy, Source, error) {
	r := reader{c: client}
	src := Source{Repo: owner + "/" + repo, Ref: ref}
	content, src, err := r.firstOf(ctx, src, Paths)
	if err == nil && content == nil {
		content, src, err = r.orgDefault(ctx, owner)
	}
	if err == nil && content == nil {
		p, err := Default()
		return p, Source{Default: true}, err
	}
	if err == nil {
		var remote *RemoteRef
		remote, err = CheckRemote(src.Path, content, owner)
		if err == nil && remote != nil {
			content, src, err = r.remote(ctx, *remote)
		}
	}
	if err != nil {
		return nil, src, withSource(err, src, owner, repo)
	}
	p, err := Parse(src.Path, content)
	if err != nil {
		return nil, src, withSource(err, src, owner, repo)
	}
	return p, src, nil
}

// withSource names where an error happened: a policy problem gets the
// repository it is in, anything else is wrapped for the logs.
func withSource(err error, src Source, owner, repo string) error {
	var perr *Error
	if errors.As(err, &perr) {
		perr.Repo = src.Repo + "@" + src.Ref
		if perr.File == "" {
			perr.File = src.Path
		}
		return err
	}
	return fmt.Errorf("load postmortem policy for %s/%s from %s: %w", owner, repo, src, err)
}

// ReadFile reads one policy-sized file at ref, sized from its directory
// listing first: nil content and no error when it does not exist, an *Error
// when it is over MaxFileBytes (and then it is not downloaded).
func ReadFile(ctx context.Context, client *github.Client, owner, repo, ref, file string) ([]byte, error) {
	r := reader{c: client}
	content, _, err := r.firstOf(ctx, Source{Repo: owner + "/" + repo, Ref: ref}, []string{file})
	return content, err
}

// reader reads policy files through the contents and blobs APIs.
type reader struct{ c *github.Client }

// firstOf reads the first of files that exists in src.Repo at src.Ref. The
// returned Source says which one (its Path is the last tried when none exists).
func (r reader) firstOf(ctx context.Context, src Source, files []string) ([]byte, Source, error) {
	owner, repo, _ := strings.Cut(src.Repo, "/")
	listings := map[string][]entry{}
	for _, f := range files {
		src.Path = f
		dir := path.Dir(f)
		entries, seen := listings[dir]
		if !seen {
			var err error
			entries, err = r.list(ctx, owner, repo, src.Ref, dir)
			if err != nil {
				return nil, src, err
			}
			listings[dir] = entries
		}
		for _, e := range entries {
			if e.name != path.Base(f) || !e.file {
				continue
			}
			if e.size > MaxFileBytes {
				return nil, src, &Error{File: f, Message: fmt.Sprintf("the file is %d bytes; a policy file may hold at most %d, so it was not read", e.size, MaxFileBytes)}
			}
			content, err := r.blob(ctx, owner, repo, e.sha)
			if err != nil {
				return nil, src, fmt.Errorf("read %s: %w", f, err)
			}
			if len(content) > MaxFileBytes {
				return nil, src, &Error{File: f, Message: fmt.Sprintf("the file is %d bytes; a policy file may hold at most %d", len(content), MaxFileBytes)}
			}
			return content, src, nil
		}
	}
	return nil, src, nil
}

// entry is one file or folder of a directory listing.
type entry struct {
	name string
	file bool
	size int
	sha  string
}

// list lists a directory without the files' content; a missing directory
// (or repository) lists nothing. The repository root is listed through its
// git tree, other folders through the contents API.
func (r reader) list(ctx context.Context, owner, repo, ref, dir string) ([]entry, error) {
	var out []entry
	if dir == "." || dir == "" {
		tree, _, err := r.c.Git.GetTree(ctx, owner, repo, ref, false)
		if notFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("list the root of %s/%s at %q: %w", owner, repo, ref, err)
		}
		for _, e := range tree.Entries {
			out = append(out, entry{name: e.GetPath(), file: e.GetType() == "blob", size: e.GetSize(), sha: e.GetSHA()})
		}
		return out, nil
	}
	file, entries, _, err := r.c.Repositories.GetContents(ctx, owner, repo, dir, &github.RepositoryContentGetOptions{Ref: ref})
	if notFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s/%s:%s at %q: %w", owner, repo, dir, ref, err)
	}
	if file != nil {
		return nil, nil // a file where the folder should be
	}
	for _, e := range entries {
		out = append(out, entry{name: e.GetName(), file: e.GetType() == "file", size: e.GetSize(), sha: e.GetSHA()})
	}
	return out, nil
}

func (r reader) blob(ctx context.Context, owner, repo, sha string) ([]byte, error) {
	b, _, err := r.c.Git.GetBlob(ctx, owner, repo, sha)
	if err != nil {
		return nil, fmt.Errorf("blob %s: %w", sha, err)
	}
	switch b.GetEncoding() {
	case "base64":
		data, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(b.GetContent(), "\n", ""))
		if err != nil {
			return nil, fmt.Errorf("decode blob %s: %w", sha, err)
		}
		return data, nil
	case "utf-8", "":
		return []byte(b.GetContent()), nil
	}
	return nil, fmt.Errorf("blob %s in unknown encoding %q", sha, b.GetEncoding())
}

// orgDefault reads the policy of the owner's .github repository, on its
// default branch. No such repository or file means no policy.
func (r reader) orgDefault(ctx context.Context, owner string) ([]byte, Source, error) {
	src := Source{Repo: owner + "/" + orgRepo}
	repo, _, err := r.c.Repositories.Get(ctx, owner, orgRepo)
	if notFound(err) {
		return nil, src, nil
	}
	if err != nil {
		return nil, src, fmt.Errorf("get %s: %w", src.Repo, err)
	}
	src.Ref = repo.GetDefaultBranch()
	return r.firstOf(ctx, src, OrgPaths)
}

// remote reads the file a remote reference names. It must exist: a
// reference to nothing is a mistake worth reporting, not a reason to fall
// back to the defaults.
func (r reader) remote(ctx context.Context, ref RemoteRef) ([]byte, Source, error) {
	owner, name, _ := strings.Cut(ref.Remote, "/")
	src := Source{Repo: ref.Remote, Ref: ref.Ref, Path: ref.Path}
	if src.Ref == "" {
		repo, _, err := r.c.Repositories.Get(ctx, owner, name)
		if notFound(err) {
			return nil, src, &Error{File: src.Path, Message: "the remote repository does not exist, or the app cannot read it"}
		}
		if err != nil {
			return nil, src, fmt.Errorf("get %s: %w", ref.Remote, err)
		}
		src.Ref = repo.GetDefaultBranch()
	}
	content, src, err := r.firstOf(ctx, src, []string{ref.Path})
	if err != nil {
		return nil, src, err
	}
	if content == nil {
		return nil, src, &Error{File: src.Path, Message: "the remote policy file does not exist"}
	}
	if again, _ := parseRemote(src.Path, content); again != nil {
		return nil, src, &Error{File: src.Path, Line: again.line, Column: again.column, Key: "remote", Message: "a remote policy may not refer to another one"}
	}
	return content, src, nil
}

func notFound(err error) bool {
	var rerr *github.ErrorResponse
	return errors.As(err, &rerr) && rerr.Response != nil && rerr.Response.StatusCode == http.StatusNotFound
}
