package fakegithub

import (
	"encoding/json"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (s *Server) record(i *issue, e *issueEvent) {
	e.id = s.newID()
	e.created = s.now()
	i.events = append(i.events, e)
}

var mentionPattern = regexp.MustCompile(`(?:^|[^\w/])#(\d+)\b`)

// otherRepoMention is "owner/name#123", a mention of another repository's issue.
var otherRepoMention = regexp.MustCompile(`(?:^|[^\w/])([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)#(\d+)\b`)

// crossReference records cross-referenced events on issues mentioned in
// text: "#123" in the same repository, "owner/name#123" in another.
func (s *Server) crossReference(r *repo, source *issue, text, actor string) {
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		n, _ := strconv.Atoi(m[1])
		target := r.issues[n]
		if target == nil || target == source {
			continue
		}
		s.record(target, &issueEvent{event: "cross-referenced", actor: actor, source: source.number})
	}
	for _, m := range otherRepoMention.FindAllStringSubmatch(text, -1) {
		other := s.repos[strings.ToLower(m[1]+"/"+m[2])]
		n, _ := strconv.Atoi(m[3])
		if other == nil || other == r || other.issues[n] == nil {
			continue
		}
		s.record(other.issues[n], &issueEvent{event: "cross-referenced", actor: actor, source: source.number, sourceRepo: r})
	}
}

// referenceCommits records a "referenced" event on each issue that a commit
// newly reachable from a ref mentions, once per issue and commit, as GitHub
// does when such a commit is pushed. Merge commits are skipped.
func (s *Server) referenceCommits(r *repo, before, after, actor string) {
	for _, sha := range r.commitsBetween(before, after) {
		c, _ := r.commit(sha)
		if len(c.parents) > 1 {
			continue
		}
		for _, m := range mentionPattern.FindAllStringSubmatch(c.message, -1) {
			n, _ := strconv.Atoi(m[1])
			key := m[1] + " " + sha
			target := r.issues[n]
			if target == nil || r.referenced[key] {
				continue
			}
			r.referenced[key] = true
			s.record(target, &issueEvent{event: "referenced", actor: actor, commitID: sha})
		}
	}
}

func (s *Server) setLabels(r *repo, i *issue, names []string, actor string) {
	for _, old := range append([]string(nil), i.labels...) {
		if !containsFold(names, old) {
			s.removeIssueLabel(i, old, actor)
		}
	}
	for _, name := range names {
		s.addIssueLabel(r, i, name, actor)
	}
}

func (s *Server) addIssueLabel(r *repo, i *issue, name, actor string) {
	if name == "" || i.hasLabel(name) {
		return
	}
	l := s.ensureLabel(r, name)
	i.labels = append(i.labels, l.name)
	i.updated = s.now()
	s.record(i, &issueEvent{event: "labeled", actor: actor, label: l.name})
}

func (s *Server) removeIssueLabel(i *issue, name, actor string) bool {
	for k, l := range i.labels {
		if strings.EqualFold(l, name) {
			i.labels = append(i.labels[:k], i.labels[k+1:]...)
			i.updated = s.now()
			s.record(i, &issueEvent{event: "unlabeled", actor: actor, label: l})
			return true
		}
	}
	return false
}

func (s *Server) setAssignees(r *repo, i *issue, logins []string, actor string) {
	for _, old := range append([]string(nil), i.assignees...) {
		if !containsFold(logins, old) {
			s.unassign(i, old, actor)
		}
	}
	s.assign(r, i, logins, actor)
}

// assign keeps only assignable users, silently, as GitHub does.
func (s *Server) assign(r *repo, i *issue, logins []string, actor string) {
	for _, login := range logins {
		if !r.assignable(login) || containsFold(i.assignees, login) {
			continue
		}
		i.assignees = append(i.assignees, s.user(login).login)
		i.updated = s.now()
		s.record(i, &issueEvent{event: "assigned", actor: actor, assignee: s.user(login).login})
	}
}

func (s *Server) unassign(i *issue, login, actor string) {
	for k, a := range i.assignees {
		if strings.EqualFold(a, login) {
			i.assignees = append(i.assignees[:k], i.assignees[k+1:]...)
			i.updated = s.now()
			s.record(i, &issueEvent{event: "unassigned", actor: actor, assignee: a})
			return
		}
	}
}

// rename changes the title of an issue or pull request, recording a renamed
// event; the same title again is no change.
func (s *Server) rename(i *issue, title, actor string) {
	if title == i.title {
		return
	}
	s.record(i, &issueEvent{event: "renamed", actor: actor, from: i.title, to: title})
	i.title = title
	i.updated = s.now()
}

// editBody replaces the description of an issue or pull request and
// cross-references the issues it mentions; the same body again is no change.
func (s *Server) editBody(r *repo, i *issue, body, actor string) {
	if body == i.body {
		return
	}
	i.body = body
	i.updated = s.now()
	s.crossReference(r, i, body, actor)
}

func (s *Server) setState(i *issue, state, reason, actor string) {
	if state == i.state {
		if reason != "" && state == "closed" {
			i.stateReason = reason
		}
		return
	}
	now := s.now()
	i.state = state
	i.updated = now
	if state == "closed" {
		if reason == "" {
			reason = "completed"
		}
		i.stateReason = reason
		i.closed = &now
		i.closedBy = actor
		s.record(i, &issueEvent{event: "closed", actor: actor})
		return
	}
	i.stateReason = "reopened"
	i.closed = nil
	i.closedBy = ""
	s.record(i, &issueEvent{event: "reopened", actor: actor})
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// labelNames accepts GitHub's label forms: names, or objects with a name.
func labelNames(raw []json.RawMessage) []string {
	var names []string
	for _, item := range raw {
		var name string
		if json.Unmarshal(item, &name) == nil {
			names = append(names, name)
			continue
		}
		var obj struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(item, &obj) == nil && obj.Name != "" {
			names = append(names, obj.Name)
		}
	}
	return names
}

func listIssues(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	state := c.query("state")
	if state == "" {
		state = "open"
	}
	var wantLabels []string
	if l := c.query("labels"); l != "" {
		wantLabels = strings.Split(l, ",")
	}
	var since time.Time
	if v := c.query("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var matched []*issue
	for _, i := range r.byNumber() {
		if state != "all" && i.state != state {
			continue
		}
		if creator := c.query("creator"); creator != "" && !strings.EqualFold(creator, i.author) {
			continue
		}
		if assignee := c.query("assignee"); assignee != "" && assignee != "*" {
			if assignee == "none" && len(i.assignees) > 0 || assignee != "none" && !containsFold(i.assignees, assignee) {
				continue
			}
		}
		allLabels := true
		for _, l := range wantLabels {
			if !i.hasLabel(strings.TrimSpace(l)) {
				allLabels = false
			}
		}
		if !allLabels || (!since.IsZero() && i.updated.Before(since)) {
			continue
		}
		matched = append(matched, i)
	}
	key := func(i *issue) time.Time { return i.created }
	if c.query("sort") == "updated" {
		key = func(i *issue) time.Time { return i.updated }
	}
	asc := c.query("direction") == "asc"
	sort.SliceStable(matched, func(a, b int) bool {
		ka, kb := key(matched[a]), key(matched[b])
		if c.query("sort") == "comments" {
			ca, cb := r.commentCount(matched[a].number), r.commentCount(matched[b].number)
			if asc {
				return ca < cb
			}
			return ca > cb
		}
		if ka.Equal(kb) {
			if asc {
				return matched[a].number < matched[b].number
			}
			return matched[a].number > matched[b].number
		}
		if asc {
			return ka.Before(kb)
		}
		return ka.After(kb)
	})
	return ok(renderPage(c, matched, func(i *issue) map[string]any { return c.s.renderIssue(r, i) })), nil
}

func (s *Server) newIssue(r *repo, title, body, author string, created time.Time) *issue {
	r.lastNumber++
	i := &issue{id: s.newID(), number: r.lastNumber, title: title, body: body, author: s.user(author).login, state: "open", created: created, updated: created}
	r.issues[i.number] = i
	return i
}

func createIssue(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Title     any               `json:"title"`
		Body      string            `json:"body"`
		Labels    []json.RawMessage `json:"labels"`
		Assignees []string          `json:"assignees"`
		Assignee  string            `json:"assignee"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	title := titleString(in.Title)
	if strings.TrimSpace(title) == "" {
		return reply{}, unprocessable("Issue", "title", "missing_field", "")
	}
	i := c.s.newIssue(r, title, in.Body, c.actor, c.s.now())
	for _, name := range labelNames(in.Labels) {
		c.s.addIssueLabel(r, i, name, c.actor)
	}
	if in.Assignee != "" {
		in.Assignees = append(in.Assignees, in.Assignee)
	}
	c.s.assign(r, i, in.Assignees, c.actor)
	c.s.crossReference(r, i, in.Body, c.actor)
	return created(c.s.renderIssue(r, i)), nil
}

// titleString accepts the string or integer titles GitHub's schema allows.
func titleString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	}
	return ""
}

func getIssue(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderIssue(r, i)), nil
}

func updateIssue(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Title       any               `json:"title"`
		Body        *string           `json:"body"`
		State       string            `json:"state"`
		StateReason string            `json:"state_reason"`
		Labels      []json.RawMessage `json:"labels"`
		Assignees   []string          `json:"assignees"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if c.has("title") {
		if title := titleString(in.Title); title != "" {
			c.s.rename(i, title, c.actor)
		}
	}
	if in.Body != nil {
		c.s.editBody(r, i, *in.Body, c.actor)
	}
	if c.has("labels") {
		c.s.setLabels(r, i, labelNames(in.Labels), c.actor)
	}
	if c.has("assignees") {
		c.s.setAssignees(r, i, in.Assignees, c.actor)
	}
	if in.State != "" {
		if i.pull != nil && i.pull.merged && in.State == "open" {
			return reply{}, unprocessable("Issue", "state", "invalid", "state cannot be changed. The pull request has been merged.")
		}
		c.s.setState(i, in.State, in.StateReason, c.actor)
	}
	return ok(c.s.renderIssue(r, i)), nil
}

func listComments(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	var since time.Time
	if v := c.query("since"); v != "" {
		since, _ = time.Parse(time.RFC3339, v)
	}
	var matched []*comment
	for _, cm := range r.commentsOf(i.number) {
		if since.IsZero() || !cm.updated.Before(since) {
			matched = append(matched, cm)
		}
	}
	return ok(renderPage(c, matched, func(cm *comment) map[string]any { return c.s.renderComment(r, cm) })), nil
}

func (r *repo) commentsOf(number int) []*comment {
	var out []*comment
	for _, cm := range r.comments {
		if cm.issue == number {
			out = append(out, cm)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].id < out[b].id })
	return out
}

func (s *Server) addComment(r *repo, i *issue, author, body string) *comment {
	now := s.now()
	cm := &comment{id: s.newID(), issue: i.number, author: s.user(author).login, body: body, created: now, updated: now}
	r.comments[cm.id] = cm
	i.updated = now
	s.crossReference(r, i, body, author)
	return cm
}

func createComment(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if strings.TrimSpace(in.Body) == "" {
		return reply{}, unprocessable("IssueComment", "body", "missing_field", "")
	}
	return created(c.s.renderComment(r, c.s.addComment(r, i, c.actor, in.Body))), nil
}

// commentFor resolves {owner}/{repo} and {comment_id}.
func (c *call) commentFor() (*repo, *comment, error) {
	r, err := c.repoFor()
	if err != nil {
		return nil, nil, err
	}
	id, err := c.intParam("comment_id")
	if err != nil {
		return nil, nil, err
	}
	cm := r.comments[id]
	if cm == nil {
		return nil, nil, notFound()
	}
	return r, cm, nil
}

func getComment(c *call) (reply, error) {
	r, cm, err := c.commentFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderComment(r, cm)), nil
}

func updateComment(c *call) (reply, error) {
	r, cm, err := c.commentFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	cm.body = in.Body
	cm.updated = c.s.now()
	return ok(c.s.renderComment(r, cm)), nil
}

func deleteComment(c *call) (reply, error) {
	r, cm, err := c.commentFor()
	if err != nil {
		return reply{}, err
	}
	delete(r.comments, cm.id)
	return noContent(), nil
}

// labelsBody reads the add/set labels body: an array, or {"labels": [...]}.
func labelsBody(c *call) []string {
	var wrapped struct {
		Labels []json.RawMessage `json:"labels"`
	}
	if json.Unmarshal(c.body, &wrapped) == nil {
		return labelNames(wrapped.Labels)
	}
	var list []json.RawMessage
	if json.Unmarshal(c.body, &list) == nil {
		return labelNames(list)
	}
	return nil
}

func addLabels(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	for _, name := range labelsBody(c) {
		c.s.addIssueLabel(r, i, name, c.actor)
	}
	return ok(c.s.renderIssueLabels(r, i)), nil
}

func setLabels(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	c.s.setLabels(r, i, labelsBody(c), c.actor)
	return ok(c.s.renderIssueLabels(r, i)), nil
}

func removeLabel(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	if !c.s.removeIssueLabel(i, c.param("name"), c.actor) {
		return reply{}, errorf(http.StatusNotFound, "Label does not exist")
	}
	return ok(c.s.renderIssueLabels(r, i)), nil
}

func listRepoLabels(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	labels := make([]*label, 0, len(r.labels))
	for _, l := range r.labels {
		labels = append(labels, l)
	}
	sort.Slice(labels, func(a, b int) bool { return strings.ToLower(labels[a].name) < strings.ToLower(labels[b].name) })
	return ok(renderPage(c, labels, func(l *label) map[string]any { return c.s.renderLabel(r, l) })), nil
}

func createLabel(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Name        string `json:"name"`
		Color       string `json:"color"`
		Description string `json:"description"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if r.labels[strings.ToLower(in.Name)] != nil {
		return reply{}, unprocessable("Label", "name", "already_exists", "")
	}
	color := strings.TrimPrefix(in.Color, "#")
	if color == "" {
		color = "ededed"
	}
	l := &label{id: c.s.newID(), name: in.Name, color: color, description: in.Description}
	r.labels[strings.ToLower(in.Name)] = l
	return created(c.s.renderLabel(r, l)), nil
}

func getLabel(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	l := r.labels[strings.ToLower(c.param("name"))]
	if l == nil {
		return reply{}, notFound()
	}
	return ok(c.s.renderLabel(r, l)), nil
}

func addAssignees(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	var in struct {
		Assignees []string `json:"assignees"`
	}
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	c.s.assign(r, i, in.Assignees, c.actor)
	return created(c.s.renderIssue(r, i)), nil
}

func listEvents(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	var out []any
	for _, e := range i.events {
		if e.event == "cross-referenced" {
			continue // only the timeline shows cross-references
		}
		ev := c.s.renderEvent(r, i, e)
		ev["issue"] = c.s.renderIssue(r, i)
		out = append(out, ev)
	}
	return ok(paginate(c, append([]any{}, out...))), nil
}

// listTimeline merges recorded events with comments, oldest first.
func listTimeline(c *call) (reply, error) {
	r, i, err := c.issueFor()
	if err != nil {
		return reply{}, err
	}
	type entry struct {
		id   int64
		body map[string]any
	}
	var entries []entry
	for _, e := range i.events {
		entries = append(entries, entry{e.id, c.s.renderEvent(r, i, e)})
	}
	for _, cm := range r.commentsOf(i.number) {
		body := c.s.renderComment(r, cm)
		body["event"] = "commented"
		body["actor"] = body["user"]
		entries = append(entries, entry{cm.id, body})
	}
	sort.Slice(entries, func(a, b int) bool { return entries[a].id < entries[b].id })
	out := make([]any, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.body)
	}
	return ok(paginate(c, out)), nil
}
