package check

import (
	"strings"
	"testing"
)

func TestPolicyChangeVerdicts(t *testing.T) {
	for _, tc := range []struct {
		name, content, unreadable string
		wantLine                  int
		wantSummary               string
	}{
		{"valid", "check:\n  mode: advisory\n", "", 0, "`.github/postmortem.yml` — policy change: valid."},
		{"empty file keeps the defaults", "", "", 0, "policy change: valid."},
		{"bad value", "\n\ncheck:\n  mode: 3\n", "", 4, "`.github/postmortem.yml:4:9` — policy change: invalid: `check.mode`: must be a string"},
		{"broken YAML", "check: [\n", "", 1, "policy change: invalid: invalid YAML"},
		{"empty remote", "remote: \"\"\n", "", 1, "policy change: invalid: `remote`: must name a repository as owner/name"},
		{"remote reference", "remote: acme/.github\npath: .github/pm.yml\n", "", 0, "policy change: refers to `acme/.github:.github/pm.yml`"},
		{"remote to another repository", "remote: acme/secrets\n", "", 1, "policy change: invalid: `remote`: must name the same owner's .github repository"},
		{"remote to another owner", "remote: evil/.github\n", "", 1, "policy change: invalid: `remote`: must name the same owner's .github repository"},
		{"remote to a file that is no policy", "remote: acme/.github\npath: deploy/prod.env\n", "", 2, "policy change: invalid: `path`: must be a YAML file directly in the .github folder"},
		{"unreadable", "", "GitHub could not serve the file", 1, "policy change: invalid: GitHub could not serve the file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := checkPolicyChange(".github/postmortem.yml", []byte(tc.content), tc.unreadable, "acme")
			if got := ch.summaryLine(); !strings.Contains(got, tc.wantSummary) {
				t.Errorf("summary line %q lacks %q", got, tc.wantSummary)
			}
			if (ch.Problem != nil) != (tc.wantLine > 0) {
				t.Fatalf("problem %+v, want one on line %d", ch.Problem, tc.wantLine)
			}
			if tc.wantLine > 0 {
				if a := ch.annotation(); a.StartLine != tc.wantLine || a.EndLine != tc.wantLine || a.Level != "failure" {
					t.Errorf("annotation %+v, want a failure on line %d", a, tc.wantLine)
				}
			}
		})
	}
}

func TestPolicyChangeKeepsAnnotationsWithinTheCap(t *testing.T) {
	rep := report{Conclusion: conclusionNeutral, Title: "500 errors in 1 postmortem", Annotations: make([]annotation, maxAnnotations)}
	bad := checkPolicyChange(".github/postmortem.yml", []byte("check:\n  mode: x\n"), "", "acme")
	got := withPolicyChanges(rep, []policyChange{bad})
	if len(got.Annotations) != maxAnnotations || got.Annotations[0].Path != ".github/postmortem.yml" {
		t.Errorf("%d annotations, first on %q: want %d with the policy's first", len(got.Annotations), got.Annotations[0].Path, maxAnnotations)
	}
	if got.Conclusion != conclusionFailure {
		t.Errorf("conclusion %q: an invalid policy change fails even an advisory review", got.Conclusion)
	}
}
