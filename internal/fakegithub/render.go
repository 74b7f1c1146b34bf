package fakegithub

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// htmlBase is where html_url fields point, as on github.com.
const htmlBase = "https://github.com"

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func stampPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return stamp(*t)
}

// user returns the account, creating a User on first sight.
func (s *Server) user(login string) *account {
	key := strings.ToLower(login)
	if a := s.users[key]; a != nil {
		return a
	}
	kind := "User"
	if strings.HasSuffix(login, "[bot]") {
		kind = "Bot"
	}
	a := &account{login: login, id: s.newID(), kind: kind}
	s.users[key] = a
	return a
}

func (s *Server) renderUser(login string) any {
	if login == "" {
		return nil
	}
	a := s.user(login)
	api := s.URL() + "/users/" + url.PathEscape(a.login)
	return map[string]any{
		"login":               a.login,
		"id":                  a.id,
		"node_id":             fmt.Sprintf("U_%d", a.id),
		"type":                a.kind,
		"site_admin":          false,
		"url":                 api,
		"html_url":            htmlBase + "/" + a.login,
		"avatar_url":          fmt.Sprintf("https://avatars.githubusercontent.com/u/%d?v=4", a.id),
		"gravatar_id":         "",
		"events_url":          api + "/events{/privacy}",
		"followers_url":       api + "/followers",
		"following_url":       api + "/following{/other_user}",
		"gists_url":           api + "/gists{/gist_id}",
		"organizations_url":   api + "/orgs",
		"received_events_url": api + "/received_events",
		"repos_url":           api + "/repos",
		"starred_url":         api + "/starred{/owner}{/repo}",
		"subscriptions_url":   api + "/subscriptions",
	}
}

func (s *Server) renderUsers(logins []string) []any {
	out := make([]any, 0, len(logins))
	for _, l := range logins {
		out = append(out, s.renderUser(l))
	}
	return out
}

func (s *Server) repoAPI(r *repo) string { return s.URL() + "/repos/" + r.fullName() }

// repoLinks are the templated URL fields every repository object carries.
var repoLinks = map[string]string{
	"archive_url": "/{archive_format}{/ref}", "assignees_url": "/assignees{/user}", "blobs_url": "/git/blobs{/sha}",
	"branches_url": "/branches{/branch}", "collaborators_url": "/collaborators{/collaborator}", "comments_url": "/comments{/number}",
	"commits_url": "/commits{/sha}", "compare_url": "/compare/{base}...{head}", "contributors_url": "/contributors",
	"deployments_url": "/deployments", "downloads_url": "/downloads", "events_url": "/events", "forks_url": "/forks",
	"git_commits_url": "/git/commits{/sha}", "git_refs_url": "/git/refs{/sha}", "git_tags_url": "/git/tags{/sha}",
	"hooks_url": "/hooks", "issue_comment_url": "/issues/comments{/number}", "issue_events_url": "/issues/events{/number}",
	"keys_url": "/keys{/key_id}", "labels_url": "/labels{/name}", "languages_url": "/languages", "merges_url": "/merges",
	"milestones_url": "/milestones{/number}", "notifications_url": "/notifications{?since,all,participating}",
	"releases_url": "/releases{/id}", "stargazers_url": "/stargazers", "statuses_url": "/statuses/{sha}",
	"subscribers_url": "/subscribers", "subscription_url": "/subscription", "tags_url": "/tags", "teams_url": "/teams",
	"trees_url": "/git/trees{/sha}",
}

func (s *Server) renderRepo(r *repo) map[string]any {
	api := s.repoAPI(r)
	out := map[string]any{
		"description":       nil,
		"homepage":          nil,
		"language":          nil,
		"license":           nil,
		"mirror_url":        nil,
		"forks":             0,
		"forks_count":       0,
		"open_issues":       0,
		"open_issues_count": 0,
		"size":              0,
		"stargazers_count":  0,
		"watchers":          0,
		"watchers_count":    0,
		"network_count":     0,
		"subscribers_count": 0,
		"has_projects":      false,
		"has_wiki":          false,
		"has_pages":         false,
		"has_downloads":     false,
		"has_discussions":   false,
		"git_url":           "git://github.com/" + r.fullName() + ".git",
		"ssh_url":           "git@github.com:" + r.fullName() + ".git",
		"svn_url":           htmlBase + "/" + r.fullName(),
	}
	for k, suffix := range repoLinks {
		out[k] = api + suffix
	}
	for k, v := range map[string]any{
		"id":             r.id,
		"node_id":        fmt.Sprintf("R_%d", r.id),
		"name":           r.name,
		"full_name":      r.fullName(),
		"owner":          s.renderUser(r.owner),
		"private":        r.private,
		"visibility":     map[bool]string{false: "public", true: "private"}[r.private],
		"fork":           false,
		"archived":       false,
		"disabled":       false,
		"default_branch": r.defaultBranch,
		"html_url":       htmlBase + "/" + r.fullName(),
		"url":            api,
		"issues_url":     api + "/issues{/number}",
		"pulls_url":      api + "/pulls{/number}",
		"contents_url":   api + "/contents/{+path}",
		"clone_url":      htmlBase + "/" + r.fullName() + ".git",
		"has_issues":     true,
		"created_at":     stamp(r.created),
		"updated_at":     stamp(r.created),
		"pushed_at":      stamp(r.created),
		"permissions":    map[string]any{"admin": false, "maintain": false, "push": true, "triage": true, "pull": true},
	} {
		out[k] = v
	}
	return out
}

func (s *Server) renderLabel(r *repo, l *label) map[string]any {
	return map[string]any{
		"id":          l.id,
		"node_id":     fmt.Sprintf("LA_%d", l.id),
		"name":        l.name,
		"color":       l.color,
		"description": l.description,
		"default":     false,
		"url":         s.repoAPI(r) + "/labels/" + url.PathEscape(l.name),
	}
}

func (s *Server) renderIssueLabels(r *repo, i *issue) []any {
	out := make([]any, 0, len(i.labels))
	for _, name := range i.labels {
		out = append(out, s.renderLabel(r, s.ensureLabel(r, name)))
	}
	return out
}

func (s *Server) renderIssue(r *repo, i *issue) map[string]any {
	api := fmt.Sprintf("%s/issues/%d", s.repoAPI(r), i.number)
	kind := "issues"
	if i.pull != nil {
		kind = "pull"
	}
	labels := s.renderIssueLabels(r, i)
	var assignee any
	if len(i.assignees) > 0 {
		assignee = s.renderUser(i.assignees[0])
	}
	var stateReason any
	if i.stateReason != "" {
		stateReason = i.stateReason
	}
	out := map[string]any{
		"id":                 i.id,
		"node_id":            fmt.Sprintf("I_%d", i.id),
		"number":             i.number,
		"title":              i.title,
		"body":               i.body,
		"state":              i.state,
		"state_reason":       stateReason,
		"locked":             false,
		"milestone":          nil,
		"user":               s.renderUser(i.author),
		"labels":             labels,
		"assignee":           assignee,
		"assignees":          s.renderUsers(i.assignees),
		"comments":           r.commentCount(i.number),
		"created_at":         stamp(i.created),
		"updated_at":         stamp(i.updated),
		"closed_at":          stampPtr(i.closed),
		"url":                api,
		"repository_url":     s.repoAPI(r),
		"comments_url":       api + "/comments",
		"events_url":         api + "/events",
		"labels_url":         api + "/labels{/name}",
		"html_url":           fmt.Sprintf("%s/%s/%s/%d", htmlBase, r.fullName(), kind, i.number),
		"author_association": r.association(i.author),
	}
	if i.closedBy != "" {
		out["closed_by"] = s.renderUser(i.closedBy)
	}
	if i.pull != nil {
		out["pull_request"] = map[string]any{
			"url":       fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), i.number),
			"html_url":  fmt.Sprintf("%s/%s/pull/%d", htmlBase, r.fullName(), i.number),
			"diff_url":  fmt.Sprintf("%s/%s/pull/%d.diff", htmlBase, r.fullName(), i.number),
			"patch_url": fmt.Sprintf("%s/%s/pull/%d.patch", htmlBase, r.fullName(), i.number),
			"merged_at": stampPtr(i.pull.mergedAt),
		}
	}
	return out
}

func (r *repo) association(login string) string {
	if strings.EqualFold(login, r.owner) {
		return "OWNER"
	}
	switch r.permissions[strings.ToLower(login)] {
	case "admin", "maintain", "write", "triage":
		return "COLLABORATOR"
	}
	return "NONE"
}

func (r *repo) commentCount(number int) int {
	n := 0
	for _, c := range r.comments {
		if c.issue == number {
			n++
		}
	}
	return n
}

func (s *Server) renderComment(r *repo, c *comment) map[string]any {
	return map[string]any{
		"id":                 c.id,
		"node_id":            fmt.Sprintf("IC_%d", c.id),
		"body":               c.body,
		"user":               s.renderUser(c.author),
		"created_at":         stamp(c.created),
		"updated_at":         stamp(c.updated),
		"url":                fmt.Sprintf("%s/issues/comments/%d", s.repoAPI(r), c.id),
		"issue_url":          fmt.Sprintf("%s/issues/%d", s.repoAPI(r), c.issue),
		"html_url":           fmt.Sprintf("%s/%s/issues/%d#issuecomment-%d", htmlBase, r.fullName(), c.issue, c.id),
		"author_association": r.association(c.author),
	}
}

// livePull refreshes head and base shas from the branches while the PR is open.
func (r *repo) livePull(p *pull, state string) {
	if state != "open" {
		return
	}
	if sha, ok := r.refs["refs/heads/"+p.head]; ok {
		p.headSHA = sha
	}
	if sha, ok := r.refs["refs/heads/"+p.base]; ok {
		p.baseSHA = sha
	}
}

func (s *Server) renderPull(r *repo, i *issue) map[string]any {
	p := i.pull
	r.livePull(p, i.state)
	out := s.renderIssue(r, i)
	delete(out, "pull_request")
	delete(out, "closed_by")
	delete(out, "state_reason")
	api := fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), i.number)
	out["url"] = api
	out["html_url"] = fmt.Sprintf("%s/%s/pull/%d", htmlBase, r.fullName(), i.number)
	out["issue_url"] = fmt.Sprintf("%s/issues/%d", s.repoAPI(r), i.number)
	out["diff_url"] = out["html_url"].(string) + ".diff"
	out["patch_url"] = out["html_url"].(string) + ".patch"
	out["commits_url"] = api + "/commits"
	out["review_comments_url"] = api + "/comments"
	out["statuses_url"] = fmt.Sprintf("%s/statuses/%s", s.repoAPI(r), p.headSHA)
	out["node_id"] = fmt.Sprintf("PR_%d", i.id)
	out["draft"] = p.draft
	out["merged"] = p.merged
	out["merged_at"] = stampPtr(p.mergedAt)
	out["merged_by"] = s.renderUser(p.mergedBy)
	var mergeSHA any
	if p.mergeSHA != "" {
		mergeSHA = p.mergeSHA
	}
	out["merge_commit_sha"] = mergeSHA
	out["mergeable_state"] = "unknown"
	out["mergeable"] = nil
	out["rebaseable"] = nil
	out["auto_merge"] = nil
	out["maintainer_can_modify"] = false
	out["review_comment_url"] = s.repoAPI(r) + "/pulls/comments{/number}"
	out["review_comments"] = 0
	out["commits"] = len(r.commitsBetween(p.baseSHA, p.headSHA))
	changes := r.diff(r.pullRange(i))
	out["changed_files"] = len(changes)
	additions, deletions := 0, 0
	for _, ch := range changes {
		_, a, d := r.changePatch(ch)
		additions, deletions = additions+a, deletions+d
	}
	out["additions"], out["deletions"] = additions, deletions
	out["_links"] = map[string]any{
		"self":            map[string]any{"href": api},
		"html":            map[string]any{"href": out["html_url"]},
		"issue":           map[string]any{"href": out["issue_url"]},
		"comments":        map[string]any{"href": out["comments_url"]},
		"review_comments": map[string]any{"href": api + "/comments"},
		"review_comment":  map[string]any{"href": s.repoAPI(r) + "/pulls/comments{/number}"},
		"commits":         map[string]any{"href": api + "/commits"},
		"statuses":        map[string]any{"href": out["statuses_url"]},
	}
	out["requested_reviewers"] = s.renderUsers(p.requestedReviewers)
	teams := make([]any, 0, len(p.requestedTeams))
	for _, slug := range p.requestedTeams {
		id := s.user(r.owner + "/" + slug).id
		teamAPI := fmt.Sprintf("%s/orgs/%s/teams/%s", s.URL(), r.owner, slug)
		teams = append(teams, map[string]any{
			"id": id, "node_id": fmt.Sprintf("T_%d", id), "slug": slug, "name": slug, "description": nil,
			"permission": "pull", "privacy": "closed", "notification_setting": "notifications_enabled", "type": "organization", "parent": nil,
			"url": teamAPI, "html_url": fmt.Sprintf("%s/orgs/%s/teams/%s", htmlBase, r.owner, slug),
			"members_url": teamAPI + "/members{/member}", "repositories_url": teamAPI + "/repos",
		})
	}
	out["requested_teams"] = teams
	repoJSON := s.renderRepo(r)
	out["head"] = map[string]any{"label": r.owner + ":" + p.head, "ref": p.head, "sha": p.headSHA, "user": s.renderUser(r.owner), "repo": repoJSON}
	out["base"] = map[string]any{"label": r.owner + ":" + p.base, "ref": p.base, "sha": p.baseSHA, "user": s.renderUser(r.owner), "repo": repoJSON}
	return out
}

func (s *Server) renderEvent(r *repo, i *issue, e *issueEvent) map[string]any {
	out := map[string]any{
		"id":         e.id,
		"node_id":    fmt.Sprintf("E_%d", e.id),
		"event":      e.event,
		"actor":      s.renderUser(e.actor),
		"created_at": stamp(e.created),
		"url":        fmt.Sprintf("%s/issues/events/%d", s.repoAPI(r), e.id),
		"commit_id":  nil,
		"commit_url": nil,

		"performed_via_github_app": nil,
	}
	switch e.event {
	case "labeled", "unlabeled":
		l := s.ensureLabel(r, e.label)
		out["label"] = map[string]any{"name": l.name, "color": l.color}
	case "assigned", "unassigned":
		out["assignee"] = s.renderUser(e.assignee)
		out["assigner"] = s.renderUser(e.actor)
	case "renamed":
		out["rename"] = map[string]any{"from": e.from, "to": e.to}
	case "referenced", "merged", "closed":
		if e.commitID != "" {
			out["commit_id"] = e.commitID
			out["commit_url"] = fmt.Sprintf("%s/commits/%s", s.repoAPI(r), e.commitID)
		}
	case "cross-referenced":
		delete(out, "id")
		delete(out, "url")
		out["updated_at"] = stamp(e.created)
		from := r
		if e.sourceRepo != nil {
			from = e.sourceRepo
		}
		src := from.issues[e.source]
		if src != nil {
			issueJSON := s.renderIssue(from, src)
			issueJSON["repository"] = s.renderRepo(from)
			out["source"] = map[string]any{"type": "issue", "issue": issueJSON}
		}
	}
	return out
}

func (s *Server) renderCheckRun(r *repo, c *checkRun) map[string]any {
	var conclusion any
	if c.conclusion != "" {
		conclusion = c.conclusion
	}
	return map[string]any{
		"id":           c.id,
		"node_id":      fmt.Sprintf("CR_%d", c.id),
		"name":         c.name,
		"head_sha":     c.headSHA,
		"status":       c.status,
		"conclusion":   conclusion,
		"external_id":  c.externalID,
		"details_url":  c.detailsURL,
		"started_at":   stampPtr(c.started),
		"completed_at": stampPtr(c.completed),
		"url":          fmt.Sprintf("%s/check-runs/%d", s.repoAPI(r), c.id),
		"html_url":     fmt.Sprintf("%s/%s/runs/%d", htmlBase, r.fullName(), c.id),
		"output": map[string]any{
			"title":             nilIfEmpty(c.title),
			"summary":           nilIfEmpty(c.summary),
			"text":              nilIfEmpty(c.text),
			"annotations_count": len(c.annotations),
			"annotations_url":   fmt.Sprintf("%s/check-runs/%d/annotations", s.repoAPI(r), c.id),
		},
		"app":           s.renderApp(),
		"check_suite":   map[string]any{"id": c.suiteID},
		"pull_requests": s.pullsForSHA(r, c.headSHA),
	}
}

func (s *Server) pullsForSHA(r *repo, sha string) []any {
	out := []any{}
	for _, i := range r.byNumber() {
		if i.pull == nil || i.state != "open" {
			continue
		}
		r.livePull(i.pull, i.state)
		if i.pull.headSHA == sha {
			out = append(out, map[string]any{
				"id": i.id, "number": i.number, "url": fmt.Sprintf("%s/pulls/%d", s.repoAPI(r), i.number),
				"head": map[string]any{"ref": i.pull.head, "sha": i.pull.headSHA, "repo": map[string]any{"id": r.id, "name": r.name, "url": s.repoAPI(r)}},
				"base": map[string]any{"ref": i.pull.base, "sha": i.pull.baseSHA, "repo": map[string]any{"id": r.id, "name": r.name, "url": s.repoAPI(r)}},
			})
		}
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func b64(content []byte) string {
	// GitHub wraps base64 content at 60 characters per line.
	enc := base64.StdEncoding.EncodeToString(content)
	var b strings.Builder
	for len(enc) > 60 {
		b.WriteString(enc[:60])
		b.WriteByte('\n')
		enc = enc[60:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	return b.String()
}
