package analysis

import (
	"bytes"
	"sort"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown parses CommonMark with the GFM tables, task lists and
// strikethrough. Parsers keep no state between Parse calls. It is
// goldmark's default parser except that paragraphs without a "[" skip the
// link reference definition search (see linkRefTransformer).
var markdown = goldmark.New(
	goldmark.WithParser(parser.NewParser(
		parser.WithBlockParsers(parser.DefaultBlockParsers()...),
		parser.WithInlineParsers(parser.DefaultInlineParsers()...),
		parser.WithParagraphTransformers(util.Prioritized(linkRefTransformer{}, linkRefPriority)),
	)),
	goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList),
).Parser()

// linkRefPriority is the priority goldmark gives its link reference
// transformer in parser.DefaultParagraphTransformers.
const linkRefPriority = 100

// linkRefTransformer runs goldmark's link reference definition transformer
// only on paragraphs that contain a "[": a definition starts with one, and
// the search allocates a reader for every paragraph. The result is the same
// AST; a paragraph without lines still goes through (goldmark removes it).
type linkRefTransformer struct{}

func (linkRefTransformer) Transform(node *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := node.Lines()
	if lines.Len() > 0 {
		src := reader.Source()
		bracket := false
		for i := 0; i < lines.Len() && !bracket; i++ {
			seg := lines.At(i)
			bracket = bytes.IndexByte(src[seg.Start:seg.Stop], '[') >= 0
		}
		if !bracket {
			return
		}
	}
	parser.LinkReferenceParagraphTransformer.Transform(node, reader, pc)
}

// document is a parsed postmortem with the positions the checks need.
type document struct {
	src        []byte // the whole file
	base       int    // offset of the Markdown body (after front matter)
	root       ast.Node
	lineStarts []int
}

// parseDocument parses src, skipping YAML front matter. unclosed reports
// front matter that opens but never closes (then the whole file is parsed).
func parseDocument(src []byte) (doc *document, unclosed bool) {
	doc = &document{src: src, lineStarts: lineStarts(src)}
	base, unclosed := frontMatterEnd(src)
	doc.base = base
	doc.root = markdown.Parse(text.NewReader(src[base:]))
	return doc, unclosed
}

func lineStarts(src []byte) []int {
	starts := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// frontMatterEnd returns the body offset after "---" front matter.
func frontMatterEnd(src []byte) (int, bool) {
	if !bytes.HasPrefix(src, []byte("---\n")) && !bytes.HasPrefix(src, []byte("---\r\n")) {
		return 0, false
	}
	off := bytes.IndexByte(src, '\n') + 1
	yamlSeen := false
	for off < len(src) {
		end := bytes.IndexByte(src[off:], '\n')
		line := src[off:]
		next := len(src)
		if end >= 0 {
			line = src[off : off+end]
			next = off + end + 1
		}
		line = bytes.TrimRight(line, "\r ")
		if string(line) == "---" || string(line) == "..." {
			return next, false
		}
		if !yamlLine(line) {
			// Front matter that began as YAML and runs into Markdown was
			// never closed; a "---" followed by Markdown straight away is a
			// thematic break ("**Severity:** P2", "## Summary" are not YAML).
			if yamlSeen {
				return 0, true
			}
			return 0, false
		}
		if len(bytes.TrimSpace(line)) > 0 {
			yamlSeen = true
		} else if !yamlSeen {
			return 0, false // "---" then a blank line: a rule, not front matter
		}
		off = next
	}
	return 0, true
}

// yamlLine reports whether a line can belong to YAML front matter: blank,
// indented, a comment, a list item or "key: value".
func yamlLine(line []byte) bool {
	if len(bytes.TrimSpace(line)) == 0 || line[0] == ' ' || line[0] == '\t' {
		return true
	}
	if line[0] == '#' {
		return len(line) < 2 || line[1] != '#' // "## Summary" is a heading
	}
	if bytes.HasPrefix(line, []byte("- ")) || string(line) == "-" {
		return true
	}
	i := bytes.IndexByte(line, ':')
	if i <= 0 || i+1 < len(line) && line[i+1] != ' ' {
		return false
	}
	return !bytes.ContainsAny(line[:i], "*[]{}`<>")
}

// position turns a body offset into a 1-based line and character column.
func (d *document) position(bodyOff int) (line, col int) {
	return d.positionAbs(d.base + bodyOff)
}

func (d *document) positionAbs(off int) (line, col int) {
	off = min(max(off, 0), len(d.src))
	i := sort.Search(len(d.lineStarts), func(i int) bool { return d.lineStarts[i] > off }) - 1
	i = max(i, 0)
	return i + 1, utf8.RuneCount(d.src[d.lineStarts[i]:off]) + 1
}

// body is the Markdown the AST's segments point into.
func (d *document) body() []byte { return d.src[d.base:] }

// nodeStart is the body offset where a node's text begins, or -1.
func nodeStart(n ast.Node) int {
	switch t := n.(type) {
	case *ast.Text:
		return t.Segment.Start
	case *ast.RawHTML:
		if t.Segments.Len() > 0 {
			return t.Segments.At(0).Start
		}
	}
	if n.Type() == ast.TypeBlock {
		if l := n.Lines(); l != nil && l.Len() > 0 {
			return l.At(0).Start
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if s := nodeStart(c); s >= 0 {
			return s
		}
	}
	return -1
}

// blockText is the judged text of one block with a map back to the source.
type blockText struct {
	buf   []byte
	spans []span
	// literal keeps code spans and links as written (titles, table cells)
	// instead of neutral filler (judged prose).
	literal bool
}

type span struct{ buf, src, n int }

func (b *blockText) reset() {
	b.buf = b.buf[:0]
	b.spans = b.spans[:0]
}

func (b *blockText) add(p []byte, srcOff int) {
	b.spans = append(b.spans, span{buf: len(b.buf), src: srcOff, n: len(p)})
	b.buf = append(b.buf, p...)
}

// srcOffset maps a buffer offset back to a body offset.
func (b *blockText) srcOffset(bufOff int) int {
	i := sort.Search(len(b.spans), func(i int) bool { return b.spans[i].buf > bufOff }) - 1
	if i < 0 {
		return 0
	}
	s := b.spans[i]
	return s.src + min(bufOff-s.buf, s.n)
}

var (
	spaceByte = []byte{' '}
	codeWord  = []byte{'x'}
)

// collectInline appends the judged text of an inline subtree: code spans
// and raw HTML stand in as neutral filler, so quoted logs are not judged.
func collectInline(n ast.Node, src []byte, b *blockText, comments *[]htmlComment) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch t := c.(type) {
		case *ast.Text:
			b.add(t.Segment.Value(src), t.Segment.Start)
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.add(spaceByte, t.Segment.Stop)
			}
		case *ast.CodeSpan:
			if b.literal {
				collectInline(t, src, b, comments)
			} else {
				b.add(codeWord, max(nodeStart(t), 0))
			}
		case *ast.RawHTML:
			if comments != nil {
				*comments = append(*comments, rawHTMLComment(t, src))
			}
			b.add(spaceByte, max(nodeStart(t), 0))
		case *ast.AutoLink:
			if b.literal {
				b.add(t.Label(src), max(nodeStart(t), 0))
			} else {
				b.add(codeWord, max(nodeStart(t), 0))
			}
		case *east.TaskCheckBox:
		default:
			collectInline(c, src, b, comments)
		}
	}
}

// inlineString is the plain text of an inline subtree (headings, cells).
func inlineString(n ast.Node, src []byte) string {
	b := blockText{literal: true}
	collectInline(n, src, &b, nil)
	return string(bytes.TrimSpace(b.buf))
}
