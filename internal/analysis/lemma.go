package analysis

import (
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kljensen/snowball/english"
)

// Rules match words by lemma, so one phrase covers its inflections ("ignore"
// matches "ignored", "ignores", "ignoring"). The lemma is the Snowball
// English stem (github.com/kljensen/snowball); irregular verb forms, which a
// stemmer leaves alone, are first mapped to their base form.
var irregularForms = func() map[string]string {
	m := map[string]string{}
	for base, forms := range map[string]string{
		"break": "broke broken", "forget": "forgot forgotten", "run": "ran", "make": "made",
		"take": "took taken", "catch": "caught", "go": "went gone", "leave": "left", "err": "erred erring",
		"do": "did done", "have": "had has", "be": "was were is are been being am", "see": "saw seen",
		"know": "knew known", "think": "thought", "bring": "brought", "write": "wrote written",
		"get": "got gotten", "give": "gave given", "tell": "told", "throw": "threw thrown",
		"fall": "fell fallen", "mistake": "mistook mistaken", "override": "overrode overridden",
		"pay": "paid", "lose": "lost", "send": "sent", "build": "built", "drive": "drove driven",
		"sleep": "slept", "wake": "woke woken", "choose": "chose chosen", "begin": "began begun",
		"blow": "blew blown", "overtake": "overtook overtaken", "undo": "undid undone",
		"mislead": "misled", "misunderstand": "misunderstood", "understand": "understood",
		"fight": "fought", "hold": "held", "keep": "kept", "feel": "felt", "find": "found",
		"shake": "shook shaken", "swear": "swore sworn", "stand": "stood", "teach": "taught",
		"oversee": "oversaw overseen", "rewrite": "rewrote rewritten", "wreck": "wrecked",
	} {
		for f := range strings.FieldsSeq(forms) {
			m[f] = base
		}
	}
	return m
}()

// lemmaOf returns the lemma of a word key (already lower-case).
func lemmaOf(key string) string {
	if base, ok := irregularForms[key]; ok {
		key = base
	}
	// Negated auxiliaries keep their form: "didn't" is not "didn". Words
	// in -able/-ible keep theirs: "preventable" judges, "prevent" does not.
	if strings.ContainsAny(key, "'@0123456789") || strings.HasSuffix(key, "able") || strings.HasSuffix(key, "ible") {
		return key
	}
	return english.Stem(key, false)
}

// lemmaFilter admits a word for lemma lookup only when it may have the
// lemma of some rule word. Stemming keeps a word's first three bytes and
// never makes a word longer, with three kinds of exception: a final "y"
// becomes "i" ("cry" → "cri"), an "e" replaces "ing" after two letters
// ("using" → "use"), and the stemmer's listed words ("dying" → "die");
// irregular forms are added on their own. So a lemma of three bytes or more
// is filed under its first three bytes (a third-place "y" read as "i") with
// every length from its own up, a shorter one under its first bytes; a word
// outside the filter has no lemma a rule needs, and most words of a long
// document ("the", "and") are passed over without a lookup. Keys are hashed
// into bit sets; a collision only admits a word for a lookup that finds
// nothing. TestLemmaFilterAdmitsEveryWordARuleNeeds checks the promise.
type lemmaFilter struct {
	one   [256 / 64]uint64     // first bytes of one-byte lemmas
	short [1 << 16 / 64]uint64 // two-byte prefixes of two-byte lemmas
	long  [1 << 17 / 64]uint64 // hashed three-byte prefix and length
}

func prefix2(w string) int {
	switch len(w) {
	case 0:
		return 0
	case 1:
		return int(w[0]) << 8
	}
	return int(w[0])<<8 | int(w[1])
}

// maxLengthClass is the length from which words are filed together.
const maxLengthClass = 8

// prefix3 hashes the first three bytes of w (at least three long), with
// "y" and "i" alike in the third place, and a length into 17 bits.
func prefix3(w string, length int) int {
	c := w[2]
	if c == 'y' {
		c = 'i'
	}
	return (int(w[0])*0x9e37 ^ int(w[1])*0x85eb ^ int(c)*0xc2b3 ^ min(length, maxLengthClass)*0x27d4) & (1<<17 - 1)
}

// stemExceptions are words whose stem does not begin with their first
// three bytes: the stemmer's own special cases.
var stemExceptions = map[string][]string{"die": {"dying"}, "lie": {"lying"}, "tie": {"tying"}}

func (f *lemmaFilter) add(w string) {
	if len(w) == 1 {
		f.one[w[0]>>6] |= 1 << (w[0] & 63)
		return
	}
	if len(w) < 3 {
		p := prefix2(w)
		f.short[p>>6] |= 1 << (p & 63)
		return
	}
	for n := min(len(w), maxLengthClass); n <= maxLengthClass; n++ {
		p := prefix3(w, n)
		f.long[p>>6] |= 1 << (p & 63)
	}
	for _, x := range stemExceptions[w] {
		f.add(x)
	}
	if len(w) == 3 && w[2] == 'e' {
		f.add(w[:2] + "ing") // "using" → "use"
	}
}

func (f *lemmaFilter) has(w string) bool {
	if w == "" {
		return false
	}
	if f.one[w[0]>>6]&(1<<(w[0]&63)) != 0 {
		return true
	}
	p := prefix2(w)
	if f.short[p>>6]&(1<<(p&63)) != 0 {
		return true // a short lemma, which longer words can have too ("it" for "its")
	}
	if len(w) < 3 {
		return false
	}
	p = prefix3(w, len(w))
	return f.long[p>>6]&(1<<(p&63)) != 0
}

// ruleLemmas caches the lemmas of rule words across analyses: every
// Analyze compiles its rules, and stemming their ~1,000 words each time
// would cost more than judging a short postmortem. Rules are few; the cap
// only guards against a policy with an absurd number of added phrases.
var (
	ruleLemmas     sync.Map // word key → lemma
	ruleLemmaCount atomic.Int64
)

const ruleLemmaCap = 1 << 16

func ruleLemmaOf(key string) string {
	if l, ok := ruleLemmas.Load(key); ok {
		return l.(string)
	}
	l := lemmaOf(key)
	if ruleLemmaCount.Load() < ruleLemmaCap {
		if _, loaded := ruleLemmas.LoadOrStore(key, l); !loaded {
			ruleLemmaCount.Add(1)
		}
	}
	return l
}

// irregularFormsOf maps a lemma to the irregular forms that have it
// ("break" → broke, broken), for the matcher's word filters.
var irregularFormsOf = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for form, base := range irregularForms {
		l := lemmaOf(base)
		m[l] = append(m[l], form)
	}
	return m
})
