package analysis

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// Analyze reviews one postmortem: file names it in findings, src is its
// content. It never panics; unreadable input yields a finding.
func Analyze(file string, src []byte, cfg Config) Result {
	res := Result{File: file, Findings: []Finding{}, MissingSections: []string{}, Sections: []Section{}, ActionItems: []ActionItem{}}
	if f, ok := checkFile(file, src); !ok {
		res.Findings = append(res.Findings, f)
		return res
	}
	doc, unclosed := parseDocument(src)
	fs := &findingSink{doc: doc, file: file}
	if unclosed {
		fs.addAbs(0, RuleFrontMatter, SeverityWarning, "Front matter opens with --- but never closes; it is read as Markdown.", "Close the front matter with a line containing only ---.")
	}
	body := doc.body()
	specs := cfg.sections()
	heads := collectHeadings(doc, specs)
	for i, h := range heads {
		if h.level == 1 && res.Title == "" {
			res.Title = h.text
		}
		name := h.text
		if len(h.specs) > 0 {
			name = specs[h.specs[0]].Name
		}
		endLine, _ := doc.position(max(sectionEnd(heads, i, len(body))-1, h.start))
		res.Sections = append(res.Sections, Section{Name: name, Heading: h.text, Level: h.level, Line: h.line, EndLine: endLine})
	}
	english := readsAsEnglish(doc)
	res.MissingSections = checkSections(doc, heads, cfg, specs, fs, &res.ActionItems)
	rules := cfg.Rules
	if !english {
		// Section names and language rules are English: a French or
		// German postmortem would be reported missing every section and
		// its words taken for names. Its action items are still read.
		kept := fs.findings[:0]
		for _, f := range fs.findings {
			if f.Rule != RuleSectionMissing && f.Rule != RuleSectionRecommended {
				kept = append(kept, f)
			}
		}
		fs.findings = kept
		res.MissingSections = []string{}
		rules = nil
		fs.addAbs(0, RuleNotEnglish, SeverityInfo, "The document does not read as English: its sections and language were not checked.", StructuralRules[RuleNotEnglish].Suggestion)
	}
	comments := judgeLanguage(doc, heads, rules, fs)
	sups := suppressions(doc, comments)
	kept := fs.findings[:0] // filtered in place: the sink is not used again
	for _, f := range fs.findings {
		if !suppressed(f, sups) {
			kept = append(kept, f)
		}
	}
	if len(kept) > 0 {
		res.Findings = kept
	}
	sortFindings(res.Findings)
	return res
}

// englishWords are frequent English function words that other languages
// written in Latin letters rarely use as words.
var englishWords = setOf("the", "and", "of", "to", "is", "was", "were", "are", "that", "with", "for", "this",
	"it", "we", "our", "they", "be", "by", "from", "not", "have", "has", "had", "which", "when", "after", "there",
	"their", "would", "should", "could", "will", "been", "into", "because", "but", "or", "if", "its", "at", "as")

// Prose shorter than minLanguageWords is not judged for its language, and
// at most maxLanguageWords are read.
const (
	minLanguageWords = 150
	maxLanguageWords = 600
)

// readsAsEnglish reports whether the document's prose reads as English: in
// English prose a fifth to two fifths of the words are function words such
// as "the", "of" and "was"; in French, Spanish or German prose few are. Short
// documents, and those whose paragraphs hold too few words to tell, count
// as English.
func readsAsEnglish(doc *document) bool {
	src := doc.body()
	words, english := 0, 0
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock, *ast.Heading:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock:
			lines := n.Lines()
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				for _, t := range tokenize(string(seg.Value(src))) {
					words++
					if englishWords[t.key] {
						english++
					}
				}
			}
			if words >= maxLanguageWords {
				return ast.WalkStop, nil
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	// English prose has 20-40% function words from the list, terse notes
	// and tables of terms about 10%; French prose under 1% (borrowed
	// terms and code words).
	return words < minLanguageWords || english*100 >= words*4
}

// checkFile rejects input that is not a Markdown text file of sane size.
func checkFile(file string, src []byte) (Finding, bool) {
	f := Finding{File: file, Line: 1, Column: 1, Severity: SeverityError}
	switch {
	case len(src) > MaxFileSize:
		f.Rule = RuleFileTooLarge
		f.Message = fmt.Sprintf("The file is %d bytes; postmortems over %d bytes are not analysed.", len(src), MaxFileSize)
		f.Suggestion = "Move logs and large attachments out of the postmortem and link to them."
	case bytes.IndexByte(src, 0) >= 0:
		f.Rule = RuleFileUnreadable
		f.Message = "The file contains NUL bytes; it looks binary, not Markdown."
		f.Suggestion = "Postmortems must be UTF-8 Markdown text."
	case !utf8.Valid(src):
		f.Rule = RuleFileInvalidUTF8
		off := firstInvalidUTF8(src)
		f.Line = bytes.Count(src[:off], []byte{'\n'}) + 1
		f.Column = utf8.RuneCount(src[bytes.LastIndexByte(src[:off], '\n')+1:off]) + 1
		f.Message = fmt.Sprintf("The file is not valid UTF-8 (first bad byte at offset %d).", off)
		f.Suggestion = "Save the file as UTF-8."
	default:
		return Finding{}, true
	}
	return f, false
}

func firstInvalidUTF8(src []byte) int {
	for i := 0; i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(src)
}

// findingSink collects findings with positions resolved.
type findingSink struct {
	doc      *document
	file     string
	findings []Finding
}

func (s *findingSink) add(bodyOff int, rule string, sev Severity, msg, suggestion string) {
	s.addAbs(s.doc.base+max(bodyOff, 0), rule, sev, msg, suggestion)
}

func (s *findingSink) addAbs(off int, rule string, sev Severity, msg, suggestion string) {
	line, col := s.doc.positionAbs(off)
	s.findings = append(s.findings, Finding{File: s.file, Line: line, Column: col, Rule: rule, Severity: sev, Message: msg, Suggestion: suggestion})
}

func sortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Column, b.Column); c != 0 {
			return c
		}
		return strings.Compare(a.Rule, b.Rule)
	})
}

// collectHeadings lists the document's headings in order.
func collectHeadings(doc *document, specs []SectionSpec) []heading {
	var heads []heading
	src := doc.body()
	sm := newSectionMatcher(specs)
	ai := slices.Index(sm.keys, normalizeName(actionItemsName))
	var b blockText // reused for every heading's text
	// Tables and bold labels repeat their words ("Time", "Note"): each
	// text is matched against the sections once.
	matched := map[string][]int{}
	cachedMatch := func(text []byte) []int {
		specs, ok := matched[string(text)] // no string is built to look up
		if !ok {
			key := string(text)
			specs = sm.matchKeys(normalizeName(key))
			matched[key] = specs
		}
		return specs
	}
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var h *ast.Heading
		switch t := n.(type) {
		case *ast.Heading:
			h = t
		case *ast.Paragraph, *ast.TextBlock:
			// "**Impact**: 1.2B queries lost": a bold label opening a
			// paragraph names a section as a heading would, when it is one
			// of the sections' names.
			// So does one opening a later line of the paragraph, as in a
			// block of metadata ("**Date:** …", "**Affected:** …" on
			// consecutive lines); that heading stands at its own line.
			// Every label has a colon near a line's start: most paragraphs
			// are passed over on that alone.
			if !colonNearLineStart(n, src) {
				return ast.WalkSkipChildren, nil
			}
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if _, ok := c.(*ast.Emphasis); !ok {
					continue
				}
				node := n
				if c != n.FirstChild() {
					t, ok := c.PreviousSibling().(*ast.Text)
					if !ok || !t.SoftLineBreak() && !t.HardLineBreak() {
						continue
					}
					node = c
				}
				if label, after, ok := labelOf(c, src, &b); ok {
					if specs := cachedMatch(label); len(specs) > 0 {
						heads = append(heads, labelHeading(doc, sm, node, string(label), after, specs))
					}
				}
			}
			// A plain-text label opening a paragraph or a list item ("User
			// impact: …", "- Trigger: …") names a section too, when it
			// ends with a section's name or alias.
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				t, ok := c.(*ast.Text)
				if !ok || c != n.FirstChild() && (t.Segment.Start == 0 || src[t.Segment.Start-1] != '\n') {
					continue // not at the start of a line
				}
				if label, after, ok := plainLabel(t, src); ok && !quotedBlock(n) {
					if specs := sm.endingKeys(normalizeName(string(label))); len(specs) > 0 {
						node := n
						if c != n.FirstChild() {
							node = c
						}
						heads = append(heads, labelHeading(doc, sm, node, string(label), after, specs))
					}
				}
			}
			return ast.WalkSkipChildren, nil
		case *east.Table:
			// A table whose first column is headed "Follow-up" or "Action
			// item" lists action items, under whatever heading it sits.
			if ai >= 0 && !(len(heads) > 0 && slices.Contains(heads[len(heads)-1].specs, ai)) {
				if c := firstHeaderCell(t, src, &b); len(c) > 0 && slices.Contains(cachedMatch(c), ai) {
					heads = append(heads, labelHeading(doc, sm, t, string(c), -1, []int{ai}))
				}
			}
			return ast.WalkSkipChildren, nil // table cells hold no headings
		default:
			if n.Type() == ast.TypeBlock && n.FirstChild() != nil && n.FirstChild().Type() == ast.TypeInline {
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		}
		start := lineStartOf(src, max(nodeStart(h), 0))
		b.reset()
		b.literal = true
		collectInline(h, src, &b, nil)
		hd := heading{level: h.Level, text: string(bytes.TrimSpace(b.buf)), start: start, node: h}
		hd.key = normalizeName(hd.text)
		hd.line, _ = doc.position(start)
		hd.contentStart = start
		if l := h.Lines(); l.Len() > 0 {
			hd.contentStart = lineEndOf(src, l.At(l.Len()-1).Stop)
		} else {
			hd.contentStart = lineEndOf(src, start)
		}
		hd.specs = sm.matchKeys(hd.key)
		for _, si := range hd.specs {
			hd.specKeys = append(hd.specKeys, sm.keys[si])
		}
		heads = append(heads, hd)
		return ast.WalkSkipChildren, nil
	})
	// A document's first heading, at level 1 above deeper ones, is its
	// title ("# DNS resolution failures"): it names no section.
	if len(heads) > 1 && heads[0].level == 1 && slices.ContainsFunc(heads[1:], func(h heading) bool { return h.level > 1 }) {
		heads[0].specs, heads[0].specKeys = nil, nil
	}
	return heads
}

// labelHeading is the heading that a bold label or a follow-up table (node)
// stands for; its content starts at contentStart, or with the node itself
// when contentStart < 0 (a table is its own content).
func labelHeading(doc *document, sm *sectionMatcher, node ast.Node, text string, contentStart int, specs []int) heading {
	src := doc.body()
	start := lineStartOf(src, max(nodeStart(node), 0))
	if contentStart < 0 {
		contentStart = start
	}
	hd := heading{level: labelLevel, text: text, key: normalizeName(text), start: start, contentStart: contentStart, specs: specs, node: node, label: true}
	hd.line, _ = doc.position(start)
	for _, si := range specs {
		hd.specKeys = append(hd.specKeys, sm.keys[si])
	}
	return hd
}

// firstHeaderCell is the text of a table's first header cell, read into b.
func firstHeaderCell(t *east.Table, src []byte, b *blockText) []byte {
	h, ok := t.FirstChild().(*east.TableHeader)
	if !ok || h.FirstChild() == nil {
		return nil
	}
	b.reset()
	b.literal = true
	collectInline(h.FirstChild(), src, b, nil)
	cell := bytes.TrimSpace(b.buf)
	if len(cell) > 40 {
		return nil
	}
	return cell
}

// labelLevel ranks a bold label below every heading: its section ends at
// the next label or heading.
const labelLevel = 7

// labelOf returns the text of bold label n ("**Impact**: …" or "**Root
// cause:** …"), read into b, and the body offset after its colon.
func labelOf(n ast.Node, src []byte, b *blockText) ([]byte, int, bool) {
	e, ok := n.(*ast.Emphasis)
	if !ok || e.Level != 2 {
		return nil, 0, false
	}
	stop := -1
	for c := e.LastChild(); c != nil; c = c.PreviousSibling() {
		if t, ok := c.(*ast.Text); ok {
			stop = t.Segment.Stop
			break
		}
	}
	if stop <= 0 {
		return nil, 0, false
	}
	after := stop
	for k := 0; k < 2 && after < len(src) && (src[after] == '*' || src[after] == '_'); k++ {
		after++
	}
	colonInside := src[stop-1] == ':'
	colonAfter := after < len(src) && src[after] == ':'
	if !colonInside && !colonAfter {
		return nil, 0, false // bold, not a label
	}
	b.reset()
	b.literal = true
	collectInline(e, src, b, nil)
	text := bytes.TrimSpace(b.buf)
	if colonInside {
		text = bytes.TrimSpace(bytes.TrimSuffix(text, []byte(":")))
	} else {
		after++
	}
	if len(text) == 0 || len(text) > 60 {
		return nil, 0, false
	}
	return text, after, true
}

// colonNearLineStart reports whether one of block n's lines has a colon
// within its first 64 bytes, where a label's colon stands.
func colonNearLineStart(n ast.Node, src []byte) bool {
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		v := seg.Value(src)
		if bytes.IndexByte(v[:min(len(v), 64)], ':') >= 0 {
			return true
		}
	}
	return false
}

// quotedBlock reports whether block n sits in a block quote: a quoted
// message's "Actions:" is not the postmortem's.
func quotedBlock(n ast.Node) bool {
	for p := n.Parent(); p != nil; p = p.Parent() {
		if _, ok := p.(*ast.Blockquote); ok {
			return true
		}
	}
	return false
}

// plainLabel returns the text of a plain-text label opening a line with
// text t ("User impact: …", or "User Impact:" alone): at most four words,
// the first capitalised, then a colon that ends the text or is followed by
// a space; and the body offset after the colon.
func plainLabel(t *ast.Text, src []byte) ([]byte, int, bool) {
	text := t.Segment.Value(src)
	colon := bytes.IndexByte(text, ':')
	if colon < 2 || colon > 40 || colon+1 < len(text) && text[colon+1] != ' ' || text[0] < 'A' || text[0] > 'Z' {
		return nil, 0, false
	}
	label := text[:colon]
	words := 0
	for _, c := range label {
		switch {
		case c == ' ':
			words++
		case !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '&' || c == '/'):
			return nil, 0, false
		}
	}
	if words > 3 {
		return nil, 0, false
	}
	return label, t.Segment.Start + colon + 1, true
}

func lineStartOf(src []byte, off int) int {
	return bytes.LastIndexByte(src[:min(off, len(src))], '\n') + 1
}

func lineEndOf(src []byte, off int) int {
	off = min(off, len(src))
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// sectionEnd is where heading i's section stops: the next heading of the
// same or a higher level.
func sectionEnd(heads []heading, i, bodyLen int) int {
	for j := i + 1; j < len(heads); j++ {
		if heads[j].level <= heads[i].level {
			return heads[j].start
		}
	}
	return bodyLen
}

// checkSections reports missing, empty and unfilled sections (required
// ones as errors, recommended ones as warnings), the timeline's timestamps
// and the action items; it returns the names of missing required sections.
func checkSections(doc *document, heads []heading, cfg Config, specs []SectionSpec, fs *findingSink, items *[]ActionItem) []string {
	missing := []string{}
	placeholders := make(map[string]bool, len(cfg.Placeholders))
	for _, p := range cfg.Placeholders {
		if n := normalizeName(p); n != "" {
			placeholders[n] = true
		}
	}
	body := doc.body()
	for si := range specs {
		spec := &specs[si]
		required := si < len(cfg.RequiredSections)
		sev, kind := SeverityError, "required"
		if !required {
			sev, kind = SeverityWarning, "recommended"
		}
		// The heading that names the section best: where it comes first
		// among the sections the heading names, then the earliest.
		// A real heading wins over a bold label ("**Action item:** …" in
		// the lessons does not stand for the "## Action Items" below).
		hi, rank := -1, 0
		for i := range heads {
			r := slices.Index(heads[i].specs, si)
			if r < 0 {
				continue
			}
			if hi < 0 || heads[hi].label && !heads[i].label || heads[hi].label == heads[i].label && r < rank {
				hi, rank = i, r
			}
		}
		if hi < 0 {
			if normalizeName(spec.Name) == "summary" && hasOpeningParagraph(doc, heads) {
				continue // the untitled opening paragraph is the summary
			}
			rule := RuleSectionMissing
			if required {
				missing = append(missing, spec.Name)
			} else {
				rule = RuleSectionRecommended
			}
			fs.addAbs(0, rule, sev, fmt.Sprintf("The %s section %q is missing%s.", kind, spec.Name, headingExamples(spec)),
				fmt.Sprintf("Add a \"## %s\" heading with its content.", spec.Name))
			continue
		}
		h := heads[hi]
		end := sectionEnd(heads, hi, len(body))
		raw := body[min(h.contentStart, end):end]
		switch sectionContent(raw, placeholders) {
		case contentEmpty:
			if len(heads[hi].specs) > 1 || hasSubsections(heads, hi) {
				break // a combined heading's content may sit in its subsections
			}
			fs.add(h.start, RuleSectionEmpty, sev, fmt.Sprintf("The section %s is empty.", quoteHeading(h.text, spec.Name)), "Fill in the section; comments do not count as content.")
			continue
		case contentPlaceholder:
			fs.add(h.start, RuleSectionPlaceholder, sev, fmt.Sprintf("The section %s still holds template placeholder text.", quoteHeading(h.text, spec.Name)), "Replace the prompt with what happened.")
			continue
		}
		switch normalizeName(spec.Name) {
		case "timeline":
			if !hasTimestamp(raw) {
				fs.add(h.start, RuleTimelineNoTime, sev, fmt.Sprintf("The timeline (%q) has no timestamped entry.", h.text), "Start entries with a time, such as 09:41 or 2026-03-04 09:41 UTC.")
			}
		case normalizeName(actionItemsName):
			got := parseActionItems(doc, h.contentStart, end, fs)
			if len(got) == 0 && !hasFindingAfter(fs, h.line, RuleActionItemBad) {
				fs.add(h.start, RuleActionItemsNone, sev, fmt.Sprintf("The action items section (%q) lists no action items: prose cannot be tracked, only list items and table rows.", h.text), "List each follow-up as a task: - [ ] What (owner: @login, due: YYYY-MM-DD).")
			}
			*items = append(*items, got...)
		}
	}
	return missing
}

// quoteHeading names a section by the heading its author wrote, and by the
// policy's name when they differ: "Customer Impact" (Impact).
func quoteHeading(heading, name string) string {
	if normalizeName(heading) == normalizeName(name) {
		return fmt.Sprintf("%q", heading)
	}
	return fmt.Sprintf("%q (%s)", heading, name)
}

// headingExamples lists a few accepted headings for a missing section.
func headingExamples(spec *SectionSpec) string {
	if len(spec.Aliases) == 0 {
		return ""
	}
	names := []string{fmt.Sprintf("%q", spec.Name)}
	for _, a := range spec.Aliases[:min(len(spec.Aliases), 3)] {
		names = append(names, fmt.Sprintf("%q", a))
	}
	return " (no heading such as " + strings.Join(names, ", ") + ")"
}

// hasSubsections reports whether heading i has deeper headings under it.
func hasSubsections(heads []heading, i int) bool {
	return i+1 < len(heads) && heads[i+1].level > heads[i].level
}

// hasOpeningParagraph reports whether prose comes before the first heading
// below the title: the untitled opening paragraph many postmortems start
// with, which is their summary.
func hasOpeningParagraph(doc *document, heads []heading) bool {
	body := doc.body()
	from, to := 0, len(body)
	k := 0
	if len(heads) > 0 && heads[0].level == 1 {
		from = heads[0].contentStart
		k = 1
	}
	if k < len(heads) {
		to = heads[k].start
	}
	if from >= to {
		return false
	}
	for n := doc.root.FirstChild(); n != nil; n = n.NextSibling() {
		if start := nodeStart(n); start >= from && start < to {
			if _, ok := n.(*ast.Paragraph); ok && len(bytes.Fields(stripComments(n.Lines().Value(body)))) >= 5 {
				return true
			}
		}
	}
	return false
}

func hasFindingAfter(fs *findingSink, line int, rule string) bool {
	for _, f := range fs.findings {
		if f.Rule == rule && f.Line >= line {
			return true
		}
	}
	return false
}

// judgeLanguage runs the language rules over prose outside code, quotes and
// HTML, and returns the HTML comments it met (for suppression directives).
func judgeLanguage(doc *document, heads []heading, rules []Rule, fs *findingSink) []htmlComment {
	m := newLanguageMatcher(rules)
	m.doc = doc.body()
	m.headingWords = map[string]bool{}
	for _, h := range heads {
		if !h.label {
			for w := range strings.FieldsSeq(h.key) {
				m.headingWords[w] = true
			}
		}
	}
	src := doc.body()
	var comments []htmlComment
	var b blockText
	// judged holds the judged text of every block, one after the other: a
	// strings.Builder never changes what it has written, so each block is
	// judged as a string without copying its bytes again.
	var judged strings.Builder
	if len(m.rules) > 0 {
		judged.Grow(len(src))
	}
	var bounds [][2]int
	var hits []languageHit
	headAt := make(map[ast.Node]int, len(heads))
	for k, h := range heads {
		headAt[h.node] = k
	}
	var stack []heading
	var sectionKeys []string
	enter := func(h heading) {
		for len(stack) > 0 && stack[len(stack)-1].level >= h.level {
			stack = stack[:len(stack)-1]
		}
		stack = append(stack, h)
		sectionKeys = sectionKeysOf(stack)
	}
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		// Headings are entered as their nodes are met; those never met
		// (inside a block quote, which is not judged) are passed over, so
		// a quoted heading cannot stand for the next one.
		switch n.(type) {
		case *ast.Heading, *ast.Paragraph, *ast.TextBlock, *east.Table:
			if k, ok := headAt[n]; ok {
				enter(heads[k])
			}
		}
		switch t := n.(type) {
		case *ast.Heading:
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			comments = append(comments, htmlBlockComment(t, src))
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.Blockquote:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *east.TableCell:
			b.reset()
			collectInline(n, src, &b, &comments)
			if len(m.rules) == 0 {
				return ast.WalkSkipChildren, nil
			}
			start := judged.Len()
			judged.Write(b.buf)
			textStr := judged.String()[start:]
			bounds = appendSentenceBounds(bounds[:0], textStr)
			m.prev = ""
			for _, sb := range bounds {
				hits = m.judge(textStr[sb[0]:sb[1]], sectionKeys, hits[:0])
				m.prev = textStr[sb[0]:sb[1]]
				for _, h := range hits {
					fs.add(b.srcOffset(sb[0]+h.start), h.rule.ID, h.rule.Severity, h.rule.Message, h.rule.Suggestion)
					last := &fs.findings[len(fs.findings)-1]
					last.EndLine, last.EndColumn = doc.position(b.srcOffset(sb[0] + h.end))
					last.Match = matchText(textStr[sb[0]+h.start : sb[0]+h.end])
					last.Person = h.person
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return comments
}

// matchText is a matched span as one line of bounded length.
func matchText(s string) string {
	if strings.ContainsAny(s, "\n\t\r") || strings.Contains(s, "  ") {
		s = strings.Join(strings.Fields(s), " ")
	}
	if len(s) > 120 {
		cut := 117
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// sectionKeysOf names the sections prose belongs to: those of the
// innermost heading that names a known section, else the innermost heading.
func sectionKeysOf(stack []heading) []string {
	for i := len(stack) - 1; i >= 0; i-- {
		if len(stack[i].specKeys) > 0 {
			return stack[i].specKeys
		}
	}
	return []string{stack[len(stack)-1].key}
}
