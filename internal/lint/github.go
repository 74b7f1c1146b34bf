package lint

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

// writeGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's files.
func writeGitHub(w io.Writer, r *report) error {
	bw := bufio.NewWriter(w)
	for _, res := range r.results {
		for _, f := range res.Findings {
			msg := f.Message
			if f.Suggestion != "" {
				msg += "\n" + f.Suggestion
			}
			fmt.Fprintf(bw, "::%s file=%s,line=%d,col=%d,title=%s::%s\n", commandLevel(f.Severity),
				escapeProperty(f.File), f.Line, f.Column, escapeProperty(f.Rule), escapeData(msg))
		}
	}
	return bw.Flush()
}

func commandLevel(s analysis.Severity) string {
	switch s {
	case analysis.SeverityError:
		return "error"
	case analysis.SeverityWarning:
		return "warning"
	}
	return "notice"
}

var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string     { return dataEscaper.Replace(s) }
func escapeProperty(s string) string { return propertyEscaper.Replace(s) }
