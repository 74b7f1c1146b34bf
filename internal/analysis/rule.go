package analysis

// Rule is one language rule, kept as data in policies/rules.yml.
// (The analysis work extends this type; the fields below are fixed.)
type Rule struct {
	ID         string   `yaml:"id" json:"id"`
	Category   string   `yaml:"category" json:"category"`
	Severity   Severity `yaml:"severity" json:"severity"`
	Message    string   `yaml:"message" json:"message"`
	Suggestion string   `yaml:"suggestion" json:"suggestion"`
}
