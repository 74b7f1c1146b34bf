package analysis

// Rule is one language rule, kept as data in policies/rules.yml. Its
// Category is the family of blame it belongs to (docs/rules.md).
type Rule struct {
	ID         string   `yaml:"id" json:"id"`
	Category   string   `yaml:"category" json:"category"`
	Severity   Severity `yaml:"severity" json:"severity"`
	Message    string   `yaml:"message" json:"message"`
	Suggestion string   `yaml:"suggestion" json:"suggestion"`

	// Kind says how the rule matches: "phrase" (word sequences), "pattern"
	// (an RE2 regular expression over the sentence) or "person-blame" (a
	// phrase that only counts when a person is its subject).
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Phrases are matched on word boundaries by lemma, case-insensitively:
	// "ignore" also matches "ignored" and "ignoring".
	Phrases []string `yaml:"phrases,omitempty" json:"phrases,omitempty"`
	// Pattern is an RE2 expression for kind "pattern".
	Pattern string `yaml:"pattern,omitempty" json:"pattern,omitempty"`
	// Subject narrows a match to sentences where a person is involved:
	// "any" (default for phrase and pattern), "person" (a person is the
	// subject before the match, default for person-blame), "person-after"
	// (a person follows, as in "caused by @kim"), "person-next" (the next
	// content word names a person, as in "root cause: Kwame pushed"),
	// "person-possessor" (a
	// person's possessive comes before, as in "Priya's fault").
	Subject string `yaml:"subject,omitempty" json:"subject,omitempty"`
	// UnlessFollowedBy and UnlessPrecededBy list words that make a match
	// innocent ("lazy loading", "just after", "should have a secondary").
	UnlessFollowedBy []string `yaml:"unless_followed_by,omitempty" json:"unless_followed_by,omitempty"`
	UnlessPrecededBy []string `yaml:"unless_preceded_by,omitempty" json:"unless_preceded_by,omitempty"`
	// UnlessFollowedWithin widens UnlessFollowedBy to the next n words
	// (default 1): "should have been caught by the schema check".
	UnlessFollowedWithin int `yaml:"unless_followed_within,omitempty" json:"unless_followed_within,omitempty"`
	// Near lists phrases (matched by lemma) of which one must occur within
	// NearWithin words (default 4) before or after the match in the same
	// sentence: "simply" counts only near "forgot", "had to", "didn't".
	Near       []string `yaml:"near,omitempty" json:"near,omitempty"`
	NearWithin int      `yaml:"near_within,omitempty" json:"near_within,omitempty"`
	// NearAfter looks for the near phrases after the match only: a
	// minimiser belittles the action that follows it ("simply forgot",
	// "just needed to look"), not a word before it ("look obviously
	// hostile").
	NearAfter bool `yaml:"near_after,omitempty" json:"near_after,omitempty"`
	// Negation says what a negation or contrast in the clause before the
	// match does ("nobody is to blame", "rather than blame", "not human
	// error", "human error was not a factor"): "block" (default) makes the
	// match innocent, "require" makes it count only when negated ("the diff
	// was not read by the reviewer"), "ignore" disregards negation.
	Negation string `yaml:"negation,omitempty" json:"negation,omitempty"`
	// AtClauseStart makes a phrase count only at the start of a sentence or
	// clause ("Had the approver looked…", "…, but had anyone checked").
	AtClauseStart bool `yaml:"at_clause_start,omitempty" json:"at_clause_start,omitempty"`
	// Counterfactual makes a match count only in a sentence that speaks of
	// what did not happen: a past perfect after the match ("if the reviewer
	// had looked") or "would/could/might have" ("…, none of this would have
	// happened"). A plain condition ("if teams rename a capability") is not
	// hindsight.
	Counterfactual bool `yaml:"counterfactual,omitempty" json:"counterfactual,omitempty"`
	// PersonWithin narrows subject "person-in-sentence" to a person within
	// this many words of the match: a system can fail "once again"; the
	// habit judged is a person's when they are named near it.
	PersonWithin int `yaml:"person_within,omitempty" json:"person_within,omitempty"`
	// PronounSections are the sections where a pronoun alone ("them",
	// "his") names the person a match is about; elsewhere it takes a name,
	// a role or an @mention. Empty: everywhere.
	PronounSections []string `yaml:"pronoun_sections,omitempty" json:"pronoun_sections,omitempty"`
	// DefinitePerson makes a match count only when its person is a
	// definite one ("the reviewer", "Kwame"), not one introduced by "a",
	// "another" or "any" ("not reviewed by another developer" says no
	// second review existed; "if a person had the old schema" is anyone).
	DefinitePerson bool `yaml:"definite_person,omitempty" json:"definite_person,omitempty"`
	// Sections limits the rule to these sections; ExemptSections excludes
	// sections. Both use the canonical section names or heading texts.
	Sections       []string `yaml:"sections,omitempty" json:"sections,omitempty"`
	ExemptSections []string `yaml:"exempt_sections,omitempty" json:"exempt_sections,omitempty"`
}
