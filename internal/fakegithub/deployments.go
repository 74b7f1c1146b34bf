package fakegithub

import (
	"fmt"
	"sort"
	"time"
)

// deployment is a deployment recorded through GitHub's deployments API.
type deployment struct {
	id                          int64
	sha, ref, task, environment string
	description, creator        string
	created                     time.Time
}

// DeploymentSeed is a deployment to record.
type DeploymentSeed struct {
	SHA, Ref, Environment, Description string
	Creator                            string    // default "deploybot"
	CreatedAt                          time.Time // default the fake's clock
}

// AddDeployment records a deployment and returns its id.
func (s *Server) AddDeployment(owner, name string, seed DeploymentSeed) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.mustRepo(owner, name)
	d := &deployment{id: s.newID(), sha: seed.SHA, ref: seed.Ref, task: "deploy", environment: seed.Environment,
		description: seed.Description, creator: seed.Creator, created: seed.CreatedAt.UTC()}
	if d.creator == "" {
		d.creator = "deploybot"
	}
	if d.created.IsZero() {
		d.created = s.now()
	}
	if d.environment == "" {
		d.environment = "production"
	}
	r.deployments = append(r.deployments, d)
	return d.id
}

// listDeployments answers GET /repos/{owner}/{repo}/deployments: newest
// first, filtered by sha, ref, task and environment, paginated.
func listDeployments(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var matched []*deployment
	for _, d := range r.deployments {
		if (c.query("sha") != "" && c.query("sha") != d.sha) || (c.query("ref") != "" && c.query("ref") != d.ref) ||
			(c.query("task") != "" && c.query("task") != d.task) || (c.query("environment") != "" && c.query("environment") != d.environment) {
			continue
		}
		matched = append(matched, d)
	}
	sort.SliceStable(matched, func(a, b int) bool { return matched[a].id > matched[b].id })
	return ok(renderPage(c, matched, func(d *deployment) map[string]any {
		url := fmt.Sprintf("%s/deployments/%d", c.s.repoAPI(r), d.id)
		return map[string]any{
			"id": d.id, "node_id": fmt.Sprintf("DE_%d", d.id), "sha": d.sha, "ref": d.ref, "task": d.task,
			"environment": d.environment, "original_environment": d.environment, "payload": map[string]any{},
			"description": d.description, "creator": c.s.renderUser(d.creator), "statuses_url": url + "/statuses",
			"repository_url": c.s.repoAPI(r), "url": url, "created_at": stamp(d.created), "updated_at": stamp(d.created),
			"transient_environment": false, "production_environment": d.environment == "production",
		}
	})), nil
}
