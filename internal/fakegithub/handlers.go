package fakegithub

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// handlers maps GitHub operation ids to the fake's implementation.
var handlers = map[string]handlerFunc{}

func init() {
	for id, h := range map[string]handlerFunc{
		"apps/get-authenticated":                     getApp,
		"apps/list-installations":                    listInstallations,
		"apps/get-installation":                      getInstallation,
		"apps/create-installation-access-token":      createAccessToken,
		"apps/get-org-installation":                  getOwnerInstallation,
		"apps/get-user-installation":                 getOwnerInstallation,
		"apps/get-repo-installation":                 getRepoInstallation,
		"apps/list-repos-accessible-to-installation": listInstallationRepos,

		"repos/get":                               getRepo,
		"repos/get-branch":                        getBranch,
		"repos/get-content":                       getContent,
		"repos/create-or-update-file-contents":    putContent,
		"repos/get-collaborator-permission-level": getPermission,

		"git/get-ref":            getRef,
		"git/list-matching-refs": listMatchingRefs,
		"git/create-ref":         createRef,
		"git/update-ref":         updateRef,
		"git/delete-ref":         deleteRef,
		"git/create-commit":      createCommit,
		"git/get-commit":         getCommit,
		"git/create-tree":        createTree,
		"git/get-tree":           getTree,
		"git/create-blob":        createBlob,
		"git/get-blob":           getBlob,

		"issues/list-for-repo":            listIssues,
		"issues/create":                   createIssue,
		"issues/get":                      getIssue,
		"issues/update":                   updateIssue,
		"issues/list-comments":            listComments,
		"issues/create-comment":           createComment,
		"issues/get-comment":              getComment,
		"issues/update-comment":           updateComment,
		"issues/delete-comment":           deleteComment,
		"issues/add-labels":               addLabels,
		"issues/set-labels":               setLabels,
		"issues/remove-label":             removeLabel,
		"issues/list-labels-for-repo":     listRepoLabels,
		"issues/create-label":             createLabel,
		"issues/get-label":                getLabel,
		"issues/add-assignees":            addAssignees,
		"issues/list-events-for-timeline": listTimeline,
		"issues/list-events":              listEvents,

		"pulls/list":              listPulls,
		"repos/list-deployments":  listDeployments,
		"pulls/create":            createPull,
		"pulls/get":               getPull,
		"pulls/update":            updatePull,
		"pulls/list-files":        listPullFiles,
		"pulls/request-reviewers": requestReviewers,

		"checks/create":       createCheckRun,
		"checks/get":          getCheckRun,
		"checks/update":       updateCheckRun,
		"checks/list-for-ref": listCheckRunsForRef,
	} {
		handlers[id] = h
	}
}

// paginate cuts one page out of items and sets GitHub's Link header.
func paginate[T any](c *call, items []T) []T {
	perPage := 30
	if v, err := strconv.Atoi(c.query("per_page")); err == nil && v > 0 {
		perPage = min(v, 100)
	}
	page := 1
	if v, err := strconv.Atoi(c.query("page")); err == nil && v > 0 {
		page = v
	}
	last := max(1, (len(items)+perPage-1)/perPage)
	link := func(p int, rel string) string {
		q := c.r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		if c.query("per_page") != "" {
			q.Set("per_page", strconv.Itoa(perPage))
		}
		return fmt.Sprintf("<%s%s?%s>; rel=%q", c.s.URL(), c.r.URL.EscapedPath(), q.Encode(), rel)
	}
	var links []string
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"), link(min(page-1, last), "prev"))
	}
	if len(links) > 0 {
		c.header.Set("Link", strings.Join(links, ", "))
	}
	start := (page - 1) * perPage
	if start >= len(items) {
		return []T{}
	}
	return items[start:min(start+perPage, len(items))]
}

// byNumber lists the repository's issues and pull requests in number order.
// renderPage renders the one page of items the request asks for.
func renderPage[T, V any](c *call, items []T, render func(T) V) []any {
	page := paginate(c, items)
	out := make([]any, 0, len(page))
	for _, item := range page {
		out = append(out, render(item))
	}
	return out
}

func (r *repo) byNumber() []*issue {
	out := make([]*issue, 0, len(r.issues))
	for _, i := range r.issues {
		out = append(out, i)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].number < out[b].number })
	return out
}

// ensureLabel returns the repository label, creating it as GitHub does when
// an unknown label is added to an issue.
func (s *Server) ensureLabel(r *repo, name string) *label {
	key := strings.ToLower(name)
	if l := r.labels[key]; l != nil {
		return l
	}
	l := &label{id: s.newID(), name: name, color: "ededed"}
	r.labels[key] = l
	return l
}

// issueFor resolves {owner}/{repo} and {issue_number}; GitHub answers 404
// for an issue number it does not hold, pull requests included.
func (c *call) issueFor() (*repo, *issue, error) {
	return c.numberFor("issue_number")
}

// pullFor resolves {owner}/{repo} and {pull_number}; an issue that is not a
// pull request is 404, as on GitHub.
func (c *call) pullFor() (*repo, *issue, error) {
	r, i, err := c.numberFor("pull_number")
	if err != nil {
		return nil, nil, err
	}
	if i.pull == nil {
		return nil, nil, notFound()
	}
	return r, i, nil
}

// numberFor resolves the repository and the issue or pull request that the
// path parameter param numbers.
func (c *call) numberFor(param string) (*repo, *issue, error) {
	r, err := c.repoFor()
	if err != nil {
		return nil, nil, err
	}
	n, err := strconv.Atoi(c.param(param))
	if err != nil {
		return nil, nil, notFound()
	}
	i := r.issues[n]
	if i == nil {
		return nil, nil, notFound()
	}
	return r, i, nil
}

func (r *repo) canPush(login string) bool {
	if strings.EqualFold(login, r.owner) {
		return true
	}
	switch r.permissions[strings.ToLower(login)] {
	case "admin", "maintain", "write":
		return true
	}
	return false
}

// assignable mirrors GitHub: only users with push access can be assigned.
func (r *repo) assignable(login string) bool { return r.canPush(login) }
