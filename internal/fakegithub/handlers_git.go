package fakegithub

import (
	"encoding/base64"
	"net/http"
	"sort"
	"strings"
	"time"
)

func (s *Server) renderRef(r *repo, name, sha string) map[string]any {
	return map[string]any{
		"ref":     name,
		"node_id": "REF_" + sha[:12],
		"url":     s.repoAPI(r) + "/git/" + name,
		"object":  map[string]any{"type": "commit", "sha": sha, "url": s.repoAPI(r) + "/git/commits/" + sha},
	}
}

// refParam is the {ref} path parameter as a full ref name; GitHub accepts it
// with or without the leading "refs/".
func (c *call) refParam() string {
	return "refs/" + strings.TrimPrefix(c.param("ref"), "refs/")
}

func getRef(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	name := c.refParam()
	sha, found := r.refs[name]
	if !found {
		return reply{}, notFound()
	}
	return ok(c.s.renderRef(r, name, sha)), nil
}

func listMatchingRefs(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	prefix := c.refParam()
	names := make([]string, 0, len(r.refs))
	for name := range r.refs {
		if strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return ok(renderPage(c, names, func(name string) map[string]any { return c.s.renderRef(r, name, r.refs[name]) })), nil
}

func createRef(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Ref string `json:"ref"`
		SHA string `json:"sha"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if !strings.HasPrefix(in.Ref, "refs/") || strings.Count(in.Ref, "/") < 2 {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Reference name must start with 'refs/' and have at least two slashes.")
	}
	if _, exists := r.refs[in.Ref]; exists {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Reference already exists")
	}
	if _, found := r.commit(in.SHA); !found {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Object does not exist")
	}
	r.refs[in.Ref] = in.SHA
	c.s.referenceCommits(r, r.refs["refs/heads/"+r.defaultBranch], in.SHA, c.actor)
	return created(c.s.renderRef(r, in.Ref, in.SHA)), nil
}

func updateRef(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		SHA   string `json:"sha"`
		Force bool   `json:"force"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	name := c.refParam()
	current, exists := r.refs[name]
	if !exists {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Reference does not exist")
	}
	if _, found := r.commit(in.SHA); !found {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Object does not exist")
	}
	if !in.Force && !r.isAncestor(current, in.SHA) {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Update is not a fast forward")
	}
	r.refs[name] = in.SHA
	c.s.referenceCommits(r, current, in.SHA, c.actor)
	return ok(c.s.renderRef(r, name, in.SHA)), nil
}

func deleteRef(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	name := c.refParam()
	if _, exists := r.refs[name]; !exists {
		return reply{}, errorf(http.StatusUnprocessableEntity, "Reference does not exist")
	}
	delete(r.refs, name)
	return noContent(), nil
}

// noreplySignature signs a commit as GitHub does for a login that gives no
// name and email: the login and its noreply address.
func noreplySignature(login string, at time.Time) signature {
	return signature{name: login, email: login + "@users.noreply.github.com", date: at}
}

func createCommit(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	type person struct {
		Name  string `json:"name"`
		Email string `json:"email"`
		Date  string `json:"date"`
	}
	var in struct {
		Message   string   `json:"message"`
		Tree      string   `json:"tree"`
		Parents   []string `json:"parents"`
		Author    *person  `json:"author"`
		Committer *person  `json:"committer"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if _, found := r.tree(in.Tree); !found {
		return reply{}, unprocessable("Commit", "tree", "invalid", "Tree SHA does not exist")
	}
	for _, p := range in.Parents {
		if _, found := r.commit(p); !found {
			return reply{}, unprocessable("Commit", "parents", "invalid", "Parent SHA does not exist or is not a commit object")
		}
	}
	sig := func(p *person) signature {
		out := noreplySignature(c.actor, c.s.now())
		if p != nil {
			out.name, out.email = p.Name, p.Email
		}
		return out
	}
	author := sig(in.Author)
	committer := sig(in.Committer)
	if in.Committer == nil {
		committer = author
	}
	sha := r.store(commitObject{tree: in.Tree, parents: in.Parents, message: in.Message, author: author, committer: committer})
	return created(c.s.renderGitCommit(r, sha)), nil
}

func getCommit(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	if _, found := r.commit(c.param("commit_sha")); !found {
		return reply{}, notFound()
	}
	return ok(c.s.renderGitCommit(r, c.param("commit_sha"))), nil
}

func createTree(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		BaseTree string `json:"base_tree"`
		Tree     []struct {
			Path    string  `json:"path"`
			Mode    string  `json:"mode"`
			Type    string  `json:"type"`
			SHA     *string `json:"sha"`
			Content *string `json:"content"`
		} `json:"tree"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	files := map[string]fileEntry{}
	if in.BaseTree != "" {
		if _, found := r.tree(in.BaseTree); !found {
			return reply{}, unprocessable("Tree", "base_tree", "invalid", "base_tree is not a valid tree oid")
		}
		files = r.files(in.BaseTree)
	}
	for _, e := range in.Tree {
		p := strings.Trim(e.Path, "/")
		if p == "" {
			return reply{}, unprocessable("Tree", "path", "invalid", "tree.path cannot be empty")
		}
		switch {
		case e.Content != nil:
			files[p] = fileEntry{mode: e.Mode, sha: r.store(blobObject{content: []byte(*e.Content)})}
		case e.SHA == nil:
			// A null sha deletes the path, file or directory.
			for existing := range files {
				if existing == p || strings.HasPrefix(existing, p+"/") {
					delete(files, existing)
				}
			}
		case e.Type == "tree":
			if _, found := r.tree(*e.SHA); !found {
				return reply{}, unprocessable("Tree", "sha", "invalid", "tree.sha "+*e.SHA+" is not a valid tree")
			}
			for sub, f := range r.files(*e.SHA) {
				files[p+"/"+sub] = f
			}
		default:
			if _, found := r.objects[*e.SHA]; !found {
				return reply{}, unprocessable("Tree", "sha", "invalid", "tree.sha "+*e.SHA+" is not a valid blob")
			}
			files[p] = fileEntry{mode: e.Mode, sha: *e.SHA}
		}
	}
	sha := r.buildTree(files)
	return created(c.s.renderTree(r, sha, false)), nil
}

func (s *Server) renderTree(r *repo, sha string, recursive bool) map[string]any {
	var entries []any
	var add func(treeSHA, prefix string)
	add = func(treeSHA, prefix string) {
		t, _ := r.tree(treeSHA)
		for _, e := range t.entries {
			p := e.name
			if prefix != "" {
				p = prefix + "/" + e.name
			}
			entry := map[string]any{"path": p, "mode": e.mode, "type": e.typ, "sha": e.sha, "url": s.repoAPI(r) + "/git/" + e.typ + "s/" + e.sha}
			if b, found := r.blob(e.sha); found {
				entry["size"] = len(b.content)
			}
			entries = append(entries, entry)
			if recursive && e.typ == "tree" {
				add(e.sha, p)
			}
		}
	}
	add(sha, "")
	if entries == nil {
		entries = []any{}
	}
	return map[string]any{"sha": sha, "url": s.repoAPI(r) + "/git/trees/" + sha, "tree": entries, "truncated": false}
}

func getTree(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	sha := c.param("tree_sha")
	if _, found := r.tree(sha); !found {
		// GitHub also accepts a commit sha or branch name here.
		commitSHA, resolved := r.resolve(sha)
		if !resolved {
			return reply{}, notFound()
		}
		co, _ := r.commit(commitSHA)
		sha = co.tree
	}
	recursive := c.query("recursive") != "" && c.query("recursive") != "0" && c.query("recursive") != "false"
	return ok(c.s.renderTree(r, sha, recursive)), nil
}

func createBlob(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Content  string `json:"content"`
		Encoding string `json:"encoding"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	content := []byte(in.Content)
	switch in.Encoding {
	case "", "utf-8":
	case "base64":
		decoded, decErr := base64.StdEncoding.DecodeString(strings.ReplaceAll(in.Content, "\n", ""))
		if decErr != nil {
			return reply{}, unprocessable("Blob", "content", "invalid", "content is not valid Base64")
		}
		content = decoded
	default:
		return reply{}, unprocessable("Blob", "encoding", "invalid", "encoding must be utf-8 or base64")
	}
	sha := r.store(blobObject{content: content})
	return created(map[string]any{"sha": sha, "url": c.s.repoAPI(r) + "/git/blobs/" + sha}), nil
}

func getBlob(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	sha := c.param("file_sha")
	b, found := r.blob(sha)
	if !found {
		return reply{}, notFound()
	}
	if strings.Contains(c.r.Header.Get("Accept"), "vnd.github.raw") {
		return reply{status: http.StatusOK, raw: append([]byte{}, b.content...)}, nil
	}
	return ok(map[string]any{
		"sha": sha, "node_id": "B_" + sha[:12], "size": len(b.content), "url": c.s.repoAPI(r) + "/git/blobs/" + sha,
		"content": b64(b.content), "encoding": "base64",
	}), nil
}
