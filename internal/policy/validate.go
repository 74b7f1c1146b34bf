package policy

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"unicode"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/draft"
)

// maxDays bounds every day count: ten years is already more than any process needs.
const maxDays = 3650

// maxTimelineLimit bounds the drafted timeline, and with it the API calls spent reading it.
const maxTimelineLimit = 1000

var (
	loginPattern    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$`)
	teamSlugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	teamPattern     = regexp.MustCompile(`^@[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$`)
)

// validate checks the merged policy. A problem is reported at the key the
// file set, or, when the file left that key to the defaults, at the related
// key it did set (the fallbacks).
func validate(p *Policy, d *decoder) error {
	v := &validator{d: d}
	v.labels("incident.labels", p.Incident.Labels, true)

	v.labels("severity.labels", p.Severity.Labels, false)
	for i, s := range p.Severity.RequirePostmortem {
		key := fmt.Sprintf("severity.require_postmortem[%d]", i)
		if !containsFold(p.Severity.Labels, s) {
			v.fail(key, notASeverity(s, p.Severity.Labels), "severity.require_postmortem", "severity.labels")
		}
	}
	if s := p.Severity.Default; s != "" && !containsFold(p.Severity.Labels, s) {
		v.fail("severity.default", notASeverity(s, p.Severity.Labels), "severity.labels")
	}

	pm := p.Postmortem
	if msg := repoPathProblem(pm.Directory); msg != "" {
		v.fail("postmortem.directory", msg)
	}
	if msg := filenameProblem(pm.Filename); msg != "" {
		v.fail("postmortem.filename", msg)
	}
	if pm.Template != "" {
		if msg := repoPathProblem(pm.Template); msg != "" {
			v.fail("postmortem.template", msg)
		}
	}
	if msg := branchPrefixProblem(pm.BranchPrefix); msg != "" {
		v.fail("postmortem.branch_prefix", msg)
	}
	v.labels("postmortem.labels", pm.Labels, false)
	for i, login := range pm.Reviewers {
		if !loginPattern.MatchString(login) {
			msg := fmt.Sprintf("%q is not a GitHub login", login)
			if strings.HasPrefix(login, "@") {
				msg += "; write it without the @"
			}
			v.fail(fmt.Sprintf("postmortem.reviewers[%d]", i), msg)
		}
	}
	for i, slug := range pm.TeamReviewers {
		if !teamSlugPattern.MatchString(slug) {
			msg := fmt.Sprintf("%q is not a team slug", slug)
			if strings.Contains(slug, "/") {
				msg += "; write only the part after the organisation, e.g. \"sre\" for @acme/sre"
			}
			v.fail(fmt.Sprintf("postmortem.team_reviewers[%d]", i), msg)
		}
	}
	v.days("postmortem.due_days", pm.DueDays)
	v.days("postmortem.reminder_interval_days", pm.ReminderIntervalDays)
	if pm.TimelineLimit < 0 || pm.TimelineLimit > maxTimelineLimit {
		v.fail("postmortem.timeline_limit", fmt.Sprintf("must be between 0 and %d, got %d", maxTimelineLimit, pm.TimelineLimit))
	}

	c := p.Check
	if c.Mode != ModeEnforce && c.Mode != ModeAdvisory {
		v.fail("check.mode", fmt.Sprintf("must be %q or %q, got %q", ModeEnforce, ModeAdvisory, c.Mode))
	}
	v.sections(c.RequiredSections)
	v.ruleOverrides(c.Rules)
	if c.GuidanceURL != "" {
		if u, err := url.Parse(c.GuidanceURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.fail("check.guidance_url", fmt.Sprintf("must be an http(s) address, got %q", c.GuidanceURL))
		}
	}

	a := p.ActionItems
	if strings.TrimSpace(a.Label) == "" {
		v.fail("action_items.label", "must name a label")
	}
	priorities := map[string]string{}
	for _, prio := range slices.Sorted(maps.Keys(a.DueDaysByPriority)) {
		days := a.DueDaysByPriority[prio]
		key := "action_items.due_days_by_priority." + prio
		if other, dup := priorities[strings.ToUpper(prio)]; dup {
			v.fail(key, fmt.Sprintf("priority %q is already set as %q", prio, other))
		}
		priorities[strings.ToUpper(prio)] = prio
		v.days(key, days)
	}
	v.days("action_items.default_due_days", a.DefaultDueDays)
	v.days("action_items.reminder_interval_days", a.ReminderIntervalDays)
	v.days("action_items.escalate_after_days", a.EscalateAfterDays)
	if a.EscalationTeam != "" && !teamPattern.MatchString(a.EscalationTeam) {
		v.fail("action_items.escalation_team", fmt.Sprintf("must look like \"@org/team-slug\", got %q", a.EscalationTeam))
	}
	if a.StatusIssue.Enabled && strings.TrimSpace(a.StatusIssue.Title) == "" {
		v.fail("action_items.status_issue.title", "must not be empty while the status issue is enabled", "action_items.status_issue.enabled")
	}
	if len(a.StatusIssue.Title) > 256 {
		v.fail("action_items.status_issue.title", "must be at most 256 characters, GitHub's limit for issue titles")
	}
	return v.err
}

type validator struct {
	d   *decoder
	err error
}

// fail records the first problem; problems are reported one at a time, in a
// fixed order, so a fixed file always gives the same message.
func (v *validator) fail(key, msg string, fallbacks ...string) {
	if v.err != nil {
		return
	}
	e := &Error{File: v.d.file, Key: key, Message: msg}
	for _, k := range append([]string{key}, fallbacks...) {
		if n, ok := v.d.keys[k]; ok {
			e.Line, e.Column = n.Line, n.Column
			break
		}
	}
	v.err = e
}

func (v *validator) days(key string, n int) {
	if n < 0 || n > maxDays {
		v.fail(key, fmt.Sprintf("must be between 0 and %d days, got %d", maxDays, n))
	}
}

func (v *validator) labels(key string, labels []string, required bool) {
	if required && len(labels) == 0 {
		v.fail(key, "must list at least one label")
	}
	seen := map[string]bool{}
	for i, l := range labels {
		k := fmt.Sprintf("%s[%d]", key, i)
		switch {
		case strings.TrimSpace(l) == "":
			v.fail(k, "a label must not be empty")
		case len(l) > 50:
			v.fail(k, fmt.Sprintf("%q is longer than GitHub's 50-character limit for labels", l))
		case seen[strings.ToLower(l)]:
			v.fail(k, fmt.Sprintf("%q is listed twice (labels ignore case)", l))
		}
		seen[strings.ToLower(l)] = true
	}
}

func (v *validator) sections(specs []analysis.SectionSpec) {
	seen := map[string]string{}
	for i, s := range specs {
		key := fmt.Sprintf("check.required_sections[%d]", i)
		names := append([]string{s.Name}, s.Aliases...)
		for j, name := range names {
			k := key + ".name"
			if j > 0 {
				k = fmt.Sprintf("%s.aliases[%d]", key, j-1)
			}
			norm := normalizeHeading(name)
			if norm == "" {
				v.fail(k, "a section needs a name with letters or digits", key)
				continue
			}
			if owner, dup := seen[norm]; dup {
				v.fail(k, fmt.Sprintf("heading %q already belongs to section %q", name, owner), key)
			}
			seen[norm] = s.Name
		}
	}
}

// ruleOverrides checks check.rules against the default rule set, so that an
// unknown rule id is reported at its line rather than when the check runs.
func (v *validator) ruleOverrides(o analysis.RuleOverrides) {
	defaults, err := analysis.DefaultRules()
	if err != nil {
		v.fail("check.rules", "cannot load the default language rules: "+err.Error())
		return
	}
	known := make([]string, 0, len(defaults))
	for _, r := range defaults {
		known = append(known, r.ID)
	}
	for i, id := range o.Disable {
		if !slices.Contains(known, id) {
			v.fail(fmt.Sprintf("check.rules.disable[%d]", i), unknownRule(id, known))
		}
	}
	for _, id := range slices.Sorted(maps.Keys(o.Severity)) {
		key := "check.rules.severity." + id
		if !slices.Contains(known, id) {
			v.fail(key, unknownRule(id, known))
		}
		if sev := o.Severity[id]; !validSeverity(sev) {
			v.fail(key, fmt.Sprintf("must be error, warning or info, got %q", sev))
		}
	}
	for i, r := range o.Add {
		key := fmt.Sprintf("check.rules.add[%d]", i)
		if strings.TrimSpace(r.ID) == "" {
			v.fail(key+".id", "an added rule needs an id", key)
		}
		if _, err := analysis.ApplyOverrides(defaults, analysis.RuleOverrides{Add: []analysis.Rule{r}}); err != nil {
			v.fail(key, strings.TrimPrefix(err.Error(), "add: "))
		}
	}
	if _, err := analysis.ApplyOverrides(defaults, o); err != nil {
		// Added rules that clash with each other, say by sharing an id.
		v.fail("check.rules", err.Error())
	}
}

func unknownRule(id string, known []string) string {
	msg := fmt.Sprintf("unknown rule id %q", id)
	if near := nearest(id, known); near != "" {
		msg += fmt.Sprintf("; did you mean %q?", near)
	}
	return msg
}

func validSeverity(s analysis.Severity) bool {
	return s == analysis.SeverityError || s == analysis.SeverityWarning || s == analysis.SeverityInfo
}

func notASeverity(s string, labels []string) string {
	return fmt.Sprintf("%q is not one of severity.labels [%s]", s, strings.Join(labels, ", "))
}

// normalizeHeading matches headings the way the analysis does: case and
// punctuation do not count, apostrophes vanish ("Lesson's" ~ "lessons").
func normalizeHeading(s string) string {
	var words []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		w = strings.NewReplacer("'", "", "’", "").Replace(strings.ToLower(w))
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// repoPathProblem says what is wrong with a path inside the repository, or "".
func repoPathProblem(p string) string {
	switch {
	case strings.TrimSpace(p) == "":
		return "must be a path inside the repository, like \"postmortems\""
	case strings.HasPrefix(p, "/") || strings.Contains(p, "\\"):
		return fmt.Sprintf("must be a relative path with forward slashes, got %q", p)
	case path.Clean(p) != strings.TrimSuffix(p, "/") || p == "." || strings.HasPrefix(p, "../") || p == "..":
		return fmt.Sprintf("must be a plain path inside the repository (no \".\", \"..\" or \"//\"), got %q", p)
	}
	return ""
}

// filenameProblem checks the file name template by rendering it for two
// sample incidents: both names must be valid and must differ.
func filenameProblem(tmpl string) string {
	if strings.TrimSpace(tmpl) == "" {
		return "must be a file name template, like \"{{.Date}}-{{.Slug}}.md\""
	}
	t, err := template.New("filename").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return "invalid template: " + strings.TrimPrefix(err.Error(), "template: filename:")
	}
	var names []string
	for _, sample := range []draft.FileNameData{
		{Date: "2024-01-31", Slug: "checkout-outage", Number: 101},
		{Date: "2024-02-01", Slug: "dns-failure", Number: 102},
	} {
		name, err := executeFilename(t, sample)
		if err != nil {
			return err.Error()
		}
		if !strings.HasSuffix(name, ".md") {
			return fmt.Sprintf("must produce a name ending in .md; gives %q", name)
		}
		if msg := repoPathProblem(name); msg != "" {
			return fmt.Sprintf("gives %q, which is not a plain relative file name", name)
		}
		names = append(names, name)
	}
	if names[0] == names[1] {
		return fmt.Sprintf("gives %q for every incident; use {{.Slug}} or {{.Number}}", names[0])
	}
	return ""
}

func executeFilename(t *template.Template, d draft.FileNameData) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		msg := err.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
		return "", fmt.Errorf("template fails: %s (it may use .Date, .Slug and .Number)", msg)
	}
	return b.String(), nil
}

// branchPrefixProblem applies the parts of git's ref name rules a prefix can break.
func branchPrefixProblem(p string) string {
	switch {
	case p == "":
		return "must not be empty"
	case strings.HasPrefix(p, "/") || strings.HasPrefix(p, "-") || strings.HasPrefix(p, "."):
		return fmt.Sprintf("must not start with /, - or ., got %q", p)
	case strings.ContainsAny(p, " ~^:?*[\\\t\n") || strings.Contains(p, "..") || strings.Contains(p, "//") || strings.Contains(p, "@{") || strings.Contains(p, "/."):
		return fmt.Sprintf("%q is not allowed in a git branch name (no spaces, ~ ^ : ? * [ \\, \"..\", \"//\" or \"@{\")", p)
	}
	return ""
}
