// Package mention keeps text copied from GitHub from notifying anyone when the
// app writes it somewhere that notifies (PR bodies, comments, issues, files).
package mention

import "strings"

// zwj is the zero-width joiner put after an "@": GitHub renders the text the
// same but no longer sees a mention of a user or team.
const zwj = "\u200d"

// Neutralise returns s with every "@login" or "@org/team" mention broken so it
// notifies nobody. Email addresses ("a@b.example") are left as they are, since
// GitHub does not read them as mentions.
func Neutralise(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		if c != '@' || i+1 >= len(s) || !loginByte(s[i+1]) {
			continue
		}
		if i > 0 && wordByte(s[i-1]) {
			continue // part of an address, not a mention
		}
		b.WriteString(zwj)
	}
	return b.String()
}

// Login returns "@login" for a login the app has validated as a user or team
// it may notify; it exists so that every deliberate mention is visible as one.
func Login(login string) string { return "@" + login }

func loginByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func wordByte(c byte) bool { return loginByte(c) || c == '_' || c == '.' || c == '-' }
