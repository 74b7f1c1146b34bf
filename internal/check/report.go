package check

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// GitHub's limits on a check run's output.
const (
	maxSummaryBytes = 65535
	maxMessageBytes = 64 << 10
	// annotationsPerRequest is how many annotations GitHub takes per request.
	annotationsPerRequest = 50
	// maxAnnotations bounds the requests one run makes; the summary still
	// counts every finding.
	maxAnnotations = 500
)

// Check run conclusions the review gives.
const (
	conclusionSuccess = "success"
	conclusionFailure = "failure"
	conclusionNeutral = "neutral"
)

// report is what one check run shows, independent of GitHub's types.
type report struct {
	Conclusion  string
	Title       string
	Summary     string
	Annotations []annotation
}

// empty reports whether there is nothing to show: no postmortem was
// reviewed.
func (r report) empty() bool { return r.Title == "" }

// annotation marks one finding on its exact lines.
type annotation struct {
	Path        string
	StartLine   int
	EndLine     int
	StartColumn int // 0: whole lines
	EndColumn   int
	Level       string // failure, warning or notice
	Title       string
	Message     string
}

// reviewSettings are the parts of the policy the report reflects.
type reviewSettings struct {
	Enforcing   bool
	GuidanceURL string
	Source      string
}

// counts tallies findings by weight.
type counts struct{ errors, warnings, notes, missing int }

func (c counts) wrong() bool { return c.errors > 0 || c.missing > 0 }

// buildReport turns the analysis of each postmortem into one check run.
func buildReport(results []analysis.Result, s reviewSettings) report {
	var c counts
	var anns []annotation
	total := 0
	for _, r := range results {
		c.missing += len(r.MissingSections)
		for _, f := range r.Findings {
			total++
			switch f.Severity {
			case analysis.SeverityError:
				c.errors++
			case analysis.SeverityWarning:
				c.warnings++
			default:
				c.notes++
			}
			if len(anns) < maxAnnotations {
				anns = append(anns, annotationOf(f))
			}
		}
	}
	rep := report{Annotations: anns, Title: titleOf(c, len(results))}
	switch {
	case c.wrong() && s.Enforcing:
		rep.Conclusion = conclusionFailure
	case c.wrong():
		rep.Conclusion = conclusionNeutral
	default:
		rep.Conclusion = conclusionSuccess
	}
	rep.Summary = summaryOf(results, c, s, total-len(anns))
	return rep
}

func titleOf(c counts, files int) string {
	where := plural(files, "postmortem", "postmortems")
	var parts []string
	for _, p := range []struct {
		n             int
		single, multi string
	}{{c.errors, "error", "errors"}, {c.warnings, "warning", "warnings"}, {c.notes, "note", "notes"}} {
		if p.n > 0 {
			parts = append(parts, plural(p.n, p.single, p.multi))
		}
	}
	if len(parts) == 0 {
		return "No problems in " + where
	}
	title := strings.Join(parts, ", ") + " in " + where
	if c.missing > 0 {
		title += " (" + plural(c.missing, "missing section", "missing sections") + ")"
	}
	return title
}

func plural(n int, single, multi string) string {
	if n == 1 {
		return "1 " + single
	}
	return fmt.Sprintf("%d %s", n, multi)
}

// levelOf maps a finding's severity to GitHub's annotation levels.
func levelOf(s analysis.Severity) string {
	switch s {
	case analysis.SeverityError:
		return "failure"
	case analysis.SeverityWarning:
		return "warning"
	default:
		return "notice"
	}
}

func annotationOf(f analysis.Finding) annotation {
	a := annotation{Path: f.File, StartLine: max(f.Line, 1), Level: levelOf(f.Severity), Title: f.Rule}
	a.EndLine = max(f.EndLine, a.StartLine)
	// GitHub accepts columns only when the annotation stays on one line.
	if a.EndLine == a.StartLine && f.Column > 0 {
		a.StartColumn = f.Column
		a.EndColumn = max(f.EndColumn, f.Column)
	}
	msg := f.Message
	if m := f.Matched(); m != "" {
		msg += "\n\nMatched: " + m
	}
	if f.Suggestion != "" {
		msg += "\n\nTry instead: " + f.Suggestion
	}
	a.Message = truncate(msg, maxMessageBytes)
	return a
}

// rephraseAdvice is the general advice under every report with findings.
const rephraseAdvice = "A blameless postmortem describes what the system and the process allowed, " +
	"not who is at fault. Name the condition rather than the person (\"the deploy ran without a canary\" " +
	"instead of \"Sam deployed without a canary\"), describe decisions with what was known at the time " +
	"instead of hindsight (\"should have\", \"obviously\"), and turn each gap into an action item with an owner."

func summaryOf(results []analysis.Result, c counts, s reviewSettings, unannotated int) string {
	var b strings.Builder
	switch {
	case !c.wrong() && c.warnings+c.notes == 0:
		fmt.Fprintf(&b, "Every postmortem has the required sections and blameless language.\n\n")
	case !c.wrong():
		fmt.Fprintf(&b, "No errors; the warnings and notes below are worth a look.\n\n")
	case s.Enforcing:
		fmt.Fprintf(&b, "This check fails because the policy enforces it (`check.mode: enforce`). Fix the errors below.\n\n")
	default:
		fmt.Fprintf(&b, "The policy is advisory (`check.mode: advisory`), so these problems do not fail the check.\n\n")
	}
	if s.Source != "" {
		fmt.Fprintf(&b, "Policy: %s.\n\n", s.Source)
	}
	const reserve = 2048 // room for the advice and the truncation note
	omitted := 0
	for _, r := range results {
		var sec strings.Builder
		fmt.Fprintf(&sec, "### `%s`\n\n", r.File)
		if len(r.MissingSections) > 0 {
			fmt.Fprintf(&sec, "Missing sections: %s.\n\n", "**"+strings.Join(r.MissingSections, "**, **")+"**")
		}
		if len(r.Findings) == 0 {
			sec.WriteString("No findings.\n\n")
		} else {
			sec.WriteString("| Line | Severity | Rule | Problem | Try instead |\n|---:|---|---|---|---|\n")
		}
		if b.Len()+sec.Len()+reserve > maxSummaryBytes {
			omitted += len(r.Findings)
			continue
		}
		b.WriteString(sec.String())
		for i, f := range r.Findings {
			row := fmt.Sprintf("| %d:%d | %s | `%s` | %s | %s |\n", f.Line, f.Column, f.Severity, f.Rule, cell(f.Message), cell(f.Suggestion))
			if b.Len()+len(row)+reserve > maxSummaryBytes {
				omitted += len(r.Findings) - i
				break
			}
			b.WriteString(row)
		}
		b.WriteString("\n")
	}
	if omitted > 0 {
		fmt.Fprintf(&b, "%s not listed here for lack of space.\n\n", plural(omitted, "more finding is", "more findings are"))
	}
	if unannotated > 0 {
		fmt.Fprintf(&b, "Only the first %d findings are annotated on the files.\n\n", maxAnnotations)
	}
	if c.errors+c.warnings+c.notes > 0 {
		b.WriteString("### How to rephrase\n\n" + rephraseAdvice + "\n\n")
		b.WriteString("A deliberate quotation can be exempted with `<!-- postmortem-lint disable-next-line RULE -->` above it.\n\n")
	}
	if s.GuidanceURL != "" {
		fmt.Fprintf(&b, "Read the team's postmortem guidance: %s\n", s.GuidanceURL)
	}
	return truncate(strings.TrimRight(b.String(), "\n")+"\n", maxSummaryBytes)
}

// policyProblemReport is the run shown when the policy itself cannot be
// used: nothing was checked, and the check must not pass silently.
func policyProblemReport(perr *policy.Error, problem string, files []string) report {
	var b strings.Builder
	title := "Invalid postmortem policy"
	if perr != nil {
		where := perr.File
		if perr.Repo != "" {
			where = perr.Repo + ":" + perr.File
		}
		pos := ""
		if perr.Line > 0 {
			pos = fmt.Sprintf(" line %d", perr.Line)
			if perr.Column > 0 {
				pos += fmt.Sprintf(", column %d", perr.Column)
			}
		}
		title = "Invalid postmortem policy: " + placeOf(perr)
		fmt.Fprintf(&b, "The postmortem policy could not be read, so no postmortem was checked.\n\n**`%s`**%s: %s\n\n", where, pos, problemOf(perr))
	} else {
		fmt.Fprintf(&b, "The postmortem policy could not be used, so no postmortem was checked.\n\n%s\n\n", problem)
	}
	b.WriteString("Fix the policy file on the base branch; this check runs again on the next push or re-run.\n\n")
	if len(files) > 0 {
		b.WriteString("Changed Markdown files not checked:\n\n")
		for _, f := range files {
			fmt.Fprintf(&b, "- `%s`\n", f)
		}
	}
	return report{Conclusion: conclusionFailure, Title: truncate(title, 255), Summary: truncate(b.String(), maxSummaryBytes)}
}

// placeOf is "file:line:column" as far as a policy error knows it.
func placeOf(perr *policy.Error) string {
	s := perr.File
	if perr.Line > 0 {
		s += fmt.Sprintf(":%d", perr.Line)
		if perr.Column > 0 {
			s += fmt.Sprintf(":%d", perr.Column)
		}
	}
	return s
}

// problemOf is a policy error's message, led by the key it is about.
func problemOf(perr *policy.Error) string {
	if perr.Key != "" {
		return "`" + perr.Key + "`: " + perr.Message
	}
	return perr.Message
}

// cell makes text safe inside one Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "<br>")
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "\n…(truncated)"
	cut := n - len(mark)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}
