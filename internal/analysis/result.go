package analysis

// MaxFileSize is the largest postmortem Analyze parses; larger inputs get a
// file-too-large finding instead, so one huge file cannot stall a check run.
const MaxFileSize = 5 << 20

// Result is everything Analyze learned about one file.
type Result struct {
	File            string       `json:"file"`
	Title           string       `json:"title,omitempty"`
	Findings        []Finding    `json:"findings"`
	MissingSections []string     `json:"missing_sections"`
	Sections        []Section    `json:"sections"`
	ActionItems     []ActionItem `json:"action_items"`
}

// Section is one heading of the document and the lines it spans.
type Section struct {
	// Name is the canonical required-section name when the heading matches
	// one, otherwise the heading text.
	Name    string `json:"name"`
	Heading string `json:"heading"`
	Level   int    `json:"level"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line"`
}

// Rule ids of the structural checks, for suppression and policy overrides.
const (
	RuleFileTooLarge       = "file-too-large"
	RuleFileUnreadable     = "file-unreadable"
	RuleFileInvalidUTF8    = "file-invalid-utf8"
	RuleFrontMatter        = "front-matter-unclosed"
	RuleSectionMissing     = "section-missing"
	RuleSectionEmpty       = "section-empty"
	RuleSectionPlaceholder = "section-placeholder"
	RuleTimelineNoTime     = "timeline-no-timestamp"
	RuleActionItemsNone    = "action-items-none"
	RuleActionItemNoOwner  = "action-item-no-owner"
	RuleActionItemBad      = "action-item-unreadable"
)
