package repo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/google/go-github/v60/github"

	"github.com/postmortem-bot/postmortem-bot/internal/ghclient"
)

// File reads a file at ref ("" for the default branch); found is false
// when it does not exist there. The contents API serves files up to 1 MB:
// templates and policies, not postmortems under review (see Blob).
func (c *Client) File(ctx context.Context, filePath, ref string) (content []byte, found bool, err error) {
	fc, _, _, err := c.gh.Repositories.GetContents(ctx, c.owner, c.name, filePath, &github.RepositoryContentGetOptions{Ref: ref})
	if IsGone(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, c.errorf("read %s at %q: %w", filePath, ref, err)
	}
	if fc == nil {
		return nil, false, c.errorf("read %s at %q: it is a directory", filePath, ref)
	}
	text, err := fc.GetContent()
	if err != nil {
		return nil, false, c.errorf("decode %s at %q: %w", filePath, ref, err)
	}
	return []byte(text), true, nil
}

// Blob reads a file's content by its blob SHA through the git blobs API
// (files up to 100 MB), raw. The answer's length is checked before its body
// is read: a blob over limit bytes is never downloaded, and Blob returns its
// size with no content. unreadable explains content GitHub cannot serve
// (not an error: the caller reports it as a finding).
func (c *Client) Blob(ctx context.Context, sha string, limit int64) (content []byte, size int64, unreadable string, err error) {
	if sha == "" {
		return nil, 0, "GitHub listed the file without its content's SHA, so it could not be read.", nil
	}
	req, err := c.gh.NewRequest("GET", fmt.Sprintf("repos/%s/%s/git/blobs/%s", c.owner, c.name, sha), nil)
	if err != nil {
		return nil, 0, "", c.errorf("read blob %s: %w", sha, err)
	}
	req.Header.Set("Accept", "application/vnd.github.raw+json")
	resp, err := c.gh.BareDo(ctx, req)
	if IsGone(err) || ghclient.IsStatus(err, 403) && strings.Contains(err.Error(), "too_large") {
		return nil, 0, fmt.Sprintf("GitHub could not serve the file's content (blob %s): %v", sha, err), nil
	}
	if err != nil {
		return nil, 0, "", c.errorf("read blob %s: %w", sha, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > limit {
		return nil, resp.ContentLength, "", nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, 0, "", c.errorf("read blob %s: %w", sha, err)
	}
	if int64(len(data)) > limit {
		return nil, int64(len(data)), "", nil // GitHub did not say its length; this is at least it
	}
	return data, int64(len(data)), "", nil
}

// BranchSHA is the commit a branch points at.
func (c *Client) BranchSHA(ctx context.Context, branch string) (string, error) {
	ref, _, err := c.gh.Git.GetRef(ctx, c.owner, c.name, "heads/"+branch)
	if err != nil {
		return "", c.errorf("read branch %s: %w", branch, err)
	}
	return ref.GetObject().GetSHA(), nil
}

// ErrBranchExists says a branch to create was already there.
var ErrBranchExists = errors.New("branch already exists")

// CreateBranch creates a branch at sha; one that exists answers
// ErrBranchExists.
func (c *Client) CreateBranch(ctx context.Context, branch, sha string) error {
	_, _, err := c.gh.Git.CreateRef(ctx, c.owner, c.name, &github.Reference{
		Ref: github.String("refs/heads/" + branch), Object: &github.GitObject{SHA: github.String(sha)},
	})
	if IsRefused(err) {
		return c.errorf("create branch %s: %w (%v)", branch, ErrBranchExists, err)
	}
	if err != nil {
		return c.errorf("create branch %s: %w", branch, err)
	}
	return nil
}

// CreateFile commits a new file to a branch.
func (c *Client) CreateFile(ctx context.Context, branch, filePath, message string, content []byte) error {
	_, _, err := c.gh.Repositories.CreateFile(ctx, c.owner, c.name, filePath, &github.RepositoryContentFileOptions{
		Message: github.String(message), Content: content, Branch: github.String(branch),
	})
	if err != nil {
		return c.errorf("commit %s to %s: %w", filePath, branch, err)
	}
	return nil
}

// FilesAdded lists, sorted, the files at commit head that commit base does
// not have, among those keep accepts. It compares the two commits' trees.
func (c *Client) FilesAdded(ctx context.Context, base, head string, keep func(path string) bool) ([]string, error) {
	before, err := c.treeFiles(ctx, base, keep)
	if err != nil {
		return nil, err
	}
	after, err := c.treeFiles(ctx, head, keep)
	if err != nil {
		return nil, err
	}
	var added []string
	for f := range after {
		if !before[f] {
			added = append(added, f)
		}
	}
	sort.Strings(added)
	return added, nil
}

// treeFiles lists the files in a commit's tree that keep accepts.
func (c *Client) treeFiles(ctx context.Context, commit string, keep func(path string) bool) (map[string]bool, error) {
	tree, _, err := c.gh.Git.GetTree(ctx, c.owner, c.name, commit, true)
	if err != nil {
		return nil, c.errorf("list files at %s: %w", commit, err)
	}
	if tree.GetTruncated() {
		return nil, c.errorf("list files at %s: GitHub truncated the tree", commit)
	}
	out := map[string]bool{}
	for _, e := range tree.Entries {
		if e.GetType() == "blob" && keep(e.GetPath()) {
			out[e.GetPath()] = true
		}
	}
	return out, nil
}
