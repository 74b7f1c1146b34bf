package related

import "testing"

func TestCauseText(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"contributing factors, guidance dropped", "# Postmortem\n\n## Summary\n\nSum.\n\n## Contributing Factors\n\n<!--\nWhy did this happen?\n-->\n\nRetries had no budget.\n\n## Detection\n\nAn alert.\n",
			"Retries had no budget.\n"},
		{"root cause with a subsection", "## Root Cause\n\nThe pool ran dry.\n\n### Details\n\nOne connection per batch.\n\n## Impact\n\nMany.\n",
			"The pool ran dry.\nOne connection per batch.\n"},
		{"no cause section", "## Summary\n\nNothing here.\n", ""},
		{"a hash that is not a heading", "## Cause\n\n#hashtag stays\n", "#hashtag stays\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := CauseText(tc.in); got != tc.want {
				t.Errorf("CauseText = %q, want %q", got, tc.want)
			}
		})
	}
}
