package policy

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

const file = ".github/postmortem.yml"

func TestDefaultPolicyHoldsTheDocumentedValues(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if !slices.Equal(p.Incident.Labels, []string{"incident"}) ||
		!slices.Equal(p.Severity.Labels, []string{"sev1", "sev2", "sev3", "sev4"}) ||
		!slices.Equal(p.Severity.RequirePostmortem, []string{"sev1", "sev2"}) ||
		p.Severity.Default != "" {
		t.Errorf("incident/severity defaults: %+v %+v", p.Incident, p.Severity)
	}
	pm := p.Postmortem
	if pm.Directory != "postmortems" || pm.Filename != "{date}-{number}-{slug}.md" || pm.Template != "" ||
		pm.BranchPrefix != "postmortem/incident-" || !slices.Equal(pm.Labels, []string{"postmortem"}) ||
		len(pm.Reviewers) != 0 || len(pm.TeamReviewers) != 0 ||
		pm.DueDays != 5 || pm.ReminderIntervalDays != 2 || pm.TimelineLimit != 200 {
		t.Errorf("postmortem defaults: %+v", pm)
	}
	if p.Check.Mode != ModeEnforce || !p.Enforcing() || p.Check.GuidanceURL != "" {
		t.Errorf("check defaults: %+v", p.Check)
	}
	var names []string
	for _, s := range p.Check.RequiredSections {
		names = append(names, s.Name)
	}
	if want := []string{"Summary", "Impact", "Root Cause", "Action Items"}; !slices.Equal(names, want) {
		t.Errorf("required sections %q, want %q", names, want)
	}
	names = nil
	for _, s := range p.Check.RecommendedSections {
		names = append(names, s.Name)
	}
	if want := []string{"Timeline", "Resolution", "Lessons Learned"}; !slices.Equal(names, want) {
		t.Errorf("recommended sections %q, want %q", names, want)
	}
	if got := p.Check.RequiredSections[2].Aliases; !slices.Contains(got, "Causes") || !slices.Contains(got, "What caused it") {
		t.Errorf("Root Cause aliases %q", got)
	}
	// The policy file and the analysis package hold the same defaults.
	if !reflect.DeepEqual(p.Check.RequiredSections, analysis.DefaultSections()) || !reflect.DeepEqual(p.Check.RecommendedSections, analysis.DefaultRecommendedSections()) {
		t.Errorf("policies/postmortem.yml sections differ from analysis.DefaultSections and DefaultRecommendedSections")
	}
	a := p.ActionItems
	if a.Label != "corrective-action" || a.DefaultDueDays != 30 || a.ReminderIntervalDays != 7 ||
		a.EscalateAfterDays != 14 || a.EscalationTeam != "" || a.CloseIncidentWhenDone ||
		!a.StatusIssue.Enabled || a.StatusIssue.Title != "Postmortem action items: status" ||
		len(a.DueDaysByPriority) != 4 || a.DueDaysByPriority["P0"] != 7 || a.DueDaysByPriority["P3"] != 60 {
		t.Errorf("action item defaults: %+v", a)
	}
}

func TestRepositoryFileOverridesOnlyTheKeysItSets(t *testing.T) {
	p, err := Parse(file, []byte(`
postmortem:
  directory: docs/incidents
  reviewers: [alice]
check:
  mode: advisory
action_items:
  status_issue:
    title: Follow-ups
`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.Directory != "docs/incidents" || !slices.Equal(p.Postmortem.Reviewers, []string{"alice"}) {
		t.Errorf("set keys not applied: %+v", p.Postmortem)
	}
	if p.Postmortem.Filename != "{date}-{number}-{slug}.md" || p.Postmortem.DueDays != 5 || !slices.Equal(p.Postmortem.Labels, []string{"postmortem"}) {
		t.Errorf("sibling keys lost their defaults: %+v", p.Postmortem)
	}
	if p.Check.Mode != ModeAdvisory || p.Enforcing() || len(p.Check.RequiredSections) != 4 || len(p.Check.RecommendedSections) != 3 {
		t.Errorf("check: %+v", p.Check)
	}
	if !p.ActionItems.StatusIssue.Enabled || p.ActionItems.StatusIssue.Title != "Follow-ups" {
		t.Errorf("status issue: %+v", p.ActionItems.StatusIssue)
	}
	if !slices.Equal(p.Incident.Labels, []string{"incident"}) {
		t.Errorf("untouched section changed: %+v", p.Incident)
	}
}

func TestListsAndMapsInRepositoryFileReplaceDefaults(t *testing.T) {
	p, err := Parse(file, []byte(`
severity:
  labels: [P1, P2]
  require_postmortem: [P1]
check:
  required_sections:
    - name: Summary
    - name: What Happened
      aliases: [Narrative]
action_items:
  due_days_by_priority: {high: 3}
`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Severity.Labels, []string{"P1", "P2"}) || !slices.Equal(p.Severity.RequirePostmortem, []string{"P1"}) {
		t.Errorf("severity: %+v", p.Severity)
	}
	want := []analysis.SectionSpec{{Name: "Summary"}, {Name: "What Happened", Aliases: []string{"Narrative"}}}
	if len(p.Check.RequiredSections) != 2 || p.Check.RequiredSections[1].Name != want[1].Name || !slices.Equal(p.Check.RequiredSections[1].Aliases, want[1].Aliases) || p.Check.RequiredSections[0].Aliases != nil {
		t.Errorf("sections: %+v", p.Check.RequiredSections)
	}
	if len(p.ActionItems.DueDaysByPriority) != 1 || p.ActionItems.DueDaysByPriority["high"] != 3 {
		t.Errorf("priorities merged instead of replaced: %v", p.ActionItems.DueDaysByPriority)
	}
}

func TestEmptyListsAndNullsClearDefaults(t *testing.T) {
	p, err := Parse(file, []byte("postmortem:\n  labels: []\n  reviewers:\ncheck:\n  required_sections: []\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Postmortem.Labels == nil || len(p.Postmortem.Labels) != 0 || len(p.Check.RequiredSections) != 0 {
		t.Errorf("lists not cleared: %+v %+v", p.Postmortem.Labels, p.Check.RequiredSections)
	}
}

func TestEmptyOrCommentOnlyFileMeansDefaults(t *testing.T) {
	def, _ := Default()
	for _, data := range []string{"", "# nothing here\n", "---\n", "postmortem:\n"} {
		p, err := Parse(file, []byte(data))
		if err != nil {
			t.Errorf("%q: %v", data, err)
			continue
		}
		if !reflect.DeepEqual(p, def) {
			t.Errorf("%q: not the defaults:\n got %+v\nwant %+v", data, p, def)
		}
	}
}

func TestParseDoesNotChangeLaterDefaults(t *testing.T) {
	if _, err := Parse(file, []byte("incident:\n  labels: [outage]\n")); err != nil {
		t.Fatal(err)
	}
	p, _ := Default()
	if !slices.Equal(p.Incident.Labels, []string{"incident"}) {
		t.Errorf("defaults changed by an earlier Parse: %v", p.Incident.Labels)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"bad yaml", "check:\n  mode: [enforce\n", ".github/postmortem.yml:1: invalid YAML: did not find expected ',' or ']'"},
		{"tab indentation", "check:\n\tmode: enforce\n", ".github/postmortem.yml:2: invalid YAML: found character that cannot start any token"},
		{"top level list", "- incident\n", `.github/postmortem.yml:1:1: a policy file must be a mapping of keys (incident, severity, postmortem, check, action_items), got a list`},
		{"second document", "check:\n  mode: enforce\n---\ncheck: {}\n", `.github/postmortem.yml:3:1: a policy file holds a single YAML document; remove the second "---"`},
		{"unknown top key", "incidents:\n  labels: [x]\n", `.github/postmortem.yml:1:1: unknown key here; did you mean "incident"?`},
		{"unknown nested key", "postmortem:\n  directory: pm\n  reviwers: [a]\n", `.github/postmortem.yml:3:3: postmortem: unknown key here; did you mean "reviewers"?`},
		{"unknown key far off", "check:\n  colour: red\n", `.github/postmortem.yml:2:3: check: unknown key here; the keys here are guidance_url, mode, recommended_sections, required_sections, rules`},
		{"unknown key in list item", "check:\n  required_sections:\n    - name: Summary\n      alias: [TL;DR]\n", `.github/postmortem.yml:4:7: check.required_sections[0]: unknown key here; did you mean "aliases"?`},
		{"duplicate key", "check:\n  mode: enforce\n  mode: advisory\n", `.github/postmortem.yml:3:3: check.mode: set twice (first on line 2)`},
		{"remote with other keys", "remote: acme/policies\ncheck:\n  mode: advisory\n", `.github/postmortem.yml:1:1: remote: a remote reference holds only the keys remote, path and ref, and nothing else`},
		{"string for list", "incident:\n  labels: incident\n", `.github/postmortem.yml:2:11: incident.labels: must be a list, got a string`},
		{"number for string", "check:\n  mode: 1\n", `.github/postmortem.yml:2:9: check.mode: must be a string, got a whole number`},
		{"null for string", "postmortem:\n  directory:\n", `.github/postmortem.yml:2:13: postmortem.directory: must be a string, got nothing (null)`},
		{"quoted number for int", "postmortem:\n  due_days: \"5\"\n", `.github/postmortem.yml:2:13: postmortem.due_days: must be a whole number, got a string`},
		{"float for int", "postmortem:\n  due_days: 2.5\n", `.github/postmortem.yml:2:13: postmortem.due_days: must be a whole number, got a number with a fraction`},
		{"string for bool", "action_items:\n  close_incident_when_done: yes\n", `.github/postmortem.yml:2:29: action_items.close_incident_when_done: must be true or false, got a string`},
		{"map for section", "check: enforce\n", `.github/postmortem.yml:1:8: check: must be a mapping of keys, got a string`},
		{"bad mode", "\ncheck:\n  mode: strict\n", `.github/postmortem.yml:3:3: check.mode: must be "enforce" or "advisory"`},
		{"negative days", "postmortem:\n  due_days: -1\n", `.github/postmortem.yml:2:3: postmortem.due_days: must be between 0 and 3650 days`},
		{"negative priority days", "action_items:\n  due_days_by_priority:\n    P0: 1\n    P1: -7\n", `.github/postmortem.yml:4:5: action_items.due_days_by_priority.P1: must be between 0 and 3650 days`},
		{"priority twice in other case", "action_items:\n  due_days_by_priority: {P1: 3, p1: 4}\n", `.github/postmortem.yml:2:33: action_items.due_days_by_priority.p1: this priority is already set, in other letter case`},
		{"timeline limit", "postmortem:\n  timeline_limit: 5000\n", `.github/postmortem.yml:2:3: postmortem.timeline_limit: must be between 0 and 1000`},
		{"require unknown severity", "severity:\n  require_postmortem: [sev1, critical]\n", `.github/postmortem.yml:2:30: severity.require_postmortem[1]: must be one of severity.labels`},
		{"default require list vs new labels", "severity:\n  labels: [P1, P2]\n", `.github/postmortem.yml:2:3: severity.require_postmortem[0]: must be one of severity.labels`},
		{"unknown default severity", "severity:\n  default: sev9\n", `.github/postmortem.yml:2:3: severity.default: must be one of severity.labels`},
		{"no incident labels", "incident:\n  labels: []\n", `.github/postmortem.yml:2:3: incident.labels: must list at least one label`},
		{"duplicate label", "incident:\n  labels: [incident, Incident]\n", `.github/postmortem.yml:2:22: incident.labels[1]: repeats an earlier label (labels ignore case)`},
		{"old template syntax", "postmortem:\n  filename: \"{{.Date}-x.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: Go templates are not run in file names any more; write the fields as {date}, {year}, {slug} and {number}, e.g. "{date}-{number}-{slug}.md"`},
		{"unknown field", "postmortem:\n  filename: \"{title}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: uses an unknown field; the fields are {date}, {year}, {slug} and {number}`},
		{"unclosed field", "postmortem:\n  filename: \"{date-{slug}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: uses an unknown field; the fields are {date}, {year}, {slug} and {number}`},
		{"template action", "postmortem:\n  filename: \"{{.Title}}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: Go templates are not run in file names any more; write the fields as {date}, {year}, {slug} and {number}, e.g. "{date}-{number}-{slug}.md"`},
		{"filename not markdown", "postmortem:\n  filename: \"{{.Slug}}.txt\"\n", `.github/postmortem.yml:2:3: postmortem.filename: must give a name ending in .md`},
		{"filename constant", "postmortem:\n  filename: postmortem.md\n", `.github/postmortem.yml:2:3: postmortem.filename: gives the same name for every incident; use {number} (or at least {slug})`},
		{"filename escapes", "postmortem:\n  filename: \"../{{.Slug}}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: must give a plain relative file name (no leading "/", no "." or ".." parts, no "//" or "\")`},
		{"absolute directory", "postmortem:\n  directory: /postmortems\n", `.github/postmortem.yml:2:3: postmortem.directory: must be a relative path with forward slashes`},
		{"directory escapes", "postmortem:\n  directory: docs/../../x\n", `.github/postmortem.yml:2:3: postmortem.directory: must be a plain path inside the repository (no ".", ".." or "//")`},
		{"bad branch prefix", "postmortem:\n  branch_prefix: \"post mortem/\"\n", `.github/postmortem.yml:2:3: postmortem.branch_prefix: must be a valid start of a git branch name (no spaces, ~ ^ : ? * [ \, "..", "//" or "@{")`},
		{"reviewer with at", "postmortem:\n  reviewers: [\"@alice\"]\n", `.github/postmortem.yml:2:15: postmortem.reviewers[0]: must be a GitHub login; write it without the @`},
		{"team with org", "postmortem:\n  team_reviewers: [acme/sre]\n", `.github/postmortem.yml:2:20: postmortem.team_reviewers[0]: must be a team slug; write only the part after the organisation, e.g. "sre" for @acme/sre`},
		{"duplicate section", "check:\n  required_sections:\n    - name: Summary\n    - name: Impact\n      aliases: [summary!]\n", `.github/postmortem.yml:5:17: check.required_sections[1].aliases[0]: this heading already belongs to check.required_sections[0]`},
		{"nameless section", "check:\n  required_sections:\n    - aliases: [x]\n", `.github/postmortem.yml:3:7: check.required_sections[0].name: a section needs a name with letters or digits`},
		{"unknown rule in severity", "check:\n  rules:\n    severity: {no-such-rule: info}\n", `.github/postmortem.yml:3:16: check.rules.severity.no-such-rule: unknown rule id`},
		{"unknown rule in disable", "check:\n  rules:\n    disable:\n      - no-such-rule\n", `.github/postmortem.yml:4:9: check.rules.disable[0]: unknown rule id`},
		{"added rule without id", "check:\n  rules:\n    add:\n      - kind: phrase\n        severity: warning\n        phrases: [obviously]\n", `.github/postmortem.yml:4:9: check.rules.add[0].id: an added rule needs an id`},
		{"guidance url", "check:\n  guidance_url: wiki/postmortems\n", `.github/postmortem.yml:2:3: check.guidance_url: must be an http(s) address`},
		{"escalation team", "action_items:\n  escalation_team: sre-leads\n", `.github/postmortem.yml:2:3: action_items.escalation_team: must look like "@org/team-slug"`},
		{"empty status title", "action_items:\n  status_issue: {title: \"\"}\n", `.github/postmortem.yml:2:18: action_items.status_issue.title: must not be empty while the status issue is enabled`},
		{"merge key", "base: &b {mode: advisory}\ncheck:\n  <<: *b\n", `.github/postmortem.yml:1:7: anchors (&name) are not allowed in a policy file; write the value out where it is used`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(file, []byte(c.yaml))
			if err == nil {
				t.Fatalf("want error %q, got none", c.want)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T is not a *policy.Error: %v", err, err)
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
			if perr.File != file {
				t.Errorf("File = %q", perr.File)
			}
		})
	}
}

func TestMergeKeysAreRefused(t *testing.T) {
	_, err := Parse(file, []byte("check:\n  <<: {mode: advisory}\n"))
	if err == nil || err.Error() != `.github/postmortem.yml:2:3: check: merge keys (<<) are not supported; write the keys out` {
		t.Errorf("got %v", err)
	}
}

func TestAnchorsAndAliasesAreRefused(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"incident:\n  labels: &l [outage]\npostmortem:\n  labels: *l\n", `.github/postmortem.yml:2:11: anchors (&name) are not allowed in a policy file; write the value out where it is used`},
		{"incident:\n  labels: *lbl\n", `.github/postmortem.yml: invalid YAML: unknown anchor referenced`},
		// The "billion laughs" shape: each level doubles the one before.
		{"a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n", `.github/postmortem.yml:1:4: anchors (&name) are not allowed in a policy file; write the value out where it is used`},
	}
	for _, c := range cases {
		_, err := Parse(file, []byte(c.yaml))
		if err == nil || err.Error() != c.want {
			t.Errorf("%q:\n got %v\nwant %s", c.yaml, err, c.want)
		}
	}
}

func TestAliasBombIsRefusedCheaply(t *testing.T) {
	// 31 KB of nested aliases took 9 s and 1.4 GB when aliases were followed.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse(file, []byte(b.String()))
	runtime.ReadMemStats(&after)
	var perr *Error
	if !errors.As(err, &perr) || !strings.Contains(perr.Message, "anchors") {
		t.Fatalf("got %v, want the anchors refused", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("refusing a %d-byte file allocated %d bytes", b.Len(), alloc)
	}
}

func TestLimits(t *testing.T) {
	long := "incident:\n  labels: [" + strings.TrimSuffix(strings.Repeat("l, ", MaxListLength+1), ", ") + "]\n"
	many := "action_items:\n  due_days_by_priority:\n"
	for i := range MaxListLength + 1 {
		many += fmt.Sprintf("    p%d: 1\n", i)
	}
	cases := []struct{ name, yaml, want string }{
		{"long list", long, fmt.Sprintf(`.github/postmortem.yml:2:11: a list here may hold at most %d entries, got %d`, MaxListLength, MaxListLength+1)},
		{"big mapping", many, fmt.Sprintf(`.github/postmortem.yml:3:5: a mapping here may hold at most %d keys, got %d`, MaxListLength, MaxListLength+1)},
		{"big file", "# " + strings.Repeat("x", MaxFileBytes) + "\n", fmt.Sprintf(`.github/postmortem.yml: the file is %d bytes; a policy file may hold at most %d`, MaxFileBytes+3, MaxFileBytes)},
		{"odd map key", "action_items:\n  due_days_by_priority: {\"P 1\": 3}\n", `.github/postmortem.yml:2:26: action_items.due_days_by_priority: keys here must be short words of letters, digits, '-', '_' or '.', got a string`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(file, []byte(c.yaml))
			if err == nil || err.Error() != c.want {
				t.Errorf("\n got %v\nwant %s", err, c.want)
			}
		})
	}
}

// TestErrorsNeverQuoteTheFile feeds files that are not policies, holding a
// secret in every position, and checks no error repeats it.
func TestErrorsNeverQuoteTheFile(t *testing.T) {
	const secret = "hunter2SECRET"
	for _, data := range []string{
		"DB_PASSWORD=" + secret + "\n",
		secret + ": x\n",
		"incident: " + secret + "\n",
		"incident:\n  labels: " + secret + "\n",
		"incident:\n  " + secret + ": [x]\n",
		"check:\n  mode: " + secret + "\n",
		"check:\n  guidance_url: " + secret + "\n",
		"postmortem:\n  directory: /" + secret + "\n",
		"postmortem:\n  filename: " + secret + ".txt\n",
		"postmortem:\n  filename: \"{" + secret + "}.md\"\n",
		"postmortem:\n  reviewers: [\"" + secret + "!\"]\n",
		"severity:\n  default: " + secret + "\n",
		"action_items:\n  escalation_team: " + secret + "\n",
		"action_items:\n  due_days_by_priority: {\"" + secret + " x\": 1}\n",
		"check:\n  rules:\n    disable: [" + secret + "]\n",
		"check:\n  rules:\n    add:\n      - {id: x1, severity: warning, message: m, kind: pattern, pattern: \"(" + secret + "\"}\n",
		"check:\n  rules:\n    add:\n      - {id: x1, severity: " + secret + ", message: m, kind: phrase, phrases: [a]}\n",
		"check:\n  rules:\n    add:\n      - {id: x1, severity: info, message: m, kind: " + secret + ", phrases: [a]}\n",
		"- " + secret + "\n",
		"!!binary " + secret + "\n",
		"key: !custom " + secret + "\n",
	} {
		_, err := Parse(file, []byte(data))
		if err == nil {
			t.Errorf("%q: no error", data)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("%q: error quotes the file: %v", data, err)
		}
	}
}

func TestErrorFormat(t *testing.T) {
	cases := []struct {
		err  Error
		want string
	}{
		{Error{File: "a.yml", Line: 3, Column: 5, Key: "check.mode", Message: "bad"}, "a.yml:3:5: check.mode: bad"},
		{Error{File: "a.yml", Line: 3, Message: "bad"}, "a.yml:3: bad"},
		{Error{File: "a.yml", Message: "bad"}, "a.yml: bad"},
		{Error{Repo: "acme/.github@main", File: ".github/postmortem.yml", Line: 1, Column: 1, Key: "x", Message: "bad"}, "acme/.github@main:.github/postmortem.yml:1:1: x: bad"},
	}
	for _, c := range cases {
		if got := c.err.Error(); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func FuzzParseNeverPanics(f *testing.F) {
	f.Add([]byte("check:\n  mode: advisory\n"))
	f.Add([]byte("severity: {labels: [a], require_postmortem: [a]}\npostmortem: {filename: '{{.Number}}.md'}\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"))
	f.Add([]byte("incident:\n  labels: [" + strings.Repeat("x, ", 150) + "x]\n"))
	f.Add([]byte("postmortem:\n  filename: \"{{range 1000000}}{{range 1000000}}{{end}}{{end}}.md\"\n"))
	f.Add([]byte("check:\n  rules:\n    add:\n      - {id: r, severity: info, message: m, kind: pattern, pattern: \"[a-z]{1000}[0-9]{1000}[A-Z]{1000}[a-z]{1000}\"}\n"))
	// Each input gets a budget: a policy file is at most MaxFileBytes, and
	// parsing one must stay far below a worker's time and memory.
	const timeBudget, memBudget = 2 * time.Second, 64 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		p, err := Parse(file, data)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if took > timeBudget {
			t.Fatalf("parsing %d bytes took %s", len(data), took)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > memBudget {
			t.Fatalf("parsing %d bytes allocated %d bytes", len(data), alloc)
		}
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("non-policy error %T: %v", err, err)
			}
			if !strings.HasPrefix(err.Error(), file) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if p == nil {
			t.Fatal("nil policy without error")
		}
	})
}

func TestRuleOverridesAreCheckedAgainstDefaultRules(t *testing.T) {
	rules, err := analysis.DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	if len(rules) == 0 {
		t.Fatal("policies/rules.yml holds no rules: nothing to override")
	}
	id := rules[0].ID
	_, err = Parse(file, []byte("check:\n  rules:\n    severity:\n      "+id+": fatal\n"))
	want := `.github/postmortem.yml:4:7: check.rules.severity.` + id + `: must be error, warning or info`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	p, err := Parse(file, []byte("check:\n  rules:\n    disable: ["+id+"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := p.AnalysisConfig()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range cfg.Rules {
		if r.ID == id {
			t.Errorf("disabled rule %q is still in force", id)
		}
	}
	if len(cfg.Rules) != len(rules)-1 {
		t.Errorf("%d rules in force, want %d", len(cfg.Rules), len(rules)-1)
	}
}
