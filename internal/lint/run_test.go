package lint

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	code = Run(context.Background(), args, &out, &errw)
	return code, out.String(), errw.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"clean file", []string{"testdata/clean.md"}, ExitClean},
		{"blameful file", []string{"testdata/blameful.md"}, ExitFindings},
		{"info findings only", []string{"--config", "testdata/info-only.yml", "testdata/blameful.md"}, ExitClean},
		{"missing path", []string{"testdata/no-such.md"}, ExitUsage},
		{"no path", []string{}, ExitUsage},
		{"unknown format", []string{"--format", "xml", "testdata/clean.md"}, ExitUsage},
		{"unknown flag", []string{"--colour", "testdata/clean.md"}, ExitUsage},
		{"missing config", []string{"--config", "testdata/none.yml", "testdata/clean.md"}, ExitUsage},
		{"invalid config", []string{"--config", "testdata/bad-config.yml", "testdata/clean.md"}, ExitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.want {
				t.Fatalf("exit %d, want %d (stderr %q)", code, tt.want, stderr)
			}
			if code == ExitUsage && stderr == "" {
				t.Error("usage/I-O error without a message on stderr")
			}
		})
	}
}

func TestInvalidConfigErrorNamesTheProblem(t *testing.T) {
	_, _, stderr := run(t, "--config", "testdata/bad-config.yml", "testdata/clean.md")
	if !strings.Contains(stderr, "bad-config.yml:3:15: check.rules.disable[0]: unknown rule id") {
		t.Errorf("stderr %q does not name the file and the unknown rule", stderr)
	}
}

func TestTextFormatListsFindingsWithSuggestionsAndSummary(t *testing.T) {
	code, out, _ := run(t, "testdata/clean.md", "testdata/blameful.md")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"testdata/blameful.md:14:14 error person-fault: A person is made the subject of a fault.\n    matched: \"broke\" (about \"Alex\")\n    suggestion: Make the system the subject",
		"testdata/blameful.md:18:20 error human-error: \"Human error\" and fault words name a person as the cause and end the inquiry.\n    matched: \"human error\"\n",
		"testdata/blameful.md:22:4 warning minimiser:",
		"testdata/blameful.md:1:1 error section-missing: The required section \"Action Items\" is missing",
		"testdata/blameful.md:1:1 warning section-recommended: The recommended section \"Lessons Learned\" is missing",
		"5 findings (3 errors, 2 warnings, 0 info) in 1 of 2 files\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "clean.md:") {
		t.Errorf("clean file reported:\n%s", out)
	}
	_, out, _ = run(t, "testdata/clean.md")
	if out != "no findings in 1 file\n" {
		t.Errorf("clean output %q", out)
	}
}

func TestJSONFormat(t *testing.T) {
	code, out, _ := run(t, "--format", "json", "testdata/blameful.md", "testdata/clean.md")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var got struct {
		Findings        []map[string]any    `json:"findings"`
		MissingSections []map[string]string `json:"missing_sections"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatalf("decode: %v\n%s", err, out)
	}
	if len(got.Findings) != 5 {
		t.Fatalf("%d findings, want 5", len(got.Findings))
	}
	f := got.Findings[2]
	keys := []string{"file", "line", "column", "rule", "severity", "message", "suggestion", "match", "person"}
	if len(f) != len(keys) {
		t.Errorf("finding has keys %v, want exactly %v", f, keys)
	}
	if f["file"] != "testdata/blameful.md" || f["line"] != float64(14) || f["column"] != float64(14) || f["rule"] != "person-fault" || f["severity"] != "error" ||
		f["match"] != "broke" || f["person"] != "Alex" {
		t.Errorf("finding = %v", f)
	}
	// A structural finding has no words to show.
	if s := got.Findings[0]; s["rule"] != "section-missing" || s["match"] != nil || s["person"] != nil {
		t.Errorf("structural finding = %v, want section-missing without match or person", s)
	}
	want := []map[string]string{{"file": "testdata/blameful.md", "section": "Action Items"}} // Lessons Learned is recommended, not required
	if !reflect.DeepEqual(got.MissingSections, want) {
		t.Errorf("missing sections = %v, want %v", got.MissingSections, want)
	}
	_, out, _ = run(t, "--format", "json", "testdata/clean.md")
	if strings.TrimSpace(out) != "{\n  \"findings\": [],\n  \"missing_sections\": []\n}" {
		t.Errorf("clean JSON = %s", out)
	}
}

func TestSARIFFormatIsValid210(t *testing.T) {
	code, out, _ := run(t, "--format", "sarif", "testdata/blameful.md")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	var log struct {
		Version string `json:"version"`
		Schema  string `json:"$schema"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct {
							Text string `json:"text"`
						} `json:"shortDescription"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine   int `json:"startLine"`
							StartColumn int `json:"startColumn"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif") || len(log.Runs) != 1 {
		t.Fatalf("header: version %q schema %q runs %d", log.Version, log.Schema, len(log.Runs))
	}
	run0 := log.Runs[0]
	if run0.Tool.Driver.Name != "postmortem-bot" || len(run0.Results) != 5 {
		t.Fatalf("driver %q, %d results", run0.Tool.Driver.Name, len(run0.Results))
	}
	levels := map[string]bool{"error": true, "warning": true, "note": true}
	for _, r := range run0.Results {
		if r.RuleIndex < 0 || r.RuleIndex >= len(run0.Tool.Driver.Rules) || run0.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule index %d", r.RuleID, r.RuleIndex)
		}
		if !levels[r.Level] || r.Message.Text == "" || len(r.Locations) != 1 {
			t.Errorf("bad result %+v", r)
		}
		loc := r.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "testdata/blameful.md" || loc.Region.StartLine < 1 || loc.Region.StartColumn < 1 {
			t.Errorf("bad location %+v", loc)
		}
	}
	if r := run0.Results[2]; r.RuleID != "person-fault" || r.Locations[0].PhysicalLocation.Region.StartLine != 14 || r.Level != "error" {
		t.Errorf("third result = %+v", r)
	}
	if r := run0.Results[4]; r.RuleID != "minimiser" || r.Level != "warning" {
		t.Errorf("fifth result = %+v", r)
	}
	if r := run0.Results[2]; !strings.Contains(r.Message.Text, `Matched: "broke" (about "Alex").`) {
		t.Errorf("third result does not say what it matched: %q", r.Message.Text)
	}
	// A rule's description is general, not the text of its first finding.
	for _, rule := range run0.Tool.Driver.Rules {
		if rule.ID == "section-missing" && strings.Contains(rule.ShortDescription.Text, "Action Items") {
			t.Errorf("section-missing is described by one finding: %q", rule.ShortDescription.Text)
		}
	}
}

func TestGitHubFormatPrintsWorkflowCommands(t *testing.T) {
	code, out, _ := run(t, "--format", "github", "testdata/blameful.md")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines:\n%s", len(lines), out)
	}
	want := "::error file=testdata/blameful.md,line=14,col=14,title=person-fault::A person is made the subject of a fault.%0AMake the system the subject"
	if !strings.HasPrefix(lines[2], want) {
		t.Errorf("line 3 = %q, want prefix %q", lines[2], want)
	}
	if !strings.HasPrefix(lines[4], "::warning file=testdata/blameful.md,line=22,col=4,title=minimiser::") {
		t.Errorf("line 5 = %q", lines[4])
	}
	if got := escapeProperty("a,b:c%\n"); got != "a%2Cb%3Ac%25%0A" {
		t.Errorf("escapeProperty = %q", got)
	}
}

func TestDirectoriesAreSearchedForMarkdownSkippingHiddenOnes(t *testing.T) {
	code, out, _ := run(t, "--format", "json", "testdata/dir")
	if code != ExitFindings {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out, "testdata/dir/nested/b.md") {
		t.Errorf("nested file not linted:\n%s", out)
	}
	if strings.Contains(out, ".hidden") || strings.Contains(out, "notes.txt") {
		t.Errorf("hidden dir or non-Markdown file linted:\n%s", out)
	}
	files, err := collectFiles([]string{"testdata/dir", "testdata/dir/a.md"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(files, ",") != "testdata/dir/a.md,testdata/dir/nested/b.md" {
		t.Errorf("files = %v", files)
	}
}

func TestCancelledContextStopsWithUsageExit(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errw bytes.Buffer
	if code := Run(ctx, []string{"testdata/clean.md"}, &out, &errw); code != ExitUsage || !strings.Contains(errw.String(), "stopped") {
		t.Errorf("exit %d stderr %q", code, errw.String())
	}
}

func TestDashReadsStandardInput(t *testing.T) {
	src, err := os.ReadFile("testdata/blameful.md")
	if err != nil {
		t.Fatal(err)
	}
	var out, errw bytes.Buffer
	code := RunWithInput(context.Background(), []string{"-"}, bytes.NewReader(src), &out, &errw)
	if code != ExitFindings {
		t.Fatalf("exit %d, want %d (stderr %q)", code, ExitFindings, errw.String())
	}
	if !strings.Contains(out.String(), "<stdin>:") {
		t.Errorf("findings do not name standard input: %q", out.String())
	}
}

func TestFlagsAfterPathsAreFlags(t *testing.T) {
	code, out, stderr := run(t, "testdata/blameful.md", "--format", "json")
	if code != ExitFindings {
		t.Fatalf("exit %d (stderr %q)", code, stderr)
	}
	if !json.Valid([]byte(out)) {
		t.Fatalf("--format after the path was not applied: %q", out)
	}
	// After --, everything is a path.
	code, _, stderr = run(t, "testdata/clean.md", "--", "--format")
	if code != ExitUsage || !strings.Contains(stderr, "--format") {
		t.Errorf("exit %d, stderr %q: a path named --format should be reported missing", code, stderr)
	}
}

func TestMissingPathIsReportedAndTheOthersStillLinted(t *testing.T) {
	code, out, stderr := run(t, "testdata/no-such.md", "testdata/blameful.md")
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d", code, ExitUsage)
	}
	if !strings.Contains(stderr, "testdata/no-such.md") {
		t.Errorf("missing path not reported: %q", stderr)
	}
	if !strings.Contains(out, "testdata/blameful.md:") {
		t.Errorf("the existing file was not linted: %q", out)
	}
}

func TestNoMarkdownFilesIsAUsageError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, dir)
	if code != ExitUsage || !strings.Contains(stderr, "no Markdown files found") {
		t.Fatalf("exit %d, stderr %q, stdout %q", code, stderr, out)
	}
}

func TestHelpExitsZeroOnStdout(t *testing.T) {
	for _, arg := range []string{"--help", "-h"} {
		code, out, _ := run(t, arg)
		if code != ExitClean || !strings.Contains(out, "usage: postmortem-bot lint") || !strings.Contains(out, "environment variables") {
			t.Errorf("%s: exit %d, stdout %q", arg, code, out)
		}
	}
}

func TestSARIFNamesTheToolVersion(t *testing.T) {
	old := ToolVersion
	ToolVersion = "v1.2.3-test"
	t.Cleanup(func() { ToolVersion = old })
	_, out, _ := run(t, "--format", "sarif", "testdata/blameful.md")
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Version string `json:"version"`
				} `json:"driver"`
			} `json:"tool"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil || len(log.Runs) != 1 {
		t.Fatalf("SARIF: %v, %q", err, out)
	}
	if got := log.Runs[0].Tool.Driver.Version; got != "v1.2.3-test" {
		t.Errorf("driver version %q", got)
	}
}
