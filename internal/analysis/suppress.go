package analysis

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark/ast"
)

// htmlComment is an HTML comment found in the document, by body offsets.
type htmlComment struct {
	text       string // without <!-- and -->
	start, end int
	isComment  bool
}

func rawHTMLComment(n *ast.RawHTML, src []byte) htmlComment {
	var buf []byte
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		buf = append(buf, seg.Value(src)...)
	}
	c := htmlComment{start: -1}
	if n.Segments.Len() > 0 {
		c.start = n.Segments.At(0).Start
		c.end = n.Segments.At(n.Segments.Len() - 1).Stop
	}
	return commentText(c, buf)
}

func htmlBlockComment(n *ast.HTMLBlock, src []byte) htmlComment {
	var buf []byte
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		buf = append(buf, seg.Value(src)...)
	}
	c := htmlComment{start: -1}
	if lines.Len() > 0 {
		c.start = lines.At(0).Start
		c.end = lines.At(lines.Len() - 1).Stop
	}
	if n.HasClosure() {
		buf = append(buf, n.ClosureLine.Value(src)...)
		c.end = n.ClosureLine.Stop
	}
	return commentText(c, buf)
}

func commentText(c htmlComment, raw []byte) htmlComment {
	t := bytes.TrimSpace(raw)
	if len(t) >= len("<!---->") && bytes.HasPrefix(t, []byte("<!--")) && bytes.HasSuffix(t, []byte("-->")) {
		c.isComment = true
		c.text = strings.TrimSpace(string(t[4 : len(t)-3]))
	}
	return c
}

// suppression silences rules over a range of lines; rules nil means all.
type suppression struct {
	from, to int
	rules    map[string]bool
}

// suppressions reads markdownlint-style directives:
//
//	<!-- postmortem-lint disable-next-line RULE... -->
//	<!-- postmortem-lint disable-line RULE... -->
//	<!-- postmortem-lint disable RULE... --> … <!-- postmortem-lint enable RULE... -->
func suppressions(d *document, comments []htmlComment) []suppression {
	var out []suppression
	type open struct {
		from  int
		rules map[string]bool
	}
	var opened []open
	lastLine := len(d.lineStarts)
	for _, c := range comments {
		if !c.isComment || c.start < 0 {
			continue
		}
		fields := strings.Fields(c.text)
		if len(fields) < 2 || fields[0] != "postmortem-lint" {
			continue
		}
		var rules map[string]bool
		if len(fields) > 2 {
			rules = setOf(fields[2:]...)
		}
		startLine, _ := d.position(c.start)
		endLine, _ := d.position(max(c.end-1, c.start))
		switch fields[1] {
		case "disable-next-line":
			next := d.nextNonBlankLine(endLine + 1)
			out = append(out, suppression{from: next, to: next, rules: rules})
		case "disable-line":
			out = append(out, suppression{from: startLine, to: endLine, rules: rules})
		case "disable":
			opened = append(opened, open{from: startLine, rules: rules})
		case "enable":
			kept := opened[:0]
			for _, o := range opened {
				if rules == nil || (o.rules != nil && subset(o.rules, rules)) {
					out = append(out, suppression{from: o.from, to: startLine, rules: o.rules})
					continue
				}
				if o.rules == nil {
					// Enabling any rule ends a blanket disable: rules are not
					// re-enabled one by one inside it.
					out = append(out, suppression{from: o.from, to: startLine, rules: nil})
					continue
				}
				kept = append(kept, o)
			}
			opened = kept
		}
	}
	for _, o := range opened {
		out = append(out, suppression{from: o.from, to: lastLine, rules: o.rules})
	}
	return out
}

func subset(a, b map[string]bool) bool {
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func (d *document) nextNonBlankLine(line int) int {
	for l := line; l <= len(d.lineStarts); l++ {
		start := d.lineStarts[l-1]
		end := len(d.src)
		if l < len(d.lineStarts) {
			end = d.lineStarts[l]
		}
		if len(bytes.TrimSpace(d.src[start:end])) > 0 {
			return l
		}
	}
	return line
}

func suppressed(f Finding, sups []suppression) bool {
	for _, s := range sups {
		if f.Line >= s.from && f.Line <= s.to && (s.rules == nil || s.rules[f.Rule]) {
			return true
		}
	}
	return false
}
