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
	RuleNotEnglish         = "document-not-english"
	RuleSectionMissing     = "section-missing"
	RuleSectionRecommended = "section-recommended"
	RuleSectionEmpty       = "section-empty"
	RuleSectionPlaceholder = "section-placeholder"
	RuleTimelineNoTime     = "timeline-no-timestamp"
	RuleActionItemsNone    = "action-items-none"
	RuleActionItemNoOwner  = "action-item-no-owner"
	RuleActionItemBad      = "action-item-unreadable"
)

// StructuralRule describes a structural check in general terms, for
// outputs that list rules apart from their findings (SARIF).
type StructuralRule struct {
	Description string
	Suggestion  string
}

// StructuralRules are the structural checks by rule id.
var StructuralRules = map[string]StructuralRule{
	RuleFileTooLarge:       {"The file is too large to analyse.", "Move logs and large attachments out of the postmortem and link to them."},
	RuleFileUnreadable:     {"The file is not Markdown text.", "Postmortems must be UTF-8 Markdown text."},
	RuleFileInvalidUTF8:    {"The file is not valid UTF-8.", "Save the file as UTF-8."},
	RuleFrontMatter:        {"The front matter is never closed.", "Close the front matter with a line containing only ---."},
	RuleNotEnglish:         {"The document does not read as English; its sections and language were not checked.", "The check reads English only; write the postmortem in English, or read this one by hand."},
	RuleTooComplex:         {"The file is too complex to analyse within the analysis budget.", "Keep quotes and lists shallow, close every link's brackets, and move logs or generated text out of the postmortem."},
	RuleSectionMissing:     {"A required section is missing (no heading names it).", "Add a heading for the section with its content."},
	RuleSectionRecommended: {"A recommended section is missing (no heading names it).", "Add a heading for the section with its content."},
	RuleSectionEmpty:       {"A section has no content.", "Fill in the section; comments do not count as content."},
	RuleSectionPlaceholder: {"A section still holds the template's placeholder text.", "Replace the prompt with what happened."},
	RuleTimelineNoTime:     {"The timeline has no timestamped entry.", "Start entries with a time, such as 09:41 or 2026-03-04 09:41 UTC."},
	RuleActionItemsNone:    {"The action items section lists no action items.", "List each follow-up as a task: - [ ] What (owner: @login, due: YYYY-MM-DD)."},
	RuleActionItemNoOwner:  {"An action item has no owner and no linked issue or pull request.", "Add an owner (@login or @org/team) or link the issue that tracks it."},
	RuleActionItemBad:      {"An action item cannot be read.", "Write each item as a task with its title first and key: value details (owner, due, priority, type)."},
}
