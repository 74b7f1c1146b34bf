package draft

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
)

// A repository's own postmortem template is text from anyone with push
// access, so it runs restricted and under a budget: it may only use the
// incident's fields and the functions below, loop at most two levels deep
// over the incident's own lists, and write at most MaxDraftBytes in at most
// MaxRenderTime. docs/configuration.md lists these limits.
const (
	// MaxTemplateBytes bounds the template itself.
	MaxTemplateBytes = 64 << 10
	// MaxDraftBytes bounds the rendered draft, and every string a template
	// function builds on the way.
	MaxDraftBytes = 1 << 20
	// MaxRenderWrites bounds the pieces the template writes: its steps.
	MaxRenderWrites = 200_000
	// MaxRenderTime bounds one render.
	MaxRenderTime = 2 * time.Second
	// maxRangeDepth bounds nested range loops.
	maxRangeDepth = 2
)

// ErrBudget is wrapped by a render that ran out of its budget.
var ErrBudget = errors.New("the template exceeds the rendering budget")

// allowedIdentifiers are the functions a template may call: ours, and the
// built-ins that cannot loop or build large strings on their own.
var allowedIdentifiers = map[string]bool{
	"and": true, "or": true, "not": true, "len": true, "index": true, "slice": true,
	"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true,
}

// restrictTemplate checks a parsed template against the rules above; the
// message never quotes the template.
func restrictTemplate(t *template.Template, src string) error {
	if len(t.Templates()) > 1 {
		return fmt.Errorf("%w: {{define}} and {{block}} are not allowed", ErrBudget)
	}
	if t.Tree == nil {
		return nil
	}
	w := templateWalker{src: src}
	return w.walk(t.Tree.Root, 0)
}

// templateWalker visits a template's parse tree; src turns positions into lines.
type templateWalker struct{ src string }

func (w templateWalker) line(n parse.Node) int {
	pos := int(n.Position())
	if pos < 0 || pos > len(w.src) {
		return 0
	}
	return strings.Count(w.src[:pos], "\n") + 1
}

func (w templateWalker) walk(n parse.Node, ranges int) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := w.walk(c, ranges); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return w.walk(n.Pipe, ranges)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := w.walk(c, ranges); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if err := w.walk(a, ranges); err != nil {
				return err
			}
		}
	case *parse.IdentifierNode:
		if _, ours := templateFuncs[n.Ident]; !ours && !allowedIdentifiers[n.Ident] {
			return fmt.Errorf("%w: line %d calls a function templates may not use", ErrBudget, w.line(n))
		}
	case *parse.IfNode:
		return w.branch(&n.BranchNode, ranges)
	case *parse.WithNode:
		return w.branch(&n.BranchNode, ranges)
	case *parse.RangeNode:
		if ranges+1 > maxRangeDepth {
			return fmt.Errorf("%w: line %d nests {{range}} more than %d deep", ErrBudget, w.line(n), maxRangeDepth)
		}
		if !rangesOverData(n.Pipe) {
			return fmt.Errorf("%w: line %d ranges over something other than the incident's lists (.Labels, .Responders, .Timeline, .TimelineRows)", ErrBudget, w.line(n))
		}
		return w.branch(&n.BranchNode, ranges+1)
	case *parse.TemplateNode:
		return fmt.Errorf("%w: line %d uses {{template}}, which is not allowed", ErrBudget, w.line(n))
	case *parse.ChainNode:
		return w.walk(n.Node, ranges)
	}
	return nil
}

func (w templateWalker) branch(b *parse.BranchNode, ranges int) error {
	if err := w.walk(b.Pipe, ranges); err != nil {
		return err
	}
	if err := w.walk(b.List, ranges); err != nil {
		return err
	}
	if b.ElseList != nil {
		return w.walk(b.ElseList, ranges)
	}
	return nil
}

// rangesOverData is true for a range over a field or variable (the
// incident's lists are bounded by the policy), never over a number or a
// function's result.
func rangesOverData(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch p.Cmds[0].Args[0].(type) {
	case *parse.FieldNode, *parse.VariableNode, *parse.DotNode:
		return true
	}
	return false
}

// budgetWriter stops a render that writes too much, too often or too long,
// or whose context ends: text/template stops at the first failed write.
type budgetWriter struct {
	ctx      context.Context
	deadline time.Time
	b        strings.Builder
	writes   int
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	w.writes++
	switch {
	case w.b.Len()+len(p) > MaxDraftBytes:
		return 0, fmt.Errorf("%w: the draft would be over %d bytes", ErrBudget, MaxDraftBytes)
	case w.writes > MaxRenderWrites:
		return 0, fmt.Errorf("%w: over %d steps", ErrBudget, MaxRenderWrites)
	case w.writes%64 == 0 && time.Now().After(w.deadline):
		return 0, fmt.Errorf("%w: over %s", ErrBudget, MaxRenderTime)
	case w.writes%64 == 0 && w.ctx.Err() != nil:
		return 0, w.ctx.Err()
	}
	return w.b.Write(p)
}

// bounded fails a template function whose result would be over the budget,
// so chained functions cannot grow a string without limit.
func bounded(s string) (string, error) {
	if len(s) > MaxDraftBytes {
		return "", fmt.Errorf("%w: a value would be over %d bytes", ErrBudget, MaxDraftBytes)
	}
	return s, nil
}

// wideVerb is a printf verb with a width or precision over two digits, or
// one taken from an argument: "%0999999999d" would allocate a gigabyte.
var wideVerb = regexp.MustCompile(`%[-+# 0]*(\*|\d{3,}|\d*\.(\*|\d{3,}))`)

// boundedPrintf is printf for templates: narrow verbs, a bounded result.
func boundedPrintf(format string, args ...any) (string, error) {
	if wideVerb.MatchString(format) {
		return "", fmt.Errorf("%w: printf widths and precisions are limited to two digits", ErrBudget)
	}
	return bounded(fmt.Sprintf(format, args...))
}

// boundedPrint is print for templates, with a bounded result.
func boundedPrint(args ...any) (string, error) { return bounded(fmt.Sprint(args...)) }
