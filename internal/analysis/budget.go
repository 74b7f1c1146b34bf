package analysis

import (
	"bytes"
	"context"
	"fmt"
	"regexp/syntax"
	"time"
)

// The analysis budget. A postmortem comes from anyone who can open a pull
// request, and Markdown parsing is quadratic on some shapes (deeply nested
// quotes, thousands of unclosed link openers), so a file is screened before
// it is parsed and analysed under a deadline. docs/configuration.md lists
// these limits.
const (
	// MaxAnalysisTime is how long one file may take; a file that takes
	// longer gets a RuleTooComplex finding.
	MaxAnalysisTime = 5 * time.Second
	// MaxNesting bounds the block quote and list markers that open on one line.
	MaxNesting = 32
	// MaxUnclosedOpeners bounds the "[" and "(" left open in one paragraph.
	MaxUnclosedOpeners = 256
	// MaxPatternBytes bounds a rule's pattern as written.
	MaxPatternBytes = 512
	// MaxPatternInstructions bounds a rule's pattern once compiled.
	MaxPatternInstructions = 4000
)

// RuleTooComplex is the finding of a file the analysis will not attempt, or
// did not finish, within its budget.
const RuleTooComplex = "file-too-complex"

// Budget bounds one AnalyzeContext call. The zero value means the defaults.
type Budget struct {
	// Time is the most one file may take (MaxAnalysisTime when zero).
	Time time.Duration
}

// AnalyzeContext is Analyze under a budget: the file is screened for shapes
// the Markdown parser handles slowly, then analysed until the earlier of
// ctx's end and the budget's time. A file screened out or not finished in
// time gets a single RuleTooComplex finding ("too complex to analyse"); when
// ctx itself ends first, the same finding is returned with ctx.Err() so the
// caller can tell the job was stopped.
//
// Go cannot stop a running parse from outside; the parse goes on in the
// background after the deadline, which the screen keeps short.
func AnalyzeContext(ctx context.Context, file string, src []byte, cfg Config, b Budget) (Result, error) {
	if _, ok := checkFile(file, src); !ok {
		return Analyze(file, src, cfg), nil
	}
	if line, why := screen(src); why != "" {
		return tooComplex(file, line, why), nil
	}
	limit := b.Time
	if limit <= 0 {
		limit = MaxAnalysisTime
	}
	timer := time.NewTimer(limit)
	defer timer.Stop()
	done := make(chan Result, 1)
	go func() { done <- Analyze(file, src, cfg) }()
	select {
	case res := <-done:
		return res, nil
	case <-timer.C:
		return tooComplex(file, 1, fmt.Sprintf("its analysis did not finish within %s", limit)), nil
	case <-ctx.Done():
		return tooComplex(file, 1, "the review was stopped before its analysis finished"), ctx.Err()
	}
}

func tooComplex(file string, line int, why string) Result {
	res := Result{File: file, MissingSections: []string{}, Sections: []Section{}, ActionItems: []ActionItem{}}
	res.Findings = []Finding{{
		File: file, Line: line, Column: 1, Rule: RuleTooComplex, Severity: SeverityError,
		Message:    "The file is too complex to analyse: " + why + ".",
		Suggestion: fmt.Sprintf("Keep quotes and lists at most %d levels deep, close every link's brackets, and move logs or generated text out of the postmortem.", MaxNesting),
	}}
	return res
}

// screen looks for the shapes that make the Markdown parser slow, in one
// linear pass: too many block quote or list markers opening on one line,
// and too many "[" or "(" left unclosed in one paragraph. It returns the
// line of the first such place and why, or "" for a file it may parse.
func screen(src []byte) (int, string) {
	openSquare, openRound, paraLine := 0, 0, 1
	line := 0
	for rest := src; len(rest) > 0; {
		line++
		end := bytes.IndexByte(rest, '\n')
		var l []byte
		if end < 0 {
			l, rest = rest, nil
		} else {
			l, rest = rest[:end], rest[end+1:]
		}
		if len(bytes.TrimSpace(l)) == 0 {
			openSquare, openRound, paraLine = 0, 0, line+1
			continue
		}
		if n := containerMarkers(l); n > MaxNesting {
			return line, fmt.Sprintf("line %d opens %d nested quotes or lists (at most %d)", line, n, MaxNesting)
		}
		for _, c := range l {
			switch c {
			case '[':
				openSquare++
			case ']':
				openSquare = max(openSquare-1, 0)
			case '(':
				openRound++
			case ')':
				openRound = max(openRound-1, 0)
			}
		}
		if openSquare+openRound > MaxUnclosedOpeners {
			return paraLine, fmt.Sprintf("the paragraph from line %d leaves more than %d \"[\" or \"(\" unclosed", paraLine, MaxUnclosedOpeners)
		}
	}
	return 0, ""
}

// containerMarkers counts the block quote (">") and list ("-", "*", "+",
// "1." or "1)") markers at the start of a line, each with up to three spaces
// before it, as CommonMark nests them.
func containerMarkers(l []byte) int {
	n := 0
	for {
		i := 0
		for i < len(l) && i < 4 && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		l = l[i:]
		switch {
		case len(l) > 0 && l[0] == '>':
			l = l[1:]
		case len(l) > 1 && (l[0] == '-' || l[0] == '*' || l[0] == '+') && (l[1] == ' ' || l[1] == '\t'):
			l = l[2:]
		default:
			j := 0
			for j < len(l) && j < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j == 0 || j+1 >= len(l) || (l[j] != '.' && l[j] != ')') || (l[j+1] != ' ' && l[j+1] != '\t') {
				return n
			}
			l = l[j+2:]
		}
		n++
	}
}

// PatternTooLargeError is a rule pattern over the size limits.
type PatternTooLargeError struct {
	Bytes, Instructions int
}

func (e *PatternTooLargeError) Error() string {
	if e.Instructions > 0 {
		return fmt.Sprintf("compiles to %d instructions; a rule pattern may compile to at most %d", e.Instructions, MaxPatternInstructions)
	}
	return fmt.Sprintf("is %d bytes; a rule pattern may be at most %d", e.Bytes, MaxPatternBytes)
}

// CheckPattern parses a rule pattern as regexp.Compile does and bounds its
// size as written and compiled, so a user's pattern cannot make matching
// costly. It returns a *syntax.Error or a *PatternTooLargeError.
func CheckPattern(pattern string) error {
	if len(pattern) > MaxPatternBytes {
		return &PatternTooLargeError{Bytes: len(pattern)}
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return err
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return err
	}
	if len(prog.Inst) > MaxPatternInstructions {
		return &PatternTooLargeError{Instructions: len(prog.Inst)}
	}
	return nil
}
