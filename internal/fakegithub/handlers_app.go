package fakegithub

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"
)

func (s *Server) renderInstallation(inst *installation) map[string]any {
	return map[string]any{
		"id":                   inst.id,
		"app_id":               s.appID,
		"app_slug":             s.appSlug,
		"target_type":          s.user(inst.account).kind,
		"target_id":            s.user(inst.account).id,
		"single_file_name":     nil,
		"suspended_by":         nil,
		"suspended_at":         nil,
		"account":              s.renderUser(inst.account),
		"repository_selection": "selected",
		"access_tokens_url":    fmt.Sprintf("%s/app/installations/%d/access_tokens", s.URL(), inst.id),
		"repositories_url":     s.URL() + "/installation/repositories",
		"html_url":             fmt.Sprintf("%s/settings/installations/%d", htmlBase, inst.id),
		"permissions":          map[string]any{"contents": "write", "issues": "write", "pull_requests": "write", "checks": "write", "metadata": "read"},
		"events":               []string{"issues", "issue_comment", "pull_request", "check_suite", "check_run"},
		"created_at":           stamp(inst.created),
		"updated_at":           stamp(inst.created),
	}
}

func getApp(c *call) (reply, error) { return ok(c.s.renderApp()), nil }

// renderApp is the App as GET /app and check runs show it. Its timestamps are
// fixed so the App object is stable across requests (and ETags).
func (s *Server) renderApp() map[string]any {
	created := stamp(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC))
	return map[string]any{
		"id":           s.appID,
		"slug":         s.appSlug,
		"node_id":      fmt.Sprintf("A_%d", s.appID),
		"name":         s.appSlug,
		"owner":        s.renderUser("postmortem-bot-dev"),
		"description":  "",
		"external_url": "https://example.invalid/" + s.appSlug,
		"html_url":     htmlBase + "/apps/" + s.appSlug,
		"created_at":   created,
		"updated_at":   created,
		"permissions":  map[string]any{"contents": "write", "issues": "write", "pull_requests": "write", "checks": "write", "metadata": "read"},
		"events":       []string{"issues", "issue_comment", "pull_request", "check_suite", "check_run"},
	}
}

func (s *Server) sortedInstallations() []*installation {
	out := make([]*installation, 0, len(s.installations))
	for _, inst := range s.installations {
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func listInstallations(c *call) (reply, error) {
	return ok(renderPage(c, c.s.sortedInstallations(), c.s.renderInstallation)), nil
}

// installationFor resolves {installation_id}.
func (c *call) installationFor() (*installation, error) {
	id, err := c.intParam("installation_id")
	if err != nil {
		return nil, err
	}
	inst := c.s.installations[id]
	if inst == nil {
		return nil, notFound()
	}
	return inst, nil
}

func getInstallation(c *call) (reply, error) {
	inst, err := c.installationFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderInstallation(inst)), nil
}

func createAccessToken(c *call) (reply, error) {
	inst, err := c.installationFor()
	if err != nil {
		return reply{}, err
	}
	tok := c.s.issueToken(inst.id)
	return created(map[string]any{
		"token":                tok.token,
		"expires_at":           stamp(tok.expiresAt),
		"permissions":          map[string]any{"contents": "write", "issues": "write", "pull_requests": "write", "checks": "write", "metadata": "read"},
		"repository_selection": "selected",
	}), nil
}

func getOwnerInstallation(c *call) (reply, error) {
	owner := c.param("org")
	if owner == "" {
		owner = c.param("username")
	}
	for _, inst := range c.s.sortedInstallations() {
		if strings.EqualFold(inst.account, owner) {
			return ok(c.s.renderInstallation(inst)), nil
		}
	}
	return reply{}, notFound()
}

func getRepoInstallation(c *call) (reply, error) {
	key := strings.ToLower(c.param("owner") + "/" + c.param("repo"))
	for _, inst := range c.s.sortedInstallations() {
		if contains(inst.repos, key) {
			return ok(c.s.renderInstallation(inst)), nil
		}
	}
	return reply{}, notFound()
}

func listInstallationRepos(c *call) (reply, error) {
	inst := c.s.installations[c.token.installationID]
	page := renderPage(c, inst.repos, func(key string) map[string]any { return c.s.renderRepo(c.s.repos[key]) })
	return ok(map[string]any{"total_count": len(inst.repos), "repository_selection": "selected", "repositories": page}), nil
}

func getRepo(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderRepo(r)), nil
}

func getBranch(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	branch := c.param("branch")
	sha, found := r.refs["refs/heads/"+branch]
	if !found {
		return reply{}, errorf(http.StatusNotFound, "Branch not found")
	}
	return ok(map[string]any{
		"name":           branch,
		"commit":         c.s.renderCommit(r, sha),
		"protected":      false,
		"protection":     map[string]any{"enabled": false, "required_status_checks": map[string]any{"enforcement_level": "off", "contexts": []any{}, "checks": []any{}}},
		"protection_url": c.s.repoAPI(r) + "/branches/" + branch + "/protection",
		"_links":         map[string]any{"self": c.s.repoAPI(r) + "/branches/" + branch, "html": htmlBase + "/" + r.fullName() + "/tree/" + branch},
	}), nil
}

func getPermission(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	login := c.param("username")
	perm := r.permissions[strings.ToLower(login)]
	if strings.EqualFold(login, r.owner) {
		perm = "admin"
	}
	if perm == "" {
		if c.s.users[strings.ToLower(login)] == nil {
			return reply{}, errorf(http.StatusNotFound, "%s is not a user", login)
		}
		perm = "none"
	}
	roleName := perm
	legacy := perm
	if perm == "maintain" {
		legacy = "write"
	}
	u := c.s.renderUser(login).(map[string]any)
	u["role_name"] = roleName
	u["permissions"] = map[string]any{"admin": perm == "admin", "maintain": perm == "admin" || perm == "maintain",
		"push": legacy == "admin" || legacy == "write", "triage": perm != "read" && perm != "none", "pull": perm != "none"}
	return ok(map[string]any{"permission": legacy, "role_name": roleName, "user": u}), nil
}

func (s *Server) contentJSON(r *repo, ref, p string, e treeEntry) map[string]any {
	api := fmt.Sprintf("%s/contents/%s?ref=%s", s.repoAPI(r), p, ref)
	typ := "file"
	if e.typ == "tree" {
		typ = "dir"
	}
	out := map[string]any{
		"type":         typ,
		"name":         path.Base(p),
		"path":         p,
		"sha":          e.sha,
		"size":         0,
		"url":          api,
		"git_url":      fmt.Sprintf("%s/git/%ss/%s", s.repoAPI(r), e.typ, e.sha),
		"html_url":     fmt.Sprintf("%s/%s/blob/%s/%s", htmlBase, r.fullName(), ref, p),
		"download_url": nil,
		"_links":       map[string]any{"self": api, "git": fmt.Sprintf("%s/git/%ss/%s", s.repoAPI(r), e.typ, e.sha), "html": fmt.Sprintf("%s/%s/blob/%s/%s", htmlBase, r.fullName(), ref, p)},
	}
	if b, found := r.blob(e.sha); found {
		out["size"] = len(b.content)
		out["download_url"] = fmt.Sprintf("https://raw.githubusercontent.com/%s/%s/%s", r.fullName(), ref, p)
	}
	return out
}

func getContent(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	ref := c.query("ref")
	if ref == "" {
		ref = r.defaultBranch
	}
	sha, found := r.resolve(ref)
	if !found {
		return reply{}, errorf(http.StatusNotFound, "No commit found for the ref %s", ref)
	}
	commit, _ := r.commit(sha)
	p := strings.Trim(c.param("path"), "/")
	e, found := r.lookupPath(commit.tree, p)
	if !found {
		return reply{}, notFound()
	}
	if e.typ == "tree" {
		t, _ := r.tree(e.sha)
		list := make([]any, 0, len(t.entries))
		for _, child := range t.entries {
			list = append(list, c.s.contentJSON(r, ref, path.Join(p, child.name), child))
		}
		return ok(list), nil
	}
	out := c.s.contentJSON(r, ref, p, e)
	b, _ := r.blob(e.sha)
	out["encoding"] = "base64"
	out["content"] = b64(b.content)
	return ok(out), nil
}

func putContent(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Message   string `json:"message"`
		Content   string `json:"content"`
		SHA       string `json:"sha"`
		Branch    string `json:"branch"`
		Committer *struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"committer"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	content, decErr := base64.StdEncoding.DecodeString(strings.ReplaceAll(in.Content, "\n", ""))
	if decErr != nil {
		return reply{}, unprocessable("Content", "content", "invalid", "content is not valid Base64")
	}
	branch := in.Branch
	if branch == "" {
		branch = r.defaultBranch
	}
	head, found := r.refs["refs/heads/"+branch]
	if !found {
		return reply{}, errorf(http.StatusNotFound, "Branch %s not found", branch)
	}
	commit, _ := r.commit(head)
	p := strings.Trim(c.param("path"), "/")
	existing, exists := r.lookupPath(commit.tree, p)
	switch {
	case exists && existing.typ == "tree":
		return reply{}, unprocessable("Content", "path", "invalid", p+" is a directory")
	case exists && in.SHA == "":
		return reply{}, unprocessable("Content", "sha", "missing_field", `"sha" wasn't supplied.`)
	case exists && in.SHA != existing.sha:
		return reply{}, errorf(http.StatusConflict, "%s does not match %s", p, in.SHA)
	case !exists && in.SHA != "":
		return reply{}, errorf(http.StatusConflict, "%s does not match %s", p, in.SHA)
	}
	who := noreplySignature(c.actor, c.s.now())
	if in.Committer != nil {
		who.name, who.email = in.Committer.Name, in.Committer.Email
	}
	sha, commitErr := r.commitFiles(branch, map[string][]byte{p: content}, in.Message, who)
	if commitErr != nil {
		return reply{}, unprocessable("Content", "path", "invalid", commitErr.Error())
	}
	c.s.referenceCommits(r, head, sha, c.actor)
	newCommit, _ := r.commit(sha)
	entry, _ := r.lookupPath(newCommit.tree, p)
	status := http.StatusOK
	if !exists {
		status = http.StatusCreated
	}
	return reply{status: status, body: map[string]any{
		"content": c.s.contentJSON(r, branch, p, entry),
		"commit":  c.s.renderGitCommit(r, sha),
	}}, nil
}

func (s *Server) renderGitCommit(r *repo, sha string) map[string]any {
	co, _ := r.commit(sha)
	parents := make([]any, 0, len(co.parents))
	for _, p := range co.parents {
		parents = append(parents, map[string]any{"sha": p, "url": s.repoAPI(r) + "/git/commits/" + p, "html_url": htmlBase + "/" + r.fullName() + "/commit/" + p})
	}
	person := func(sig signature) map[string]any {
		return map[string]any{"name": sig.name, "email": sig.email, "date": stamp(sig.date)}
	}
	return map[string]any{
		"sha":          sha,
		"node_id":      "C_" + sha[:12],
		"url":          s.repoAPI(r) + "/git/commits/" + sha,
		"html_url":     htmlBase + "/" + r.fullName() + "/commit/" + sha,
		"message":      co.message,
		"author":       person(co.author),
		"committer":    person(co.committer),
		"tree":         map[string]any{"sha": co.tree, "url": s.repoAPI(r) + "/git/trees/" + co.tree},
		"parents":      parents,
		"verification": map[string]any{"verified": false, "reason": "unsigned", "signature": nil, "payload": nil, "verified_at": nil},
	}
}

// renderCommit is the repos/commits shape used by branches.
func (s *Server) renderCommit(r *repo, sha string) map[string]any {
	git := s.renderGitCommit(r, sha)
	git["comment_count"] = 0
	return map[string]any{
		"sha":          sha,
		"node_id":      git["node_id"],
		"url":          s.repoAPI(r) + "/commits/" + sha,
		"html_url":     git["html_url"],
		"commit":       git,
		"parents":      git["parents"],
		"comments_url": s.repoAPI(r) + "/commits/" + sha + "/comments",
		"author":       nil,
		"committer":    nil,
	}
}
