package mention

import (
	"strings"
	"testing"
)

func TestNeutralise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"no mentions here", "no mentions here"},
		{"@ceo please look", "@\u200dceo please look"},
		{"cc @ceo @cto @acme/everyone", "cc @\u200dceo @\u200dcto @\u200dacme/everyone"},
		{"(@alice)", "(@\u200dalice)"},
		{"mail ops@example.com", "mail ops@example.com"},
		{"a lone @ sign", "a lone @ sign"},
		{"ends with @", "ends with @"},
		{"already @\u200dsafe", "already @\u200dsafe"},
	} {
		if got := Neutralise(tc.in); got != tc.want {
			t.Errorf("Neutralise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mentionAt reports whether GitHub would read a mention at s[i]: an "@"
// directly followed by a login character and not preceded by a word byte.
func mentionAt(s string, i int) bool {
	return s[i] == '@' && i+1 < len(s) && loginByte(s[i+1]) && (i == 0 || !wordByte(s[i-1]))
}

func FuzzNeutraliseLeavesNoMention(f *testing.F) {
	for _, s := range []string{"@a", "x@y", "@@a", "-@a", "@a/b @c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Neutralise(s)
		for i := range out {
			if mentionAt(out, i) {
				t.Fatalf("Neutralise(%q) = %q still mentions at %d", s, out, i)
			}
		}
		if strings.ReplaceAll(out, zwj, "") != strings.ReplaceAll(s, zwj, "") {
			t.Fatalf("Neutralise(%q) changed more than mentions: %q", s, out)
		}
	})
}
