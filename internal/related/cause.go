package related

import (
	"regexp"
	"strings"
)

var (
	htmlComment  = regexp.MustCompile(`(?s)<!--.*?-->`)
	causeHeading = regexp.MustCompile(`(?i)cause|contributing|factor|why`)
)

// maxCauseBytes bounds the cause text kept from one postmortem.
const maxCauseBytes = 8 << 10

// CauseText is the text of a postmortem's cause sections (headings naming a
// cause, contributing factors or a why), without HTML comments (a
// template's guidance would make every postmortem look alike), bounded.
func CauseText(markdown string) string {
	if len(markdown) > maxTextBytes {
		markdown = markdown[:maxTextBytes]
	}
	markdown = htmlComment.ReplaceAllString(markdown, "")
	var b strings.Builder
	in, level := false, 0
	for _, line := range strings.Split(markdown, "\n") {
		if l := headingLevel(line); l > 0 {
			if in && l > level {
				continue // a subsection of a cause section: keep reading
			}
			in = causeHeading.MatchString(line)
			level = l
			continue
		}
		if in && strings.TrimSpace(line) != "" {
			b.WriteString(strings.TrimSpace(line))
			b.WriteByte('\n')
			if b.Len() > maxCauseBytes {
				break
			}
		}
	}
	out := b.String()
	if len(out) > maxCauseBytes {
		out = out[:maxCauseBytes]
	}
	return out
}

// headingLevel is the level of an ATX heading ("## x" is 2), 0 otherwise.
func headingLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || n >= len(line) || line[n] != ' ' {
		return 0
	}
	return n
}
