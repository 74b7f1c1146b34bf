package analysis

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/postmortem-bot/postmortem-bot/policies"
)

// Rule kinds implemented in code; rules.yml lists instances of them.
const (
	KindPhrase      = "phrase"
	KindPattern     = "pattern"
	KindPersonBlame = "person-blame"
)

// Subjects a rule may require around its match.
const (
	SubjectAny             = "any"
	SubjectPerson          = "person"
	SubjectPersonAfter     = "person-after"
	SubjectPersonPossessor = "person-possessor"
	// SubjectPersonInSentence needs a person anywhere in the sentence
	// ("merged by Tomás without a second look").
	SubjectPersonInSentence = "person-in-sentence"
	// SubjectPersonNext needs the next content word after the match to be
	// a person ("the root cause was Kwame's change").
	SubjectPersonNext = "person-next"
)

// What a negation before a match does (Rule.Negation).
const (
	NegationBlock   = "block"
	NegationRequire = "require"
	NegationIgnore  = "ignore"
)

type ruleFile struct {
	Rules []Rule `yaml:"rules"`
}

// DefaultRules returns the language rules embedded from policies/rules.yml.
func DefaultRules() ([]Rule, error) {
	data, err := policies.FS.ReadFile("rules.yml")
	if err != nil {
		return nil, fmt.Errorf("read default rules: %w", err)
	}
	rules, err := ParseRules("rules.yml", data)
	if err != nil {
		return nil, fmt.Errorf("default rules: %w", err)
	}
	return rules, nil
}

// ParseRules reads a rule file ("rules: [...]") and checks every rule.
func ParseRules(filename string, data []byte) ([]Rule, error) {
	var f ruleFile
	if err := yaml.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("parse %s: %w", filename, err)
	}
	if err := ValidateRules(f.Rules); err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	return f.Rules, nil
}

// ValidateRules reports every problem in a rule set: missing ids, duplicate
// ids, unknown kinds or subjects, bad severities and bad patterns.
func ValidateRules(rules []Rule) error {
	var errs []error
	seen := map[string]bool{}
	for i, r := range rules {
		if r.ID == "" {
			errs = append(errs, fmt.Errorf("rule %d: id is empty", i+1))
			continue
		}
		if seen[r.ID] {
			errs = append(errs, fmt.Errorf("rule %q: duplicate id", r.ID))
		}
		seen[r.ID] = true
		if _, err := compileRule(r); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ApplyOverrides disables rules, changes severities and appends added rules.
// Unknown ids, bad severities and invalid added rules are errors.
func ApplyOverrides(rules []Rule, o RuleOverrides) ([]Rule, error) {
	byID := make(map[string]int, len(rules))
	for i, r := range rules {
		byID[r.ID] = i
	}
	var errs []error
	disabled := map[string]bool{}
	for _, id := range o.Disable {
		if _, ok := byID[id]; !ok {
			errs = append(errs, fmt.Errorf("disable: unknown rule id %q", id))
		}
		disabled[id] = true
	}
	for id, sev := range o.Severity {
		if _, ok := byID[id]; !ok {
			errs = append(errs, fmt.Errorf("severity: unknown rule id %q", id))
		}
		if !validSeverity(sev) {
			errs = append(errs, fmt.Errorf("severity of %q: %q is not error, warning or info", id, sev))
		}
	}
	for _, r := range o.Add {
		if _, ok := byID[r.ID]; ok {
			errs = append(errs, fmt.Errorf("add: rule id %q already exists", r.ID))
		}
	}
	if err := ValidateRules(o.Add); err != nil {
		errs = append(errs, fmt.Errorf("add: %w", err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	out := make([]Rule, 0, len(rules)+len(o.Add))
	for _, r := range rules {
		if disabled[r.ID] {
			continue
		}
		if sev, ok := o.Severity[r.ID]; ok {
			r.Severity = sev
		}
		out = append(out, r)
	}
	return append(out, o.Add...), nil
}

func validSeverity(s Severity) bool {
	return s == SeverityError || s == SeverityWarning || s == SeverityInfo
}

// compiledRule is a Rule made ready for matching.
type compiledRule struct {
	Rule
	phrases [][]string
	re      *regexp.Regexp
	// mustContain is text every match of re contains (see requiredLiteral):
	// a sentence without it is not searched.
	mustContain    string
	subject        string
	followedBy     map[string]bool
	precededBy     map[string]bool
	sections       map[string]bool
	exemptSections map[string]bool
	pronounIn      map[string]bool
	near           [][]string
	nearWithin     int
	negation       string
	followedWithin int
	atClauseStart  bool
	idx            int
}

func compileRule(r Rule) (*compiledRule, error) {
	c := &compiledRule{Rule: r, subject: r.Subject}
	if !validSeverity(r.Severity) {
		return nil, fmt.Errorf("rule %q: severity %q is not error, warning or info", r.ID, r.Severity)
	}
	if strings.TrimSpace(r.Message) == "" {
		return nil, fmt.Errorf("rule %q: message is empty", r.ID)
	}
	switch r.Kind {
	case KindPhrase, KindPersonBlame:
		if len(r.Phrases) == 0 {
			return nil, fmt.Errorf("rule %q: kind %s needs phrases", r.ID, r.Kind)
		}
		for _, p := range r.Phrases {
			words := phraseWords(p)
			if len(words) == 0 {
				return nil, fmt.Errorf("rule %q: phrase %q has no words", r.ID, p)
			}
			c.phrases = append(c.phrases, words)
		}
		if c.subject == "" && r.Kind == KindPersonBlame {
			c.subject = SubjectPerson
		}
	case KindPattern:
		if r.Pattern == "" {
			return nil, fmt.Errorf("rule %q: kind pattern needs a pattern", r.ID)
		}
		if err := CheckPattern(r.Pattern); err != nil {
			return nil, fmt.Errorf("rule %q: bad pattern: %w", r.ID, err)
		}
		re, err := regexp.Compile(r.Pattern)
		if err != nil {
			return nil, fmt.Errorf("rule %q: bad pattern: %w", r.ID, err)
		}
		c.re = re
		c.mustContain = requiredLiteral(r.Pattern)
	default:
		return nil, fmt.Errorf("rule %q: unknown kind %q (want phrase, pattern or person-blame)", r.ID, r.Kind)
	}
	switch c.subject {
	case "":
		c.subject = SubjectAny
	case SubjectAny, SubjectPerson, SubjectPersonAfter, SubjectPersonPossessor, SubjectPersonInSentence, SubjectPersonNext:
	default:
		return nil, fmt.Errorf("rule %q: unknown subject %q", r.ID, r.Subject)
	}
	if r.PersonWithin < 0 || r.PersonWithin > 0 && c.subject != SubjectPersonInSentence {
		return nil, fmt.Errorf("rule %q: person_within needs subject %s and a positive number", r.ID, SubjectPersonInSentence)
	}
	for _, p := range r.Near {
		words := phraseWords(p)
		if len(words) == 0 {
			return nil, fmt.Errorf("rule %q: near phrase %q has no words", r.ID, p)
		}
		c.near = append(c.near, words)
	}
	c.nearWithin = r.NearWithin
	if c.nearWithin <= 0 {
		c.nearWithin = 4
	}
	switch r.Negation {
	case "":
		c.negation = NegationBlock
	case NegationBlock, NegationRequire, NegationIgnore:
		c.negation = r.Negation
	default:
		return nil, fmt.Errorf("rule %q: unknown negation %q (want block, require or ignore)", r.ID, r.Negation)
	}
	c.followedBy = wordSet(r.UnlessFollowedBy)
	c.followedWithin = max(r.UnlessFollowedWithin, 1)
	c.atClauseStart = r.AtClauseStart
	c.precededBy = wordSet(r.UnlessPrecededBy)
	c.sections = nameSet(r.Sections)
	c.exemptSections = nameSet(r.ExemptSections)
	c.pronounIn = nameSet(r.PronounSections)
	return c, nil
}

// requiredLiteral returns the longest case-sensitive literal that every
// match of pattern contains: a literal directly in the top-level sequence
// ("Had" in `^\s*Had\b`). It returns "" when there is none.
func requiredLiteral(pattern string) string {
	re, err := syntax.Parse(pattern, syntax.Perl) // as regexp.Compile parses it
	if err != nil {
		return ""
	}
	for re.Op == syntax.OpCapture && len(re.Sub) == 1 {
		re = re.Sub[0]
	}
	parts := []*syntax.Regexp{re}
	if re.Op == syntax.OpConcat {
		parts = re.Sub
	}
	best := ""
	for _, p := range parts {
		if p.Op == syntax.OpLiteral && p.Flags&syntax.FoldCase == 0 && len(string(p.Rune)) > len(best) {
			best = string(p.Rune)
		}
	}
	return best
}

func compileRules(rules []Rule) []*compiledRule {
	out := make([]*compiledRule, 0, len(rules))
	for _, r := range rules {
		// Invalid rules are rejected when a Config is built; here they are
		// skipped so Analyze never fails on a hand-made Config.
		if c, err := compileRule(r); err == nil {
			c.idx = len(out)
			out = append(out, c)
		}
	}
	return out
}

// appliesIn reports whether the rule judges text under a heading that
// names the sections keys (normalised names).
// pronounCounts reports whether a pronoun alone names the person of a
// match in these sections.
func (c *compiledRule) pronounCounts(keys []string) bool {
	if c.pronounIn == nil {
		return true
	}
	for _, k := range keys {
		if c.pronounIn[k] {
			return true
		}
	}
	return false
}

func (c *compiledRule) appliesIn(keys []string) bool {
	in := len(c.sections) == 0
	for _, k := range keys {
		if c.exemptSections[k] {
			return false
		}
		in = in || c.sections[k]
	}
	return in
}

// phraseWords returns the lemmas of a phrase's words; a word written with
// a leading "=" must match exactly as written ("=had" is not "has").
func phraseWords(p string) []string {
	var words []string
	for f := range strings.FieldsSeq(p) {
		exact := strings.HasPrefix(f, "=")
		for _, t := range tokenize(strings.TrimPrefix(f, "=")) {
			if exact {
				words = append(words, "="+t.key)
			} else {
				words = append(words, ruleLemmaOf(t.key))
			}
		}
	}
	return words
}

// lemmaOfWord is the lemma a phrase word is indexed and filtered by.
func lemmaOfWord(w string) string {
	if strings.HasPrefix(w, "=") {
		return ruleLemmaOf(w[1:])
	}
	return w
}

// wordSet holds words by lemma.
func wordSet(ws []string) map[string]bool {
	if len(ws) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[ruleLemmaOf(strings.ToLower(strings.TrimSpace(w)))] = true
	}
	return m
}

func nameSet(ns []string) map[string]bool {
	if len(ns) == 0 {
		return nil
	}
	m := make(map[string]bool, len(ns))
	for _, n := range ns {
		m[normalizeName(n)] = true
	}
	return m
}
