package policy

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

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
	if pm.Directory != "postmortems" || pm.Filename != "{{.Date}}-{{.Slug}}.md" || pm.Template != "" ||
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
	if want := []string{"Summary", "Impact", "Timeline", "Root Cause", "Resolution", "Action Items", "Lessons Learned"}; !slices.Equal(names, want) {
		t.Errorf("required sections %q, want %q", names, want)
	}
	if got := p.Check.RequiredSections[3].Aliases; !slices.Equal(got, []string{"Root Causes", "Contributing Factors"}) {
		t.Errorf("Root Cause aliases %q", got)
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
	if p.Postmortem.Filename != "{{.Date}}-{{.Slug}}.md" || p.Postmortem.DueDays != 5 || !slices.Equal(p.Postmortem.Labels, []string{"postmortem"}) {
		t.Errorf("sibling keys lost their defaults: %+v", p.Postmortem)
	}
	if p.Check.Mode != ModeAdvisory || p.Enforcing() || len(p.Check.RequiredSections) != 7 {
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
		{"unknown top key", "incidents:\n  labels: [x]\n", `.github/postmortem.yml:1:1: incidents: unknown key; did you mean "incident"?`},
		{"unknown nested key", "postmortem:\n  directory: pm\n  reviwers: [a]\n", `.github/postmortem.yml:3:3: postmortem.reviwers: unknown key; did you mean "reviewers"?`},
		{"unknown key far off", "check:\n  colour: red\n", `.github/postmortem.yml:2:3: check.colour: unknown key; known keys here: guidance_url, mode, required_sections, rules`},
		{"unknown key in list item", "check:\n  required_sections:\n    - name: Summary\n      alias: [TL;DR]\n", `.github/postmortem.yml:4:7: check.required_sections[0].alias: unknown key; did you mean "aliases"?`},
		{"duplicate key", "check:\n  mode: enforce\n  mode: advisory\n", `.github/postmortem.yml:3:3: check.mode: set twice (first on line 2)`},
		{"remote with other keys", "remote: acme/policies\ncheck:\n  mode: advisory\n", `.github/postmortem.yml:1:1: remote: a remote reference holds only the keys remote, path and ref, and nothing else`},
		{"string for list", "incident:\n  labels: incident\n", `.github/postmortem.yml:2:11: incident.labels: must be a list, got "incident"`},
		{"number for string", "check:\n  mode: 1\n", `.github/postmortem.yml:2:9: check.mode: must be a string, got the number 1`},
		{"null for string", "postmortem:\n  directory:\n", `.github/postmortem.yml:2:13: postmortem.directory: must be a string, got nothing (null)`},
		{"quoted number for int", "postmortem:\n  due_days: \"5\"\n", `.github/postmortem.yml:2:13: postmortem.due_days: must be a whole number, got "5"`},
		{"float for int", "postmortem:\n  due_days: 2.5\n", `.github/postmortem.yml:2:13: postmortem.due_days: must be a whole number, got the number 2.5`},
		{"string for bool", "action_items:\n  close_incident_when_done: yes\n", `.github/postmortem.yml:2:29: action_items.close_incident_when_done: must be true or false, got "yes"`},
		{"map for section", "check: enforce\n", `.github/postmortem.yml:1:8: check: must be a mapping of keys, got "enforce"`},
		{"bad mode", "\ncheck:\n  mode: strict\n", `.github/postmortem.yml:3:3: check.mode: must be "enforce" or "advisory", got "strict"`},
		{"negative days", "postmortem:\n  due_days: -1\n", `.github/postmortem.yml:2:3: postmortem.due_days: must be between 0 and 3650 days, got -1`},
		{"negative priority days", "action_items:\n  due_days_by_priority:\n    P0: 1\n    P1: -7\n", `.github/postmortem.yml:4:5: action_items.due_days_by_priority.P1: must be between 0 and 3650 days, got -7`},
		{"priority twice in other case", "action_items:\n  due_days_by_priority: {P1: 3, p1: 4}\n", `.github/postmortem.yml:2:33: action_items.due_days_by_priority.p1: priority "p1" is already set as "P1"`},
		{"timeline limit", "postmortem:\n  timeline_limit: 5000\n", `.github/postmortem.yml:2:3: postmortem.timeline_limit: must be between 0 and 1000, got 5000`},
		{"require unknown severity", "severity:\n  require_postmortem: [sev1, critical]\n", `.github/postmortem.yml:2:30: severity.require_postmortem[1]: "critical" is not one of severity.labels [sev1, sev2, sev3, sev4]`},
		{"default require list vs new labels", "severity:\n  labels: [P1, P2]\n", `.github/postmortem.yml:2:3: severity.require_postmortem[0]: "sev1" is not one of severity.labels [P1, P2]`},
		{"unknown default severity", "severity:\n  default: sev9\n", `.github/postmortem.yml:2:3: severity.default: "sev9" is not one of severity.labels [sev1, sev2, sev3, sev4]`},
		{"no incident labels", "incident:\n  labels: []\n", `.github/postmortem.yml:2:3: incident.labels: must list at least one label`},
		{"duplicate label", "incident:\n  labels: [incident, Incident]\n", `.github/postmortem.yml:2:22: incident.labels[1]: "Incident" is listed twice (labels ignore case)`},
		{"template syntax", "postmortem:\n  filename: \"{{.Date}-x.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: invalid template: 1: bad character U+007D '}'`},
		{"template unknown field", "postmortem:\n  filename: \"{{.Title}}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: template fails: can't evaluate field Title in type draft.FileNameData (it may use .Date, .Slug and .Number)`},
		{"filename not markdown", "postmortem:\n  filename: \"{{.Slug}}.txt\"\n", `.github/postmortem.yml:2:3: postmortem.filename: must produce a name ending in .md; gives "checkout-outage.txt"`},
		{"filename constant", "postmortem:\n  filename: postmortem.md\n", `.github/postmortem.yml:2:3: postmortem.filename: gives "postmortem.md" for every incident; use {{.Slug}} or {{.Number}}`},
		{"filename escapes", "postmortem:\n  filename: \"../{{.Slug}}.md\"\n", `.github/postmortem.yml:2:3: postmortem.filename: gives "../checkout-outage.md", which is not a plain relative file name`},
		{"absolute directory", "postmortem:\n  directory: /postmortems\n", `.github/postmortem.yml:2:3: postmortem.directory: must be a relative path with forward slashes, got "/postmortems"`},
		{"directory escapes", "postmortem:\n  directory: docs/../../x\n", `.github/postmortem.yml:2:3: postmortem.directory: must be a plain path inside the repository (no ".", ".." or "//"), got "docs/../../x"`},
		{"bad branch prefix", "postmortem:\n  branch_prefix: \"post mortem/\"\n", `.github/postmortem.yml:2:3: postmortem.branch_prefix: "post mortem/" is not allowed in a git branch name (no spaces, ~ ^ : ? * [ \, "..", "//" or "@{")`},
		{"reviewer with at", "postmortem:\n  reviewers: [\"@alice\"]\n", `.github/postmortem.yml:2:15: postmortem.reviewers[0]: "@alice" is not a GitHub login; write it without the @`},
		{"team with org", "postmortem:\n  team_reviewers: [acme/sre]\n", `.github/postmortem.yml:2:20: postmortem.team_reviewers[0]: "acme/sre" is not a team slug; write only the part after the organisation, e.g. "sre" for @acme/sre`},
		{"duplicate section", "check:\n  required_sections:\n    - name: Summary\n    - name: Impact\n      aliases: [summary!]\n", `.github/postmortem.yml:5:17: check.required_sections[1].aliases[0]: heading "summary!" already belongs to section "Summary"`},
		{"nameless section", "check:\n  required_sections:\n    - aliases: [x]\n", `.github/postmortem.yml:3:7: check.required_sections[0].name: a section needs a name with letters or digits`},
		{"unknown rule in severity", "check:\n  rules:\n    severity: {no-such-rule: info}\n", `.github/postmortem.yml:3:16: check.rules.severity.no-such-rule: unknown rule id "no-such-rule"`},
		{"unknown rule in disable", "check:\n  rules:\n    disable:\n      - no-such-rule\n", `.github/postmortem.yml:4:9: check.rules.disable[0]: unknown rule id "no-such-rule"`},
		{"added rule without id", "check:\n  rules:\n    add:\n      - kind: phrase\n        severity: warning\n        phrases: [obviously]\n", `.github/postmortem.yml:4:9: check.rules.add[0].id: an added rule needs an id`},
		{"guidance url", "check:\n  guidance_url: wiki/postmortems\n", `.github/postmortem.yml:2:3: check.guidance_url: must be an http(s) address, got "wiki/postmortems"`},
		{"escalation team", "action_items:\n  escalation_team: sre-leads\n", `.github/postmortem.yml:2:3: action_items.escalation_team: must look like "@org/team-slug", got "sre-leads"`},
		{"empty status title", "action_items:\n  status_issue: {title: \"\"}\n", `.github/postmortem.yml:2:18: action_items.status_issue.title: must not be empty while the status issue is enabled`},
		{"merge key", "base: &b {mode: advisory}\ncheck:\n  <<: *b\n", `.github/postmortem.yml:1:1: base: unknown key; known keys here: action_items, check, incident, postmortem, severity`},
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
	if err == nil || err.Error() != `.github/postmortem.yml:2:3: check.<<: merge keys (<<) are not supported; write the keys out` {
		t.Errorf("got %v", err)
	}
}

func TestAnchorsAndAliasesWork(t *testing.T) {
	p, err := Parse(file, []byte("incident:\n  labels: &l [outage]\npostmortem:\n  labels: *l\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Postmortem.Labels, []string{"outage"}) {
		t.Errorf("alias not followed: %v", p.Postmortem.Labels)
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
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(file, data)
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
	want := `.github/postmortem.yml:4:7: check.rules.severity.` + id + `: must be error, warning or info, got "fatal"`
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
