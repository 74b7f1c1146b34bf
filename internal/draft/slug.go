package draft

import (
	"strings"
	"unicode"
)

// maxSlugLen bounds a slug so file and branch names stay readable.
const maxSlugLen = 60

// transliterations maps common accented and special letters to ASCII.
var transliterations = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ą': "a",
	'æ': "ae", 'ç': "c", 'ć': "c", 'č': "c", 'ď': "d", 'đ': "d", 'ð': "d",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ę': "e", 'ě': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ī': "i", 'ı': "i",
	'ł': "l", 'ñ': "n", 'ń': "n", 'ň': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o", 'ő': "o", 'œ': "oe",
	'ř': "r", 'ś': "s", 'š': "s", 'ş': "s", 'ß': "ss", 'ť': "t", 'ţ': "t", 'þ': "th",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ů': "u", 'ű': "u",
	'ý': "y", 'ÿ': "y", 'ž': "z", 'ź': "z", 'ż': "z",
	'&': " and ", '+': " plus ", '@': " at ",
}

// Slug turns an incident title into a file- and branch-safe name: lower-case
// ASCII letters and digits joined by single hyphens, at most 60 characters,
// cut at a word boundary. Common accented letters are transliterated; other
// characters separate words. A title with nothing usable gives "incident";
// Incident.FileNameData falls back to "incident-<number>" instead.
func Slug(title string) string {
	if s := slugOrEmpty(title); s != "" {
		return s
	}
	return "incident"
}

func slugOrEmpty(title string) string {
	var words []string
	var word strings.Builder
	flush := func() {
		if word.Len() > 0 {
			words = append(words, word.String())
			word.Reset()
		}
	}
	for _, r := range strings.ToLower(title) {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			word.WriteRune(r)
		case r == '\'' || r == '’':
			// "Couldn't" reads better as "couldnt" than "couldn-t".
		default:
			t, ok := transliterations[r]
			if !ok {
				flush()
				continue
			}
			for _, tr := range t {
				if tr == ' ' {
					flush()
				} else {
					word.WriteRune(tr)
				}
			}
		}
	}
	flush()

	var out strings.Builder
	for _, w := range words {
		if len(w) > maxSlugLen {
			w = w[:maxSlugLen]
		}
		extra := len(w)
		if out.Len() > 0 {
			extra++
		}
		if out.Len()+extra > maxSlugLen {
			break
		}
		if out.Len() > 0 {
			out.WriteByte('-')
		}
		out.WriteString(w)
	}
	return out.String()
}
