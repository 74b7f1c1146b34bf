package fakegithub

import (
	"encoding/json"
	"net/http"
	"time"
)

// maxAnnotationsPerRequest is GitHub's limit; more arrive through updates.
const maxAnnotationsPerRequest = 50

type checkRunInput struct {
	Name        *string `json:"name"`
	HeadSHA     string  `json:"head_sha"`
	DetailsURL  *string `json:"details_url"`
	ExternalID  *string `json:"external_id"`
	Status      string  `json:"status"`
	Conclusion  string  `json:"conclusion"`
	StartedAt   *string `json:"started_at"`
	CompletedAt *string `json:"completed_at"`
	Output      *struct {
		Title       *string           `json:"title"`
		Summary     *string           `json:"summary"`
		Text        *string           `json:"text"`
		Annotations []json.RawMessage `json:"annotations"`
	} `json:"output"`
}

// apply copies the input onto the run, appending annotations as GitHub does.
func (in *checkRunInput) apply(s *Server, run *checkRun) error {
	if in.Output != nil && len(in.Output.Annotations) > maxAnnotationsPerRequest {
		return unprocessable("CheckRun", "annotations", "invalid", "Only 50 annotations are allowed per request")
	}
	parseTime := func(v *string) (*time.Time, error) {
		t, err := time.Parse(time.RFC3339, *v)
		if err != nil {
			return nil, unprocessable("CheckRun", "timestamp", "invalid", *v+" is not an ISO 8601 timestamp")
		}
		return &t, nil
	}
	if in.Name != nil {
		run.name = *in.Name
	}
	if in.DetailsURL != nil {
		run.detailsURL = *in.DetailsURL
	}
	if in.ExternalID != nil {
		run.externalID = *in.ExternalID
	}
	if in.StartedAt != nil {
		t, err := parseTime(in.StartedAt)
		if err != nil {
			return err
		}
		run.started = t
	}
	if in.Status != "" {
		run.status = in.Status
	}
	if in.Conclusion != "" {
		run.conclusion = in.Conclusion
		run.status = "completed"
	}
	if in.CompletedAt != nil {
		t, err := parseTime(in.CompletedAt)
		if err != nil {
			return err
		}
		run.completed = t
		run.status = "completed"
	}
	if run.status == "completed" {
		if run.conclusion == "" {
			return unprocessable("CheckRun", "conclusion", "missing_field", "conclusion must be provided when status is completed")
		}
		if run.completed == nil {
			now := s.now()
			run.completed = &now
		}
	}
	if in.Output != nil {
		if in.Output.Title != nil {
			run.title = *in.Output.Title
		}
		if in.Output.Summary != nil {
			run.summary = *in.Output.Summary
		}
		if in.Output.Text != nil {
			run.text = *in.Output.Text
		}
		for _, raw := range in.Output.Annotations {
			var a map[string]any
			if err := json.Unmarshal(raw, &a); err != nil {
				return unprocessable("CheckRun", "annotations", "invalid", "annotation is not an object")
			}
			run.annotations = append(run.annotations, a)
		}
	}
	return nil
}

func createCheckRun(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	var in checkRunInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	if _, found := r.commit(in.HeadSHA); !found {
		return reply{}, unprocessable("CheckRun", "head_sha", "invalid", "No commit found for SHA: "+in.HeadSHA)
	}
	now := c.s.now()
	suite, found := r.suites[in.HeadSHA]
	if !found {
		suite = c.s.newID()
		r.suites[in.HeadSHA] = suite
	}
	run := &checkRun{id: c.s.newID(), suiteID: suite, headSHA: in.HeadSHA, status: "queued", started: &now, app: c.s.appSlug}
	if err := in.apply(c.s, run); err != nil {
		return reply{}, err
	}
	r.checkRuns = append(r.checkRuns, run)
	return created(c.s.renderCheckRun(r, run)), nil
}

// checkRunFor resolves {owner}/{repo} and {check_run_id}.
func (c *call) checkRunFor() (*repo, *checkRun, error) {
	r, err := c.repoFor()
	if err != nil {
		return nil, nil, err
	}
	id, err := c.intParam("check_run_id")
	if err != nil {
		return nil, nil, err
	}
	for _, run := range r.checkRuns {
		if run.id == id {
			return r, run, nil
		}
	}
	return nil, nil, notFound()
}

func getCheckRun(c *call) (reply, error) {
	r, run, err := c.checkRunFor()
	if err != nil {
		return reply{}, err
	}
	return ok(c.s.renderCheckRun(r, run)), nil
}

func updateCheckRun(c *call) (reply, error) {
	r, run, err := c.checkRunFor()
	if err != nil {
		return reply{}, err
	}
	var in checkRunInput
	if err := c.decode(&in); err != nil {
		return reply{}, err
	}
	// Validate on a copy so a rejected update leaves the run unchanged.
	updated := *run
	updated.annotations = append([]map[string]any(nil), run.annotations...)
	if err := in.apply(c.s, &updated); err != nil {
		return reply{}, err
	}
	*run = updated
	return ok(c.s.renderCheckRun(r, run)), nil
}

func listCheckRunsForRef(c *call) (reply, error) {
	r, err := c.repoFor()
	if err != nil {
		return reply{}, err
	}
	sha, found := r.resolve(c.param("ref"))
	if !found {
		return reply{}, errorf(http.StatusUnprocessableEntity, "No commit found for SHA: %s", c.param("ref"))
	}
	var matched []*checkRun
	for k := len(r.checkRuns) - 1; k >= 0; k-- {
		run := r.checkRuns[k]
		if run.headSHA != sha {
			continue
		}
		if name := c.query("check_name"); name != "" && run.name != name {
			continue
		}
		if status := c.query("status"); status != "" && run.status != status {
			continue
		}
		matched = append(matched, run)
	}
	out := renderPage(c, matched, func(run *checkRun) map[string]any { return c.s.renderCheckRun(r, run) })
	return ok(map[string]any{"total_count": len(matched), "check_runs": out}), nil
}
