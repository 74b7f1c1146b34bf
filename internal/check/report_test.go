package check

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

func finding(line, col int, sev analysis.Severity) analysis.Finding {
	return analysis.Finding{File: "postmortems/a.md", Line: line, Column: col, EndLine: line, EndColumn: col + 4,
		Rule: "human-error", Severity: sev, Message: "Blames a person | badly", Suggestion: "Name the condition"}
}

func TestConclusionFollowsModeAndSeverity(t *testing.T) {
	withError := []analysis.Result{{File: "a.md", Findings: []analysis.Finding{finding(3, 1, analysis.SeverityError)}}}
	missing := []analysis.Result{{File: "a.md", MissingSections: []string{"Impact"}}}
	warningOnly := []analysis.Result{{File: "a.md", Findings: []analysis.Finding{finding(3, 1, analysis.SeverityWarning)}}}
	clean := []analysis.Result{{File: "a.md"}}
	for _, tc := range []struct {
		name      string
		results   []analysis.Result
		enforcing bool
		want      string
	}{
		{"error enforced", withError, true, "failure"},
		{"error advisory", withError, false, "neutral"},
		{"missing section enforced", missing, true, "failure"},
		{"missing section advisory", missing, false, "neutral"},
		{"warning only enforced", warningOnly, true, "success"},
		{"clean enforced", clean, true, "success"},
		{"clean advisory", clean, false, "success"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := buildReport(tc.results, reviewSettings{Enforcing: tc.enforcing}).Conclusion
			if got != tc.want {
				t.Errorf("conclusion %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTitleCountsFindingsAndMissingSections(t *testing.T) {
	results := []analysis.Result{
		{File: "a.md", MissingSections: []string{"Impact", "Timeline"}, Findings: []analysis.Finding{
			finding(1, 1, analysis.SeverityError), finding(2, 1, analysis.SeverityError), finding(5, 1, analysis.SeverityWarning),
		}},
		{File: "b.md", Findings: []analysis.Finding{finding(9, 1, analysis.SeverityInfo)}},
	}
	got := buildReport(results, reviewSettings{Enforcing: true}).Title
	want := "2 errors, 1 warning, 1 note in 2 postmortems (2 missing sections)"
	if got != want {
		t.Errorf("title %q, want %q", got, want)
	}
}

func TestAnnotationKeepsColumnsOnlyOnOneLine(t *testing.T) {
	one := annotationOf(analysis.Finding{File: "a.md", Line: 4, Column: 7, EndLine: 4, EndColumn: 12, Severity: analysis.SeverityInfo, Rule: "r", Message: "m"})
	if one.StartColumn != 7 || one.EndColumn != 12 || one.Level != "notice" || one.Message != "m" {
		t.Errorf("single-line annotation %+v", one)
	}
	multi := annotationOf(analysis.Finding{File: "a.md", Line: 4, Column: 7, EndLine: 6, EndColumn: 2, Severity: analysis.SeverityWarning, Rule: "r", Message: "m"})
	if multi.StartColumn != 0 || multi.EndColumn != 0 || multi.EndLine != 6 || multi.Level != "warning" {
		t.Errorf("multi-line annotation %+v", multi)
	}
	noLine := annotationOf(analysis.Finding{File: "a.md", Severity: analysis.SeverityError, Rule: "r", Message: "m"})
	if noLine.StartLine != 1 || noLine.EndLine != 1 || noLine.Level != "failure" {
		t.Errorf("annotation without a line %+v", noLine)
	}
}

func TestSummaryEscapesTableCellsAndLinksGuidance(t *testing.T) {
	rep := buildReport([]analysis.Result{{File: "a.md", Findings: []analysis.Finding{finding(3, 2, analysis.SeverityError)}}},
		reviewSettings{Enforcing: true, GuidanceURL: "https://wiki.example/postmortems"})
	for _, s := range []string{`Blames a person \| badly`, "| 3:2 | error | `human-error` |", "https://wiki.example/postmortems", "How to rephrase"} {
		if !strings.Contains(rep.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, rep.Summary)
		}
	}
}

func TestHugeReportStaysWithinGitHubLimits(t *testing.T) {
	var fs []analysis.Finding
	for i := range 5000 {
		f := finding(i+1, 1, analysis.SeverityError)
		f.Message = strings.Repeat("é", 40)
		fs = append(fs, f)
	}
	rep := buildReport([]analysis.Result{{File: "a.md", Findings: fs}}, reviewSettings{Enforcing: true})
	if len(rep.Summary) > maxSummaryBytes || !utf8.ValidString(rep.Summary) {
		t.Errorf("summary is %d bytes (valid UTF-8: %v), limit %d", len(rep.Summary), utf8.ValidString(rep.Summary), maxSummaryBytes)
	}
	if !strings.Contains(rep.Summary, "not listed here for lack of space") {
		t.Error("summary does not say findings were left out")
	}
	if len(rep.Annotations) != maxAnnotations {
		t.Errorf("%d annotations, want the cap %d", len(rep.Annotations), maxAnnotations)
	}
	if rep.Title != "5000 errors in 1 postmortem" {
		t.Errorf("title %q", rep.Title)
	}
}

func TestPolicyErrorReportNamesFileLineAndProblem(t *testing.T) {
	rep := policyProblemReport(&policy.Error{Repo: "acme/shop@main", File: ".github/postmortem.yml", Line: 4, Column: 9,
		Key: "check.mode", Message: `must be "enforce" or "advisory"`}, "", []string{"postmortems/a.md"})
	if rep.Conclusion != "failure" {
		t.Errorf("conclusion %q", rep.Conclusion)
	}
	if rep.Title != "Invalid postmortem policy: .github/postmortem.yml:4:9" {
		t.Errorf("title %q", rep.Title)
	}
	for _, s := range []string{"acme/shop@main:.github/postmortem.yml", "line 4, column 9", "`check.mode`", "must be", "postmortems/a.md"} {
		if !strings.Contains(rep.Summary, s) {
			t.Errorf("summary lacks %q:\n%s", s, rep.Summary)
		}
	}
}
