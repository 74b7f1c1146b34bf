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

// lemmaFilter admits a word for lemma lookup only when its first two bytes
// begin some lemma a rule mentions. Stemming and irregular forms keep the
// first two bytes of a word, so a word outside the filter matches nothing;
// most words of a long document are passed over without a lookup.
type lemmaFilter [1 << 16 / 64]uint64

func prefix2(w string) int {
	switch len(w) {
	case 0:
		return 0
	case 1:
		return int(w[0]) << 8
	}
	return int(w[0])<<8 | int(w[1])
}

func (f *lemmaFilter) add(w string)      { p := prefix2(w); f[p>>6] |= 1 << (p & 63) }
func (f *lemmaFilter) has(w string) bool { p := prefix2(w); return f[p>>6]&(1<<(p&63)) != 0 }

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
