package lint

import (
	"bufio"
	"fmt"
	"io"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

// writeText prints one finding per line, the words it matched and its
// suggestion indented below, and a summary line.
func writeText(w io.Writer, r *report) error {
	bw := bufio.NewWriter(w)
	counts := map[analysis.Severity]int{}
	filesWith := 0
	for _, res := range r.results {
		if len(res.Findings) > 0 {
			filesWith++
		}
		for _, f := range res.Findings {
			counts[f.Severity]++
			fmt.Fprintf(bw, "%s:%d:%d %s %s: %s\n", f.File, f.Line, f.Column, f.Severity, f.Rule, f.Message)
			if m := f.Matched(); m != "" {
				fmt.Fprintf(bw, "    matched: %s\n", m)
			}
			if f.Suggestion != "" {
				fmt.Fprintf(bw, "    suggestion: %s\n", f.Suggestion)
			}
		}
	}
	total := counts[analysis.SeverityError] + counts[analysis.SeverityWarning] + counts[analysis.SeverityInfo]
	if total == 0 {
		fmt.Fprintf(bw, "no findings in %s\n", plural(len(r.results), "file"))
	} else {
		fmt.Fprintf(bw, "%s (%s, %s, %d info) in %d of %s\n", plural(total, "finding"),
			plural(counts[analysis.SeverityError], "error"), plural(counts[analysis.SeverityWarning], "warning"),
			counts[analysis.SeverityInfo], filesWith, plural(len(r.results), "file"))
	}
	return bw.Flush()
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
