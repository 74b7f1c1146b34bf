package fakegithub

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// mergeBase is the first ancestor of head that base also reaches.
func (r *repo) mergeBase(base, head string) string {
	seen := map[string]bool{}
	queue := []string{head}
	for len(queue) > 0 {
		sha := queue[0]
		queue = queue[1:]
		if seen[sha] {
			continue
		}
		seen[sha] = true
		if r.isAncestor(sha, base) {
			return sha
		}
		if c, ok := r.commit(sha); ok {
			queue = append(queue, c.parents...)
		}
	}
	return ""
}

func (r *repo) treeOf(commitSHA string) map[string]fileEntry {
	c, ok := r.commit(commitSHA)
	if !ok {
		return map[string]fileEntry{}
	}
	return r.files(c.tree)
}

// fileChange is one row of a pull request's files.
type fileChange struct {
	path, previous, status string
	before, after          string // blob shas
}

func (r *repo) diff(fromCommit, toCommit string) []fileChange {
	before, after := r.treeOf(fromCommit), r.treeOf(toCommit)
	var added, removed []fileChange
	var changes []fileChange
	for p, f := range after {
		old, existed := before[p]
		switch {
		case !existed:
			added = append(added, fileChange{path: p, status: "added", after: f.sha})
		case old.sha != f.sha:
			changes = append(changes, fileChange{path: p, status: "modified", before: old.sha, after: f.sha})
		}
	}
	for p, f := range before {
		if _, still := after[p]; !still {
			removed = append(removed, fileChange{path: p, status: "removed", before: f.sha})
		}
	}
	// A removed and an added path with identical content is a rename.
	for k := range added {
		for j := range removed {
			if removed[j].status == "removed" && removed[j].before == added[k].after {
				added[k].status, added[k].previous, added[k].before = "renamed", removed[j].path, removed[j].before
				removed[j].status = "consumed"
				break
			}
		}
	}
	changes = append(changes, added...)
	for _, rm := range removed {
		if rm.status == "removed" {
			changes = append(changes, rm)
		}
	}
	sort.Slice(changes, func(a, b int) bool { return changes[a].path < changes[b].path })
	return changes
}

// unifiedPatch is a single hunk without context around the changed lines.
func unifiedPatch(before, after []byte) (patch string, additions, deletions int) {
	split := func(b []byte) []string {
		if len(b) == 0 {
			return nil
		}
		return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	}
	a, b := split(before), split(after)
	prefix := 0
	for prefix < len(a) && prefix < len(b) && a[prefix] == b[prefix] {
		prefix++
	}
	suffix := 0
	for suffix < len(a)-prefix && suffix < len(b)-prefix && a[len(a)-1-suffix] == b[len(b)-1-suffix] {
		suffix++
	}
	oldLines, newLines := a[prefix:len(a)-suffix], b[prefix:len(b)-suffix]
	if len(oldLines) == 0 && len(newLines) == 0 {
		return "", 0, 0
	}
	start := func(n int) int {
		if n == 0 {
			return prefix
		}
		return prefix + 1
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "@@ -%d,%d +%d,%d @@", start(len(oldLines)), len(oldLines), start(len(newLines)), len(newLines))
	for _, l := range oldLines {
		sb.WriteString("\n-" + l)
	}
	for _, l := range newLines {
		sb.WriteString("\n+" + l)
	}
	return sb.String(), len(newLines), len(oldLines)
}

func (r *repo) changePatch(ch fileChange) (patch string, additions, deletions int) {
	var before, after []byte
	if b, found := r.blob(ch.before); found {
		before = b.content
	}
	if b, found := r.blob(ch.after); found {
		after = b.content
	}
	return unifiedPatch(before, after)
}

// commitsBetween lists commits reachable from head but not from base.
func (r *repo) commitsBetween(base, head string) []string {
	var out []string
	seen := map[string]bool{}
	queue := []string{head}
	for len(queue) > 0 {
		sha := queue[0]
		queue = queue[1:]
		if seen[sha] || r.isAncestor(sha, base) {
			continue
		}
		seen[sha] = true
		out = append(out, sha)
		if c, ok := r.commit(sha); ok {
			queue = append(queue, c.parents...)
		}
	}
	return out
}

// pullRange gives the commits a pull request's diff runs between: the merge
// base and the head. After a merge baseSHA still names the base before the
// merge, so the files stay those the pull request changed.
func (r *repo) pullRange(i *issue) (from, to string) {
	p := i.pull
	r.livePull(p, i.state)
	return r.mergeBase(p.baseSHA, p.headSHA), p.headSHA
}

func listPullFiles(c *call) (reply, error) {
	r, i, err := c.pullFor()
	if err != nil {
		return reply{}, err
	}
	from, to := r.pullRange(i)
	changes := r.diff(from, to)
	out := make([]any, 0, len(changes))
	for _, ch := range paginate(c, changes) {
		patch, adds, dels := r.changePatch(ch)
		sha := ch.after
		if sha == "" {
			sha = ch.before
		}
		f := map[string]any{
			"sha":          sha,
			"filename":     ch.path,
			"status":       ch.status,
			"additions":    adds,
			"deletions":    dels,
			"changes":      adds + dels,
			"blob_url":     fmt.Sprintf("%s/%s/blob/%s/%s", htmlBase, r.fullName(), to, ch.path),
			"raw_url":      fmt.Sprintf("%s/%s/raw/%s/%s", htmlBase, r.fullName(), to, ch.path),
			"contents_url": fmt.Sprintf("%s/contents/%s?ref=%s", c.s.repoAPI(r), ch.path, to),
		}
		if patch != "" {
			f["patch"] = patch
		}
		if ch.previous != "" {
			f["previous_filename"] = ch.previous
		}
		out = append(out, f)
	}
	return ok(out), nil
}

func listPulls(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	state := c.query("state")
	if state == "" {
		state = "open"
	}
	head := c.query("head")
	if owner, branch, found := strings.Cut(head, ":"); found {
		if !strings.EqualFold(owner, r.owner) {
			return ok([]any{}), nil
		}
		head = branch
	}
	var matched []*issue
	for _, i := range r.byNumber() {
		if i.pull == nil || (state != "all" && i.state != state) {
			continue
		}
		if head != "" && i.pull.head != head {
			continue
		}
		if base := c.query("base"); base != "" && i.pull.base != base {
			continue
		}
		matched = append(matched, i)
	}
	// sort: created (the default, by number) or updated; direction desc
	// unless asc, as GitHub does.
	less := func(a, b *issue) bool { return a.number < b.number }
	if c.query("sort") == "updated" {
		less = func(a, b *issue) bool {
			if !a.updated.Equal(b.updated) {
				return a.updated.Before(b.updated)
			}
			return a.number < b.number
		}
	}
	sort.SliceStable(matched, func(a, b int) bool {
		if c.query("direction") == "asc" {
			return less(matched[a], matched[b])
		}
		return less(matched[b], matched[a])
	})
	return ok(renderPage(c, matched, func(i *issue) map[string]any { return c.s.renderPull(r, i) })), nil
}

// openPull creates a pull request after GitHub's checks.
func (s *Server) openPull(r *repo, head, base, title, body, author string, draft bool) (*issue, error) {
	if owner, branch, found := strings.Cut(head, ":"); found {
		if !strings.EqualFold(owner, r.owner) {
			return nil, unprocessable("PullRequest", "head", "invalid", "")
		}
		head = branch
	}
	headSHA, found := r.refs["refs/heads/"+head]
	if !found {
		return nil, unprocessable("PullRequest", "head", "invalid", "")
	}
	baseSHA, found := r.refs["refs/heads/"+base]
	if !found {
		return nil, unprocessable("PullRequest", "base", "invalid", "")
	}
	for _, other := range r.byNumber() {
		if other.pull != nil && other.state == "open" && other.pull.head == head && other.pull.base == base {
			return nil, unprocessable("PullRequest", "", "custom", fmt.Sprintf("A pull request already exists for %s:%s.", r.owner, head))
		}
	}
	if r.isAncestor(headSHA, baseSHA) {
		return nil, unprocessable("PullRequest", "", "custom", fmt.Sprintf("No commits between %s and %s", base, head))
	}
	i := s.newIssue(r, title, body, author, s.now())
	i.pull = &pull{head: head, base: base, headSHA: headSHA, baseSHA: baseSHA, draft: draft}
	s.crossReference(r, i, body, author)
	return i, nil
}

func createPull(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Title string `json:"title"`
		Head  string `json:"head"`
		Base  string `json:"base"`
		Body  string `json:"body"`
		Draft bool   `json:"draft"`
		Issue int    `json:"issue"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Title == "" && in.Issue == 0 {
		return reply{}, unprocessable("PullRequest", "title", "missing_field", "")
	}
	i, err := c.s.openPull(r, in.Head, in.Base, in.Title, in.Body, c.actor, in.Draft)
	if err != nil {
		return reply{}, err
	}
	return created(c.s.renderPull(r, i)), nil
}

func getPull(c *call) (reply, error) {
	r, i, err := c.pullFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderPull(r, i)), nil
}

func updatePull(c *call) (reply, error) {
	r, i, err := c.pullFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State string  `json:"state"`
		Base  string  `json:"base"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if in.Title != nil {
		c.s.rename(i, *in.Title, c.actor)
	}
	if in.Body != nil {
		c.s.editBody(r, i, *in.Body, c.actor)
	}
	if in.Base != "" {
		if _, found := r.refs["refs/heads/"+in.Base]; !found {
			return reply{}, unprocessable("PullRequest", "base", "invalid", "")
		}
		i.pull.base = in.Base
	}
	if in.State != "" {
		if i.pull.merged {
			return reply{}, unprocessable("PullRequest", "state", "invalid", "state cannot be changed. The pull request has been merged.")
		}
		c.s.setState(i, in.State, "", c.actor)
	}
	return ok(c.s.renderPull(r, i)), nil
}

func requestReviewers(c *call) (reply, error) {
	r, i, err := c.pullFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	notCollaborator := errorf(http.StatusUnprocessableEntity, "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the %s repository.", r.fullName())
	for _, login := range in.Reviewers {
		if strings.EqualFold(login, i.author) {
			return reply{}, errorf(http.StatusUnprocessableEntity, "Review cannot be requested from pull request author.")
		}
		if r.permissions[strings.ToLower(login)] == "" && !strings.EqualFold(login, r.owner) {
			return reply{}, notCollaborator
		}
	}
	for _, slug := range in.TeamReviewers {
		if !c.s.teams[strings.ToLower(r.owner)][strings.ToLower(slug)] {
			return reply{}, notCollaborator
		}
	}
	for _, login := range in.Reviewers {
		if !containsFold(i.pull.requestedReviewers, login) {
			i.pull.requestedReviewers = append(i.pull.requestedReviewers, c.s.user(login).login)
		}
	}
	for _, slug := range in.TeamReviewers {
		if !containsFold(i.pull.requestedTeams, slug) {
			i.pull.requestedTeams = append(i.pull.requestedTeams, strings.ToLower(slug))
		}
	}
	return created(c.s.renderPull(r, i)), nil
}
