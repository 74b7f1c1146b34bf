package draft

import (
	"regexp"
	"strings"
)

var (
	htmlComment = regexp.MustCompile(`(?s)<!--(.*?)-->`)
	subHeading  = regexp.MustCompile(`(?m)^ {0,3}#{3,6}[ \t]+(.*?)[ \t#]*$`)
)

// Placeholders lists the prompt texts of a postmortem template, in order and
// without repeats, with whitespace collapsed to single spaces:
//   - the body of every HTML comment;
//   - the text of every sub-heading (### and deeper), because a section
//     holding only the sub-headings the template gave it is still unwritten.
//
// Texts containing template actions are left out, since they change when
// rendered. The analysis uses these to tell a section that still holds only
// its prompts from one the authors wrote.
func Placeholders(tmpl string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(raw string) {
		text := strings.Join(strings.Fields(raw), " ")
		if text == "" || strings.Contains(text, "{{") || seen[text] {
			return
		}
		seen[text] = true
		out = append(out, text)
	}
	for _, m := range htmlComment.FindAllStringSubmatch(tmpl, -1) {
		add(m[1])
	}
	withoutComments := htmlComment.ReplaceAllString(tmpl, "")
	for _, m := range subHeading.FindAllStringSubmatch(withoutComments, -1) {
		add(m[1])
	}
	return out
}
