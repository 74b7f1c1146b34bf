package analysis

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseActionItemsFromTaskList(t *testing.T) {
	src := "# PM\n\n## Action Items\n\n" +
		"- [ ] Add an alert on replication lag (owner: @sre-team, due: 2026-12-15, priority: p1, type: detect)\n" +
		"- [x] Make `dry-run` the default @kim #77\n" +
		"- [ ] Document the failover; Owner: @acme/platform; Due: 2026-05-01; Type: Prevention; Issue: https://github.com/acme/api/issues/9\n" +
		"\n## Lessons Learned\n\n- [ ] Not an action item (owner: @nobody)\n"
	items, findings := ParseActionItems("pm.md", []byte(src), Config{})
	if len(findings) != 0 {
		t.Fatalf("findings: %+v", findings)
	}
	want := []ActionItem{
		{Title: "Add an alert on replication lag", Owner: "@sre-team", Due: "2026-12-15", Priority: "P1", Type: "detect", Line: 5},
		{Title: "Make dry-run the default @kim #77", Owner: "@kim", IssueRef: "#77", Done: true, Line: 6},
		{Title: "Document the failover", Owner: "@acme/platform", Due: "2026-05-01", Type: "prevent", IssueRef: "https://github.com/acme/api/issues/9", Line: 7},
	}
	if !reflect.DeepEqual(items, want) {
		t.Fatalf("items:\n got %+v\nwant %+v", items, want)
	}
	if items[0].OwnerIsTeam() || !items[0].OwnerIsUser() || !items[2].OwnerIsTeam() {
		t.Errorf("owner kinds wrong: %q team=%v, %q team=%v", items[0].Owner, items[0].OwnerIsTeam(), items[2].Owner, items[2].OwnerIsTeam())
	}
}

func TestParseActionItemsFromTable(t *testing.T) {
	src := "## Corrective Actions\n\n" +
		"| Task | Assignee | Due date | Priority | Type | Tracking | Status |\n" +
		"|------|----------|----------|----------|------|----------|--------|\n" +
		"| Add pool size validation | @kim | 2026-06-01 | P2 | mitigate | #12 | done |\n" +
		"| Route disk alerts | @acme/sre | - | P1 | process | | open |\n"
	items, findings := ParseActionItems("pm.md", []byte(src), Config{})
	if len(findings) != 0 {
		t.Fatalf("findings: %+v", findings)
	}
	want := []ActionItem{
		{Title: "Add pool size validation", Owner: "@kim", Due: "2026-06-01", Priority: "P2", Type: "mitigate", IssueRef: "#12", Done: true, Line: 5},
		{Title: "Route disk alerts", Owner: "@acme/sre", Priority: "P1", Type: "process", Line: 6},
	}
	if !reflect.DeepEqual(items, want) {
		t.Fatalf("items:\n got %+v\nwant %+v", items, want)
	}
}

func TestUnreadableActionItemsBecomeFindings(t *testing.T) {
	tests := []struct {
		name, body, rule string
		line             int
	}{
		{"bad date", "- [ ] Fix it (owner: @kim, due: 15/12/2026)", RuleActionItemBad, 3},
		{"impossible date", "- [ ] Fix it (owner: @kim, due: 2026-02-30)", RuleActionItemBad, 3},
		{"unknown type", "- [ ] Fix it (owner: @kim, type: blame)", RuleActionItemBad, 3},
		{"no title", "- [ ] (owner: @kim)", RuleActionItemBad, 3},
		{"no owner", "- [ ] Fix it (due: 2026-01-01)", RuleActionItemNoOwner, 3},
		{"table without action column", "| Owner | Due |\n|---|---|\n| @kim | 2026-01-01 |", RuleActionItemBad, 3},
		{"table row without title", "| Action | Owner |\n|---|---|\n|  | @kim |", RuleActionItemBad, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, findings := ParseActionItems("pm.md", []byte("## Action Items\n\n"+tt.body+"\n"), Config{})
			if len(findings) != 1 || findings[0].Rule != tt.rule || findings[0].Line != tt.line || findings[0].Message == "" {
				t.Fatalf("findings = %+v, want one %s at line %d", findings, tt.rule, tt.line)
			}
			if tt.rule == RuleActionItemBad && len(items) != 0 {
				t.Errorf("unreadable item still returned: %+v", items)
			}
		})
	}
}

func TestParseActionItemsAcceptsSectionBodyAlone(t *testing.T) {
	items, findings := ParseActionItems("pm.md", []byte("- [ ] Add a canary stage @acme/release\n"), Config{})
	if len(findings) != 0 || len(items) != 1 || items[0].Owner != "@acme/release" || items[0].Line != 1 {
		t.Fatalf("items %+v findings %+v", items, findings)
	}
}

// Items as teams track them: ownership in a linked issue or pull request,
// the type "other", and unreadable items that say what could not be read.
func TestActionItemsAsPeopleTrackThem(t *testing.T) {
	tests := []struct {
		name, section string
		rule          string // "" for no finding
		message       string // part of the finding's message
	}{
		{"linked issue in a list", "- [ ] Alert on saturation (#2290)", "", ""},
		{"linked pull request URL", "- [ ] Alert on saturation https://github.com/acme/shop/pull/12", "", ""},
		{"issue in the owner column", "| Action | Owner |\n|---|---|\n| Refuse empty manifests | #402 |", "", ""},
		{"bug column", "| Action Item | Type | Bug |\n|---|---|---|\n| Write a runbook | other | #814 |", "", ""},
		{"type other", "- [ ] Write a runbook (owner: @sre, type: other)", "", ""},
		{"no owner, no link", "- [ ] Write a runbook (due: 2026-12-01)", RuleActionItemNoOwner, "no owner and no linked issue"},
		{"bad date names the item", "- [ ] Write a runbook (owner: @sre, due: next week)", RuleActionItemBad, `Action item "Write a runbook": the due date "next week"`},
		{"bad type names the item", "- [ ] Write a runbook (owner: @sre, type: blame)", RuleActionItemBad, `Action item "Write a runbook": the type "blame"`},
		{"no title names what was read", "- [ ] (owner: @kim, due: 2026-01-01)", RuleActionItemBad, "only owner @kim, due 2026-01-01"},
		{"table without action column names its columns", "| Owner | Due |\n|---|---|\n| @kim | 2026-01-01 |", RuleActionItemBad, `its columns: "Owner", "Due"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, findings := ParseActionItems("pm.md", []byte("## Action Items\n\n"+tt.section+"\n"), Config{})
			if tt.rule == "" {
				if len(findings) != 0 || len(items) != 1 {
					t.Fatalf("items %+v, findings %+v; want one item and no finding", items, findings)
				}
				return
			}
			if len(findings) != 1 || findings[0].Rule != tt.rule || !strings.Contains(findings[0].Message, tt.message) {
				t.Fatalf("findings %+v, want one %s saying %q", findings, tt.rule, tt.message)
			}
		})
	}
}

// A finished item needs no owner: a checked task or one marked ✅ is done,
// and the merge opens no issue for it.
func TestDoneActionItemsNeedNoOwner(t *testing.T) {
	src := "## Action Items\n\n- [x] Reverted the release\n- ✅ Issued credits to affected customers\n- Alert on disk usage\n"
	res := Analyze("a.md", []byte(src), Config{RequiredSections: []SectionSpec{{Name: "Action Items"}}})
	if len(res.ActionItems) != 3 || !res.ActionItems[0].Done || !res.ActionItems[1].Done || res.ActionItems[2].Done {
		t.Fatalf("items: %+v", res.ActionItems)
	}
	if res.ActionItems[1].Title != "Issued credits to affected customers" {
		t.Errorf("done mark kept in the title: %q", res.ActionItems[1].Title)
	}
	var noOwner []int
	for _, f := range res.Findings {
		if f.Rule == RuleActionItemNoOwner {
			noOwner = append(noOwner, f.Line)
		}
	}
	if len(noOwner) != 1 || noOwner[0] != 5 {
		t.Errorf("no-owner findings on lines %v, want only line 5: %+v", noOwner, res.Findings)
	}
}
