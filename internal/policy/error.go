package policy

import (
	"fmt"
	"strings"
)

// Error is a problem in a policy file, at a place a person can find.
type Error struct {
	// Repo is where the file was read, as "owner/name@ref"; "" for a local file.
	Repo   string
	File   string
	Line   int // 1-based; 0 when unknown
	Column int // 1-based; 0 when unknown
	// Key is the dotted path of the offending key, e.g. "check.mode" or
	// "check.required_sections[2].name"; "" when the problem is not one key's.
	Key     string
	Message string
}

// Error reads like a compiler's: "acme/shop@main:.github/postmortem.yml:12:3: check.mode: must be ...".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Repo != "" {
		b.WriteString(e.Repo)
		b.WriteByte(':')
	}
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}
