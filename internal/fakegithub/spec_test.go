package fakegithub

import "testing"

func TestSpecRoutesParametersThatContainSlashes(t *testing.T) {
	spec, err := githubSpec()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path, wantOp string
		wantParams           map[string]string
	}{
		{"GET", "/repos/acme/svc/contents/docs/postmortems/2024-01-01.md", "repos/get-content", map[string]string{"path": "docs/postmortems/2024-01-01.md"}},
		{"GET", "/repos/acme/svc/git/ref/heads/postmortem/issue-7", "git/get-ref", map[string]string{"ref": "heads/postmortem/issue-7"}},
		{"GET", "/repos/acme/svc/commits/feature/x/check-runs", "checks/list-for-ref", map[string]string{"ref": "feature/x"}},
		{"GET", "/repos/acme/svc/issues/comments/12", "issues/get-comment", map[string]string{"comment_id": "12"}},
		{"GET", "/repos/acme/svc/issues/12", "issues/get", map[string]string{"issue_number": "12"}},
		{"DELETE", "/repos/acme/svc/issues/3/labels/needs%20review", "issues/remove-label", map[string]string{"name": "needs review"}},
	}
	for _, c := range cases {
		op, err := spec.match(c.method, c.path)
		if err != nil {
			t.Errorf("%s %s: %v", c.method, c.path, err)
			continue
		}
		if op.id != c.wantOp {
			t.Errorf("%s %s matched %s, want %s", c.method, c.path, op.id, c.wantOp)
		}
		for k, v := range c.wantParams {
			if op.pathParams[k] != v {
				t.Errorf("%s %s: param %s = %q, want %q", c.method, c.path, k, op.pathParams[k], v)
			}
		}
	}
	if _, err := spec.match("GET", "/repos/acme/svc/nonsense"); err == nil {
		t.Error("unknown route matched an operation")
	}
	if _, err := spec.match("DELETE", "/repos/acme/svc/pulls/1"); err == nil {
		t.Error("DELETE on pulls matched although GitHub has no such operation")
	}
}
