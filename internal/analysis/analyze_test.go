package analysis

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func defaultConfig(t testing.TB) Config {
	t.Helper()
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func rulesOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Rule)
	}
	return out
}

func TestCompletePostmortemHasNoFindings(t *testing.T) {
	src, err := os.ReadFile("testdata/good.md")
	if err != nil {
		t.Fatal(err)
	}
	res := Analyze("good.md", src, defaultConfig(t))
	if len(res.Findings) != 0 {
		t.Fatalf("findings on a complete postmortem: %+v", res.Findings)
	}
	if len(res.MissingSections) != 0 {
		t.Errorf("missing sections: %v", res.MissingSections)
	}
	if res.Title != "Postmortem: Checkout errors after a config change" {
		t.Errorf("title = %q", res.Title)
	}
	var names []string
	for _, s := range res.Sections {
		names = append(names, s.Name)
	}
	want := "Postmortem: Checkout errors after a config change,Summary,Impact,Timeline,Root Cause,Resolution,Action Items,Lessons Learned"
	if strings.Join(names, ",") != want {
		t.Errorf("sections = %v", names)
	}
	if s := res.Sections[1]; s.Line != 7 || s.EndLine != 10 {
		t.Errorf("Summary spans %d-%d, want 7-10 (front matter counted in lines)", s.Line, s.EndLine)
	}
	if len(res.ActionItems) != 2 {
		t.Fatalf("action items = %+v", res.ActionItems)
	}
}

func TestSectionChecks(t *testing.T) {
	full := func(over map[string]string) string {
		order := []string{"Summary", "Impact", "Timeline", "Root Cause", "Resolution", "Action Items", "Lessons Learned"}
		body := map[string]string{
			"Summary": "The API failed.", "Impact": "Users saw errors.", "Timeline": "- 09:41 Alert fired.",
			"Root Cause": "A bad default.", "Resolution": "Rolled back.", "Action Items": "- [ ] Fix default (owner: @kim)",
			"Lessons Learned": "Defaults matter.",
		}
		var b strings.Builder
		b.WriteString("# Incident\n")
		for _, name := range order {
			text, ok := over[name]
			if !ok {
				text = body[name]
			}
			if text == "<omit>" {
				continue
			}
			b.WriteString("\n## " + name + "\n\n" + text + "\n")
		}
		return b.String()
	}
	tests := []struct {
		name     string
		doc      string
		wantRule string
		wantLine int
		missing  string
	}{
		{"missing section", full(map[string]string{"Impact": "<omit>"}), RuleSectionMissing, 1, "Impact"},
		{"empty section", full(map[string]string{"Impact": ""}), RuleSectionEmpty, 7, ""},
		{"comment only is empty", full(map[string]string{"Impact": "<!-- Who was affected, how long? -->"}), RuleSectionEmpty, 7, ""},
		{"TODO is unfilled", full(map[string]string{"Impact": "TODO"}), RuleSectionPlaceholder, 7, ""},
		{"TBD list is unfilled", full(map[string]string{"Impact": "- TBD\n- TBD"}), RuleSectionPlaceholder, 7, ""},
		{"policy placeholder is unfilled", full(map[string]string{"Impact": "_Describe who was affected and for how long._"}), RuleSectionPlaceholder, 7, ""},
		{"angle prompt is unfilled", full(map[string]string{"Summary": "<one paragraph summary>"}), RuleSectionPlaceholder, 3, ""},
		{"timeline without times", full(map[string]string{"Timeline": "The alert fired, then we rolled back."}), RuleTimelineNoTime, 11, ""},
		{"action item without owner", full(map[string]string{"Action Items": "- [ ] Fix the default"}), RuleActionItemNoOwner, 25, ""},
		{"action items without items", full(map[string]string{"Action Items": "We will fix things."}), RuleActionItemsNone, 23, ""},
		{"action item with bad date", full(map[string]string{"Action Items": "- [ ] Fix (owner: @kim, due: next week)"}), RuleActionItemBad, 25, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaultConfig(t)
			cfg.Placeholders = []string{"Describe who was affected and for how long."}
			res := Analyze("pm.md", []byte(tt.doc), cfg)
			if len(res.Findings) != 1 || res.Findings[0].Rule != tt.wantRule || res.Findings[0].Line != tt.wantLine {
				t.Fatalf("findings = %+v, want one %s at line %d\n%s", res.Findings, tt.wantRule, tt.wantLine, tt.doc)
			}
			if tt.missing != "" && (len(res.MissingSections) != 1 || res.MissingSections[0] != tt.missing) {
				t.Errorf("missing = %v, want [%s]", res.MissingSections, tt.missing)
			}
		})
	}
}

func TestHeadingsMatchCaseAndPunctuationInsensitively(t *testing.T) {
	specs := append(DefaultSections(), DefaultRecommendedSections()...)
	tests := map[string]string{
		"ROOT CAUSE":                           "Root Cause",
		"Root Cause(s) / Contributing Factors": "Root Cause",
		"contributing factors:":                "Root Cause",
		"Resolution & Recovery":                "Resolution",
		"Follow-ups":                           "Action Items",
		"Lessons learned":                      "Lessons Learned",
		"Action items (tracked)":               "Action Items",
	}
	for heading, want := range tests {
		got := matchSection(specs, heading)
		if got == nil || got.Name != want {
			t.Errorf("matchSection(%q) = %v, want %s", heading, got, want)
		}
	}
	for _, heading := range []string{"Summary of discussion", "Impactful", "Root"} {
		if got := matchSection(specs, heading); got != nil && heading != "Summary of discussion" {
			t.Errorf("matchSection(%q) = %s, want none", heading, got.Name)
		}
	}
}

func TestLanguageFindingsCarryRulePositionAndSuggestion(t *testing.T) {
	doc := "## Root Cause\n\nThe change was risky. Then Alex broke the build.\n\n## Timeline\n\n- 09:41 Wei restarted the ingest workers.\n- 09:45 Ünal forgot to update the flag.\n"
	res := Analyze("pm.md", []byte(doc), Config{Rules: defaultConfig(t).Rules})
	if len(res.Findings) != 2 {
		t.Fatalf("findings = %+v", res.Findings)
	}
	f := res.Findings[0]
	if f.Rule != "person-fault" || f.Line != 3 || f.Column != 33 || f.EndColumn != 38 || f.Suggestion == "" || f.Severity != SeverityError {
		t.Errorf("first finding = %+v, want person-fault at 3:33-3:38 with a suggestion", f)
	}
	// Columns count characters, not bytes: "Ü" is two bytes.
	if g := res.Findings[1]; g.Rule != "hindsight-omission" || g.Line != 8 || g.Column != 14 {
		t.Errorf("second finding = %+v, want hindsight-omission at 8:14", g)
	}
}

func TestQuotedTextIsNotJudged(t *testing.T) {
	doc := "## Root Cause\n\n> Alex broke the build, obviously.\n\n```\noperator error\n```\n\n    human error in an indented block\n\nThe log said `Alex was careless` and <!-- sloppy --> nothing else.\n"
	res := Analyze("pm.md", []byte(doc), Config{Rules: defaultConfig(t).Rules})
	if len(res.Findings) != 0 {
		t.Fatalf("findings on quoted text: %+v", res.Findings)
	}
}

func TestSectionAwareRules(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	tests := []struct {
		section, sentence string
		want              []string
	}{
		{"Action Items", "The on-call should have paged the secondary.", nil},
		{"Root Cause", "The on-call should have paged the secondary.", []string{"hindsight-should"}},
		{"Lessons Learned", "Deploys should require a canary.", nil},
		{"Root Cause", "The cron job failed to start.", nil},
		{"Root Cause", "The engineer who wrote the script failed to handle errors.", []string{"hindsight-omission"}},
		{"Root Cause", "It was @kim's fault.", []string{"fault-possessive"}},
		{"Root Cause", "The cache uses lazy loading.", nil},
		{"Timeline", "09:41 Errors began just after the deploy.", nil},
		// "just" here is about timing and effort of a system step, not a judgement.
		{"Resolution", "We just restarted it.", nil},
		{"Root Cause", "Kwame just had to read the alert.", []string{"minimiser"}},
	}
	for _, tt := range tests {
		res := Analyze("pm.md", []byte("## "+tt.section+"\n\n"+tt.sentence+"\n"), cfg)
		got := rulesOf(res.Findings)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("[%s] %q: rules %v, want %v", tt.section, tt.sentence, got, tt.want)
		}
	}
}

func TestInlineSuppression(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	tests := []struct {
		name string
		doc  string
		want []string
	}{
		{"disable-next-line one rule", "<!-- postmortem-lint disable-next-line person-fault -->\nAlex broke the build.\n\nAlex broke it again.\n", []string{"judgement-habit@4", "person-fault@4"}},
		{"disable-next-line other rule keeps finding", "<!-- postmortem-lint disable-next-line minimiser -->\nAlex broke the build.\n", []string{"person-fault@2"}},
		{"disable-next-line all", "<!-- postmortem-lint disable-next-line -->\nAlex obviously broke the build.\n", nil},
		{"disable-line inline", "Alex broke the build. <!-- postmortem-lint disable-line person-fault -->\n", nil},
		{"disable and enable range", "<!-- postmortem-lint disable person-fault -->\n\nAlex broke it.\n\n<!-- postmortem-lint enable person-fault -->\n\nKim broke it.\n", []string{"person-fault@7"}},
		{"disable to end of file", "Kim broke it.\n\n<!-- postmortem-lint disable -->\n\nAlex broke it.\n", []string{"person-fault@1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze("pm.md", []byte("## Root Cause\n\n"+tt.doc), cfg)
			var got []string
			for _, f := range res.Findings {
				got = append(got, f.Rule+"@"+strconv.Itoa(f.Line-2))
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMalformedInputGivesFindingsNotPanics(t *testing.T) {
	cfg := defaultConfig(t)
	tests := []struct {
		name string
		src  []byte
		rule string
		line int
	}{
		{"binary", []byte("# PM\x00\x01\x02"), RuleFileUnreadable, 1},
		{"invalid utf-8", []byte("# PM\n\nbad \xff byte"), RuleFileInvalidUTF8, 3},
		{"too large", make([]byte, MaxFileSize+1), RuleFileTooLarge, 1},
		{"unclosed front matter", []byte("---\ntitle: x\n# PM\n"), RuleFrontMatter, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Analyze("pm.md", tt.src, cfg)
			if len(res.Findings) == 0 || res.Findings[0].Rule != tt.rule || res.Findings[0].Line != tt.line {
				t.Fatalf("findings = %+v, want %s at line %d first", res.Findings, tt.rule, tt.line)
			}
		})
	}
}

func TestRuleOverrides(t *testing.T) {
	rules := defaultConfig(t).Rules
	got, err := ApplyOverrides(rules, RuleOverrides{
		Disable:  []string{"minimiser"},
		Severity: map[string]Severity{"person-fault": SeverityWarning},
		Add:      []Rule{{ID: "no-ninja", Kind: KindPhrase, Phrases: []string{"ninja fix"}, Severity: SeverityInfo, Message: "Say what the fix was."}},
	})
	if err != nil {
		t.Fatal(err)
	}
	res := Analyze("pm.md", []byte("Alex obviously broke it with a ninja fix.\n"), Config{Rules: got})
	want := "person-fault:warning,no-ninja:info"
	var have []string
	for _, f := range res.Findings {
		have = append(have, f.Rule+":"+string(f.Severity))
	}
	if strings.Join(have, ",") != want {
		t.Errorf("findings %v, want %s", have, want)
	}
	bad := []RuleOverrides{
		{Disable: []string{"no-such-rule"}},
		{Severity: map[string]Severity{"minimiser": "fatal"}},
		{Add: []Rule{{ID: "x", Kind: KindPattern, Pattern: "(", Severity: SeverityError, Message: "m"}}},
		{Add: []Rule{{ID: "y", Kind: "magic", Severity: SeverityError, Message: "m"}}},
		{Add: []Rule{{ID: "minimiser", Kind: KindPhrase, Phrases: []string{"x"}, Severity: SeverityError, Message: "m"}}},
	}
	for i, o := range bad {
		if _, err := ApplyOverrides(rules, o); err == nil {
			t.Errorf("override %d: no error for %+v", i, o)
		}
	}
}

// A heading inside a block quote is not judged and stands for no section:
// the section after it is judged as its own ("Action Items" here, where
// punitive actions are looked for).
func TestQuotedHeadingDoesNotShiftSections(t *testing.T) {
	doc := "## Summary\n\nx.\n\n> ## Note\n> quoted\n\n## Action Items\n\n- [ ] Retrain Kwame on deploys (owner: @a)\n"
	res := Analyze("pm.md", []byte(doc), Config{Rules: defaultConfig(t).Rules})
	if !slices.ContainsFunc(res.Findings, func(f Finding) bool { return f.Rule == "punitive-action" }) {
		t.Errorf("action item not judged as one after a quoted heading: %+v", res.Findings)
	}
}
