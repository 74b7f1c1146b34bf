package analysis

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// ActionItem is one follow-up from the Action Items section.
type ActionItem struct {
	Title string `json:"title"`
	// Owner is as written: "@user", "@org/team", or a plain name.
	Owner string `json:"owner,omitempty"`
	// Due is an ISO date (YYYY-MM-DD), empty when none was given.
	Due      string `json:"due,omitempty"`
	Priority string `json:"priority,omitempty"`
	// Type is prevent, detect, mitigate, process or other, empty when not
	// given.
	Type string `json:"type,omitempty"`
	// IssueRef is "#123" or an issue URL, empty when none is linked yet.
	IssueRef string `json:"issue_ref,omitempty"`
	Done     bool   `json:"done"`
	Line     int    `json:"line"`
}

// OwnerIsTeam reports whether the owner is a GitHub team ("@org/team").
func (a ActionItem) OwnerIsTeam() bool {
	return strings.HasPrefix(a.Owner, "@") && strings.Contains(a.Owner, "/")
}

// OwnerIsUser reports whether the owner is a GitHub user ("@login").
func (a ActionItem) OwnerIsUser() bool {
	return strings.HasPrefix(a.Owner, "@") && !strings.Contains(a.Owner, "/")
}

// ActionItemTypes are the accepted values of ActionItem.Type.
var ActionItemTypes = []string{"prevent", "detect", "mitigate", "process", "other"}

var typeAliases = map[string]string{
	"prevent": "prevent", "prevention": "prevent", "preventive": "prevent",
	"detect": "detect", "detection": "detect",
	"mitigate": "mitigate", "mitigation": "mitigate",
	"process": "process",
	"other":   "other", "misc": "other", "miscellaneous": "other",
}

// ParseActionItems reads the action items of a postmortem. src may be a
// whole document (the section is found by cfg's sections, falling
// back to the default names) or just the section's body. Items it cannot
// read become action-item-unreadable findings, never silent skips.
func ParseActionItems(file string, src []byte, cfg Config) ([]ActionItem, []Finding) {
	if f, ok := checkFile(file, src); !ok {
		return nil, []Finding{f}
	}
	doc, _ := parseDocument(src)
	specs := cfg.sections()
	if findSpec(specs, actionItemsName) == nil {
		specs = DefaultSections()
	}
	heads := collectHeadings(doc, specs)
	from, to := 0, len(doc.body())
	for i, h := range heads {
		if len(h.specs) > 0 && slices.ContainsFunc(h.specs, func(si int) bool { return specs[si].Name == actionItemsName }) {
			from, to = h.contentStart, sectionEnd(heads, i, len(doc.body()))
			break
		}
	}
	var fs findingSink
	fs.doc, fs.file = doc, file
	items := parseActionItems(doc, from, to, &fs)
	sortFindings(fs.findings)
	return items, fs.findings
}

const actionItemsName = "Action Items"

func findSpec(specs []SectionSpec, name string) *SectionSpec {
	for i := range specs {
		if normalizeName(specs[i].Name) == normalizeName(name) {
			return &specs[i]
		}
	}
	return nil
}

// parseActionItems reads task lists, plain lists and tables between body
// offsets from and to.
func parseActionItems(doc *document, from, to int, fs *findingSink) []ActionItem {
	var items []ActionItem
	src := doc.body()
	for n := doc.root.FirstChild(); n != nil; n = n.NextSibling() {
		start := nodeStart(n)
		if start < from || start >= to {
			continue
		}
		switch t := n.(type) {
		case *ast.List:
			for li := t.FirstChild(); li != nil; li = li.NextSibling() {
				if item, ok := listActionItem(doc, li, src, fs); ok {
					items = append(items, item)
				}
			}
		case *east.Table:
			items = append(items, tableActionItems(doc, t, src, fs)...)
		}
	}
	return items
}

var (
	metaKeyRE  = regexp.MustCompile(`(?i)\b(owners?|assignees?|due(?: date)?|deadline|priority|prio|type|kind|issue|tracking|ticket)\s*:`)
	mentionRE  = regexp.MustCompile(`(?:^|[\s(,])(@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9][A-Za-z0-9._-]*)?)`)
	issueRefRE = regexp.MustCompile(`(?:^|[\s(,])(#\d+|https?://\S+/(?:issues|pull)/\d+)`)
)

func listActionItem(doc *document, li ast.Node, src []byte, fs *findingSink) (ActionItem, bool) {
	first := li.FirstChild()
	if first == nil {
		fs.add(nodeStart(li), RuleActionItemBad, SeverityError, "This action item is empty.", "Write what will be done, who owns it and by when.")
		return ActionItem{}, false
	}
	var item ActionItem
	for c := first.FirstChild(); c != nil; c = c.NextSibling() {
		if cb, ok := c.(*east.TaskCheckBox); ok {
			item.Done = cb.IsChecked
		}
	}
	start := nodeStart(first)
	item.Line, _ = doc.position(max(start, 0))
	textVal := inlineString(first, src)
	// "✅ Reverted the change": a list item marked done, as published
	// postmortems mark completed follow-ups.
	for _, mark := range doneMarks {
		if rest, found := strings.CutPrefix(textVal, mark); found {
			item.Done, textVal = true, strings.TrimSpace(rest)
			break
		}
	}
	title, meta := textVal, ""
	if loc := metaKeyRE.FindStringIndex(textVal); loc != nil {
		title, meta = textVal[:loc[0]], textVal[loc[0]:]
	}
	item.Title = strings.TrimRight(strings.TrimSpace(title), " (-–—,;|:")
	ok := applyMeta(&item, meta, start, fs)
	if item.Owner == "" {
		if m := mentionRE.FindStringSubmatch(textVal); m != nil {
			item.Owner = m[1]
		}
	}
	if item.IssueRef == "" {
		if m := issueRefRE.FindStringSubmatch(textVal); m != nil {
			item.IssueRef = m[1]
		}
	}
	return finishItem(item, start, ok, fs)
}

// applyMeta reads "key: value" pairs separated by commas, semicolons or bars.
func applyMeta(item *ActionItem, meta string, start int, fs *findingSink) bool {
	ok := true
	locs := metaKeyRE.FindAllStringSubmatchIndex(meta, -1)
	for i, loc := range locs {
		end := len(meta)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		key := strings.ToLower(meta[loc[2]:loc[3]])
		val := strings.Trim(strings.TrimSpace(meta[loc[1]:end]), " ,;|)(")
		if !setField(item, key, val, start, fs) {
			ok = false
		}
	}
	return ok
}

// setField stores one metadata value; false when the value is unreadable.
func setField(item *ActionItem, key, val string, start int, fs *findingSink) bool {
	if isBlankValue(val) {
		return true
	}
	switch {
	case strings.HasPrefix(key, "owner") || strings.HasPrefix(key, "assignee"):
		owner := strings.Fields(val)[0]
		if issueRefRE.MatchString(owner) {
			item.IssueRef = owner // ownership tracked in a linked issue or pull request
			return true
		}
		item.Owner = owner
	case strings.HasPrefix(key, "due") || key == "deadline":
		if _, err := time.Parse(time.DateOnly, val); err != nil {
			fs.add(start, RuleActionItemBad, SeverityError,
				fmt.Sprintf("%s: the due date %q is not an ISO date (YYYY-MM-DD).", itemName(item), val), "Write the due date as YYYY-MM-DD, for example 2026-12-15.")
			return false
		}
		item.Due = val
	case key == "priority" || key == "prio":
		item.Priority = strings.ToUpper(val)
	case key == "type" || key == "kind":
		t, ok := typeAliases[strings.ToLower(val)]
		if !ok {
			fs.add(start, RuleActionItemBad, SeverityError,
				fmt.Sprintf("%s: the type %q is not one of %s.", itemName(item), val, strings.Join(ActionItemTypes, ", ")), "Use prevent, detect, mitigate, process or other.")
			return false
		}
		item.Type = t
	default: // issue, tracking, ticket
		item.IssueRef = val
	}
	return true
}

// itemName names an action item in a finding: its title when it has one
// so far (a table's title column may come later).
func itemName(item *ActionItem) string {
	if t := strings.TrimSpace(item.Title); t != "" {
		return fmt.Sprintf("Action item %q", t)
	}
	return "An action item"
}

func isBlankValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "-", "—", "–", "n/a", "na", "none", "tbd":
		return true
	}
	return false
}

// doneMarks open a list item that is already done.
var doneMarks = []string{"✅", "✔️", "✔", "☑️", "☑", "[x]", "[X]"}

func finishItem(item ActionItem, start int, ok bool, fs *findingSink) (ActionItem, bool) {
	if item.Title == "" {
		var read []string
		for _, kv := range [][2]string{{"owner", item.Owner}, {"due", item.Due}, {"priority", item.Priority}, {"issue", item.IssueRef}} {
			if kv[1] != "" {
				read = append(read, kv[0]+" "+kv[1])
			}
		}
		msg := "This action item has no title."
		if len(read) > 0 {
			msg = fmt.Sprintf("This action item has no title, only %s.", strings.Join(read, ", "))
		}
		fs.add(start, RuleActionItemBad, SeverityError, msg, "Start the item with what will be done.")
		return ActionItem{}, false
	}
	if !ok {
		return ActionItem{}, false
	}
	// A linked issue or pull request is where ownership is tracked; a
	// finished item needs no owner.
	if item.Owner == "" && item.IssueRef == "" && !item.Done {
		fs.add(start, RuleActionItemNoOwner, SeverityError,
			fmt.Sprintf("Action item %q has no owner and no linked issue or pull request.", item.Title), "Add an owner, for example (owner: @sre-team) or @login, or link the issue that tracks it (#123).")
	}
	return item, true
}

// columnKind maps a table header to an ActionItem field.
func columnKind(header string) string {
	switch normalizeName(header) {
	case "action", "action item", "actions", "task", "item", "title", "description", "what", "follow up", "corrective action":
		return "title"
	case "owner", "owners", "assignee", "assignees", "who", "responsible":
		return "owner"
	case "due", "due date", "deadline", "by", "target date", "eta":
		return "due"
	case "priority", "prio", "severity":
		return "priority"
	case "type", "kind", "category":
		return "type"
	case "issue", "tracking", "ticket", "link", "issue link", "tracking issue", "bug", "bugs", "pr", "pull request", "issue pr", "reference", "ref":
		return "issue"
	case "status", "done", "state":
		return "status"
	}
	return ""
}

func tableActionItems(doc *document, t *east.Table, src []byte, fs *findingSink) []ActionItem {
	var cols []string
	var items []ActionItem
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		if _, isHeader := row.(*east.TableHeader); isHeader {
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cols = append(cols, columnKind(inlineString(c, src)))
			}
			if !contains(cols, "title") {
				fs.add(nodeStart(t), RuleActionItemBad, SeverityError,
					fmt.Sprintf("This action item table has no Action column (its columns: %s).", headerList(row, src)), "Name the first column Action (or Task) and add Owner and Due columns.")
				return nil
			}
			continue
		}
		start := nodeStart(row)
		if start < 0 {
			continue // an empty row
		}
		var item ActionItem
		item.Line, _ = doc.position(start)
		ok := true
		i := 0
		for c := row.FirstChild(); c != nil && i < len(cols); c, i = c.NextSibling(), i+1 {
			val := strings.TrimSpace(inlineString(c, src))
			switch cols[i] {
			case "title":
				item.Title = val
			case "status":
				item.Done = isDoneValue(val)
			case "":
			default:
				if !setField(&item, map[string]string{"owner": "owner", "due": "due", "priority": "priority", "type": "type", "issue": "issue"}[cols[i]], val, start, fs) {
					ok = false
				}
			}
		}
		if it, keep := finishItem(item, start, ok, fs); keep {
			items = append(items, it)
		}
	}
	return items
}

func headerList(row ast.Node, src []byte) string {
	var names []string
	for c := row.FirstChild(); c != nil; c = c.NextSibling() {
		names = append(names, fmt.Sprintf("%q", strings.TrimSpace(inlineString(c, src))))
	}
	return strings.Join(names, ", ")
}

func isDoneValue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "done", "closed", "complete", "completed", "yes", "x", "[x]", "✅", "✔", "fixed", "resolved":
		return true
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
