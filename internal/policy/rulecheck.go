package policy

import (
	"errors"
	"fmt"
	"regexp/syntax"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

// maxRuleText bounds an added rule's message and suggestion, which the check
// run repeats for every finding.
const maxRuleText = 1000

// addedRuleProblem checks one rule of check.rules.add field by field, so the
// problem is reported at its key and in words that never quote the file.
// It returns the offending field and the problem, or "" when the rule is fine.
func addedRuleProblem(r analysis.Rule) (field, msg string) {
	switch {
	case strings.TrimSpace(r.ID) == "":
		return "id", "an added rule needs an id"
	case !mapKeyPattern.MatchString(r.ID):
		return "id", "a rule id is a short word of letters, digits, '-', '_' or '.'"
	case !validSeverity(r.Severity):
		return "severity", "must be error, warning or info"
	case strings.TrimSpace(r.Message) == "":
		return "message", "an added rule needs a message"
	case len(r.Message) > maxRuleText:
		return "message", fmt.Sprintf("must be at most %d characters", maxRuleText)
	case len(r.Suggestion) > maxRuleText:
		return "suggestion", fmt.Sprintf("must be at most %d characters", maxRuleText)
	}
	switch r.Kind {
	case analysis.KindPhrase, analysis.KindPersonBlame:
		if len(r.Phrases) == 0 {
			return "phrases", "this kind of rule needs phrases"
		}
		for i, p := range r.Phrases {
			if strings.TrimSpace(p) == "" || len(p) > maxRuleText {
				return fmt.Sprintf("phrases[%d]", i), fmt.Sprintf("a phrase needs words and at most %d characters", maxRuleText)
			}
		}
	case analysis.KindPattern:
		if r.Pattern == "" {
			return "pattern", "a pattern rule needs a pattern"
		}
		if err := analysis.CheckPattern(r.Pattern); err != nil {
			return "pattern", patternProblem(err)
		}
	default:
		return "kind", "must be phrase, pattern or person-blame"
	}
	switch r.Subject {
	case "", analysis.SubjectAny, analysis.SubjectPerson, analysis.SubjectPersonAfter,
		analysis.SubjectPersonPossessor, analysis.SubjectPersonInSentence:
	default:
		return "subject", "must be any, person, person-after, person-possessor or person-in-sentence"
	}
	return "", ""
}

// patternProblem names what is wrong with a pattern: its size, or the kind
// of syntax error, without the expression the error quotes.
func patternProblem(err error) string {
	var serr *syntax.Error
	if errors.As(err, &serr) {
		return "is not a valid RE2 regular expression: " + string(serr.Code)
	}
	var big *analysis.PatternTooLargeError
	if errors.As(err, &big) {
		return big.Error()
	}
	return "is not a valid RE2 regular expression"
}
