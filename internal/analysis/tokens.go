package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is one word of a sentence with its byte offsets in that sentence.
type token struct {
	// start and end are int32: sentences are far shorter than 2 GiB (a
	// document is bounded), and a smaller token is cheaper to fill.
	start, end int32
	orig       string // as written, possessive included
	key        string // lower-case, ’ as ', possessive 's stripped
	// lemma is set by the language matcher for words a rule may need
	// (lemmaOf(key)), and is "" for the others.
	lemma      string
	possessive bool
	// breakBefore marks punctuation (comma, colon, parenthesis, dash…)
	// between this token and the previous one: a clause boundary.
	breakBefore bool
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '_' || r == '-' || r == '\'' || r == '’' || r == '/'
}

// asciiWord is isWordRune for ASCII, as a table: the tokeniser's hot path.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		r := rune(c)
		t[c] = unicode.IsLetter(r) || unicode.IsDigit(r) || r == '@' || r == '_' || r == '-' || r == '\'' || r == '/'
	}
	return t
}()

// tokenize splits s into words. "09:41", "2.5" and "@org/team" stay whole.
func tokenize(s string) []token {
	return appendTokens(make([]token, 0, len(s)/6+1), s, nil)
}

// wordKeys remembers the keys of words that need lower-casing, so a long
// document builds each distinct key once instead of at every occurrence.
type wordKeys map[string]wordKeyed

type wordKeyed struct {
	key        string
	possessive bool
}

func (k wordKeys) of(w string) (string, bool) {
	if isPlainWord(w) {
		return w, false // what wordKey returns for it, without a second scan
	}
	if k == nil {
		return wordKey(w)
	}
	if e, ok := k[w]; ok {
		return e.key, e.possessive
	}
	key, poss := wordKey(w)
	k[w] = wordKeyed{key, poss}
	return key, poss
}

// appendTokens is tokenize reusing dst's storage; keys (may be nil) caches
// word keys.
func appendTokens(toks []token, s string, keys wordKeys) []token {
	brk := false
	i := 0
	for i < len(s) {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !isWordRune(r) {
			if r != ' ' && r != '\t' && r != '*' && r != '_' && r != '`' && r != '"' && r != '“' && r != '”' {
				brk = true
			}
			i += size
			continue
		}
		start := i
		for i < len(s) {
			if c := s[i]; c < utf8.RuneSelf {
				if asciiWord[c] {
					i++
					continue
				}
				r = rune(c)
			} else if r, size = utf8.DecodeRuneInString(s[i:]); isWordRune(r) {
				i += size
				continue
			}
			// Keep times and decimals together: 09:41, 2.5.
			if (r == ':' || r == '.') && i > start && i+1 < len(s) && isDigit(s[i-1]) && isDigit(s[i+1]) {
				i++
				continue
			}
			// A dot between letters keeps a host or file name one word:
			// "flutter.dev", "config.yaml", "node.js".
			if r == '.' && i > start && i+1 < len(s) && isLetterByte(s[i-1]) && isLetterByte(s[i+1]) {
				i++
				continue
			}
			break
		}
		ws, we := trimWord(s, start, i)
		if ws >= we {
			brk = true // a dash standing alone: "16:00 - Discovered that …"
			continue
		}
		word := s[ws:we]
		t := token{start: int32(ws), end: int32(we), orig: word, breakBefore: brk}
		brk = false
		t.key, t.possessive = keys.of(word)
		if ws == start+1 && s[start] == '-' && personWords[t.key] {
			// "-dev", "-admin": a flag or the end of a name, not a role.
			t.key = "-" + t.key
		}
		toks = append(toks, t)
	}
	return toks
}

// trimWord drops hyphens, apostrophes and slashes around s[start:end].
func trimWord(s string, start, end int) (int, int) {
	for start < end {
		if c := s[start]; c == '-' || c == '\'' || c == '/' {
			start++
		} else if strings.HasPrefix(s[start:end], "’") {
			start += len("’")
		} else {
			break
		}
	}
	for end > start {
		if c := s[end-1]; c == '-' || c == '\'' || c == '/' {
			end--
		} else if strings.HasSuffix(s[start:end], "’") {
			end -= len("’")
		} else {
			break
		}
	}
	return start, end
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

func isLetterByte(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }

// isPlainWord reports whether w is its own key before possessive
// stripping: ASCII without capitals or apostrophes.
func isPlainWord(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf || (c >= 'A' && c <= 'Z') || c == '\'' {
			return false
		}
	}
	return true
}

// wordKey lower-cases a word and strips a possessive ending.
func wordKey(w string) (string, bool) {
	key := w
	if !isPlainWord(w) {
		key = strings.ReplaceAll(strings.ToLower(w), "’", "'")
	}
	switch {
	case strings.HasSuffix(key, "'s") && len(key) > 2:
		return key[:len(key)-2], true
	case strings.HasSuffix(key, "s'") && len(key) > 2:
		return key[:len(key)-1], true
	}
	return key, false
}

// sentenceBounds splits paragraph text into sentences: [start,end) pairs.
func sentenceBounds(s string) [][2]int {
	return appendSentenceBounds(nil, s)
}

// appendSentenceBounds is sentenceBounds reusing out's storage.
func appendSentenceBounds(out [][2]int, s string) [][2]int {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\n' && s[i+1] != '\t' {
			continue
		}
		if c == '.' && isAbbreviation(s[start:i]) {
			continue
		}
		out = append(out, [2]int{start, i + 1})
		start = i + 1
	}
	if strings.TrimSpace(s[start:]) != "" {
		out = append(out, [2]int{start, len(s)})
	}
	return out
}

var abbreviations = map[string]bool{"e.g": true, "i.e": true, "etc": true, "vs": true, "approx": true, "mr": true, "ms": true, "dr": true, "cf": true, "no": true, "fig": true}

func isAbbreviation(before string) bool {
	j := len(before)
	for j > 0 && before[j-1] != ' ' {
		j--
	}
	w := before[j:]
	var lower [8]byte
	if len(w) <= len(lower) && isASCII(w) {
		// ASCII lower-casing is byte for byte: no string is built.
		for k := 0; k < len(w); k++ {
			c := w[k]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[k] = c
		}
		// One letter is an initial ("J. Smith"); one digit ends a number
		// ("… up to 2^64 - 1. However, …").
		return abbreviations[string(lower[:len(w)])] || len(w) == 1 && !isDigit(w[0])
	}
	w = strings.ToLower(w)
	return abbreviations[w] || (len(w) == 1 && w != "" && !isDigit(w[0]))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
