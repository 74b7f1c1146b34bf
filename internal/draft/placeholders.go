package draft

import (
	"regexp"
	"strings"
)

var htmlComment = regexp.MustCompile(`(?s)<!--(.*?)-->`)

// Placeholders lists the prompt texts of a postmortem template: the body of
// every HTML comment, with whitespace collapsed to single spaces, in order and
// without repeats. Comments that contain template actions are left out, since
// their rendered text differs from the template. The analysis uses these to
// tell a section that still holds only its prompt from one the authors wrote.
func Placeholders(tmpl string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range htmlComment.FindAllStringSubmatch(tmpl, -1) {
		text := strings.Join(strings.Fields(m[1]), " ")
		if text == "" || strings.Contains(text, "{{") || seen[text] {
			continue
		}
		seen[text] = true
		out = append(out, text)
	}
	return out
}
