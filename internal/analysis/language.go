package analysis

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// languageMatcher runs the compiled language rules over sentences.
type languageMatcher struct {
	rules    []*compiledRule
	index    map[string][]phraseRef // first lemma → phrases starting with it
	exact    map[string][]phraseRef // first word, as written → phrases starting with it exactly
	patterns []*compiledRule
	lastEnd  []int // per rule: end of its last match in the current sentence
	toks     []token
	keys     wordKeys              // word keys met so far, reused across sentences
	words    map[string]*wordEntry // per word key met so far: its lemma and the phrases it starts
	starts   []phraseStart         // the tokens of the current sentence that begin phrases
	// filter admits the words whose lemma a rule may need, first admits
	// the words that may begin a phrase (see lemmaFilter).
	filter, first lemmaFilter
	// doc is the text of the whole document, consulted for the words a
	// finding would name as a person (see ordinaryWord); ordinary caches
	// the answers.
	doc      []byte
	ordinary map[string]bool
	// headingWords are the words of the document's headings: "for the
	// reasons in Caveats below" names a section, not a person.
	headingWords map[string]bool
	// prev is the sentence judged before the current one in the same
	// block, "" at a block's start: what a pronoun may refer back to.
	prev string
}

// wordEntry is what the matcher knows of one word key, looked up once per
// token: its lemma and the phrases whose first word it is.
type wordEntry struct {
	lemma string
	refs  []phraseRef
}

// phraseStart is a token of a sentence and the phrases it may begin.
type phraseStart struct {
	i    int
	refs []phraseRef
}

type phraseRef struct {
	rule  *compiledRule
	words []string
}

func newLanguageMatcher(rules []Rule) *languageMatcher {
	m := &languageMatcher{rules: compileRules(rules), index: map[string][]phraseRef{}, exact: map[string][]phraseRef{}, keys: wordKeys{}, words: map[string]*wordEntry{}}
	needed := map[string]bool{}
	for _, r := range m.rules {
		if r.re != nil {
			m.patterns = append(m.patterns, r)
		}
		for _, words := range r.phrases {
			if w := words[0]; w[0] == '=' {
				// An exact first word is indexed as written: "had" must not
				// make every "has" and "have" a candidate.
				m.exact[w[1:]] = append(m.exact[w[1:]], phraseRef{rule: r, words: words})
				m.first.add(w[1:])
				for _, w := range words {
					needed[lemmaOfWord(w)] = true
				}
				continue
			}
			first := lemmaOfWord(words[0])
			m.index[first] = append(m.index[first], phraseRef{rule: r, words: words})
			m.first.add(first)
			for _, form := range irregularFormsOf()[first] {
				m.first.add(form)
			}
			for _, w := range words {
				needed[lemmaOfWord(w)] = true
			}
		}
		for _, words := range r.near {
			for _, w := range words {
				needed[lemmaOfWord(w)] = true
			}
		}
		for w := range r.followedBy {
			needed[w] = true
		}
		for w := range r.precededBy {
			needed[w] = true
		}
	}
	for w := range needed {
		m.filter.add(w)
	}
	for lemma, forms := range irregularFormsOf() {
		if needed[lemma] {
			for _, f := range forms {
				m.filter.add(f)
			}
		}
	}
	m.lastEnd = make([]int, len(m.rules))
	return m
}

// entry returns what the matcher knows of a word key, learning it once.
func (m *languageMatcher) entry(key string) *wordEntry {
	if e, ok := m.words[key]; ok {
		return e
	}
	l := lemmaOf(key)
	e := &wordEntry{lemma: l, refs: m.index[l]}
	if x := m.exact[key]; len(x) > 0 {
		e.refs = append(slices.Clip(e.refs), x...)
	}
	m.words[key] = e
	return e
}

// languageHit is one rule match: byte offsets within the sentence, and
// the words naming the person it is about, if the rule needs one.
type languageHit struct {
	rule       *compiledRule
	start, end int
	person     string
}

// personText is token p as written ("the on-call" keeps its role word
// only), or "" when p < 0.
func personText(toks []token, p int) string {
	if p < 0 {
		return ""
	}
	return toks[p].orig
}

// judge returns the rule matches in one sentence of the given sections
// (normalised section names; a heading may name several).
func (m *languageMatcher) judge(sentence string, sectionKeys []string, hits []languageHit) []languageHit {
	m.toks = appendTokens(m.toks[:0], sentence, m.keys)
	toks := m.toks
	if len(toks) == 0 {
		return hits
	}
	// Words that may begin a phrase are looked up first; the lemmas of the
	// other words a rule may need only when some phrase can start here.
	m.starts = m.starts[:0]
	for i := range toks {
		if k := toks[i].key; m.first.has(k) {
			e := m.entry(k)
			toks[i].lemma = e.lemma
			if len(e.refs) > 0 {
				m.starts = append(m.starts, phraseStart{i, e.refs})
			}
		}
	}
	if len(m.starts) == 0 && len(m.patterns) == 0 {
		return hits // no word of the sentence begins a phrase
	}
	for i := range toks {
		if k := toks[i].key; toks[i].lemma == "" && m.filter.has(k) {
			toks[i].lemma = m.entry(k).lemma
		}
	}
	for i := range m.lastEnd {
		m.lastEnd[i] = -1
	}
	for _, st := range m.starts {
		i := st.i
		for _, ref := range st.refs {
			end := i + len(ref.words)
			if end > len(toks) || !wordsMatch(toks[i:end], ref.words) {
				continue
			}
			if m.lastEnd[ref.rule.idx] > i || !ref.rule.appliesIn(sectionKeys) {
				continue
			}
			ok, p := ref.rule.contextAllows(sentence, toks, i, end)
			if !ok || !m.personStands(ref.rule, toks, p, sectionKeys) {
				continue
			}
			m.lastEnd[ref.rule.idx] = end
			hits = append(hits, languageHit{rule: ref.rule, start: int(toks[i].start), end: int(toks[end-1].end), person: personText(toks, p)})
		}
	}
	for _, r := range m.patterns {
		if !r.appliesIn(sectionKeys) || (r.mustContain != "" && !strings.Contains(sentence, r.mustContain)) {
			continue
		}
		for _, loc := range r.re.FindAllStringIndex(sentence, -1) {
			i, end := tokenSpan(toks, loc[0], loc[1])
			if i >= end {
				continue
			}
			ok, p := r.contextAllows(sentence, toks, i, end)
			if !ok || !m.personStands(r, toks, p, sectionKeys) {
				continue
			}
			hits = append(hits, languageHit{rule: r, start: loc[0], end: loc[1], person: personText(toks, p)})
		}
	}
	return hits
}

// personStands reports whether the person a match is about (token p, -1
// for none) still counts once the section and the whole document are
// known: a lone pronoun only where the rule lets one name a person, and no
// word the document uses as an ordinary word.
func (m *languageMatcher) personStands(r *compiledRule, toks []token, p int, sectionKeys []string) bool {
	if p < 0 {
		return true
	}
	if pronouns[toks[p].key] && (!r.pronounCounts(sectionKeys) || m.refersToThings(toks, p)) {
		return false
	}
	// A name written in a run of capitalised words ("Matt Hauff") holds no
	// ordinary word; a thing's name often does ("Chia Network", "Risk
	// Labs", "Climate Warehouse"), and a run of more than three is a
	// title or an organisation.
	from, to := capitalRun(toks, p)
	if to-from > 3 {
		return false
	}
	for k := from; k < to; k++ {
		if m.ordinaryWord(toks[k]) {
			return false
		}
	}
	return true
}

// outsiders are people a postmortem speaks of who are not its staff: a
// pronoun referring to them ("users would have been unable to run the
// tests if they upgraded") judges no one on the team.
var outsiders = setOf("users", "customers", "clients", "visitors", "subscribers", "players", "buyers", "readers",
	"user", "customer", "client", "visitor", "subscriber", "reporter", "reporters")

// pluralPronouns may refer to things as well as to people.
var pluralPronouns = setOf("they", "them", "their", "themselves")

// refersToThings reports whether plural pronoun p ("they", "them") can only
// refer to things or to outsiders: its sentence before it, or else the
// sentence before (in the same block), names no person of the staff but
// does name things or users in the plural ("the pods restarted because
// they ran out of memory", "users could not run the tests if they
// upgraded"). With no plural noun to refer to, "they" is taken as people,
// as it is in "they pushed without a review".
func (m *languageMatcher) refersToThings(toks []token, p int) bool {
	if !pluralPronouns[toks[p].key] {
		return false
	}
	// scan tells what a stretch of words offers a pronoun: a person of the
	// staff (+1), only things or outsiders in the plural (-1), or neither.
	scan := func(ts []token) int {
		found := 0
		for j := range ts {
			if pronouns[ts[j].key] {
				continue
			}
			if outsiders[ts[j].key] {
				found = -1 // users and customers are not the staff a rule judges
				continue
			}
			if isPerson(ts, j) {
				return 1
			}
			if pluralThing(ts[j], j == 0) {
				found = -1
			}
		}
		return found
	}
	// A pronoun refers to something close: its own sentence first (the
	// thirty words before it), then the end of the sentence before. The
	// window also bounds the work a long crafted sentence can cause.
	if v := scan(toks[max(p-referWindow, 0):p]); v != 0 {
		return v < 0
	}
	prev := m.prev
	if len(prev) > referWindow*8 {
		prev = prev[len(prev)-referWindow*8:]
		if k := strings.IndexByte(prev, ' '); k >= 0 {
			prev = prev[k+1:] // start at a word, not inside one
		}
	}
	return prev != "" && scan(tokenize(prev)) < 0
}

// referWindow is how many words back a pronoun is looked up.
const referWindow = 30

// pluralThing reports whether t is a lower-case plural noun that names no
// person: "pods", "accounts", "packages" (capitalised when it opens the
// sentence).
func pluralThing(t token, first bool) bool {
	k := t.key
	if len(k) < 4 || k[len(k)-1] != 's' || t.possessive || personWords[k] || strings.HasSuffix(k, "ss") || strings.HasSuffix(k, "us") || strings.HasSuffix(k, "is") || strings.HasSuffix(k, "'s") {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(t.orig); !unicode.IsLower(r) && !first {
		return false
	}
	return !functionWords[k] && !skipWords[k] && !negators[k]
}

// capitalRun returns the run [from, to) of capitalised words (nameWord),
// not parted by punctuation, that holds token p, looking at most four words
// either way; just p when p is not such a word.
func capitalRun(toks []token, p int) (int, int) {
	from, to := p, p+1
	if !nameWord(toks[p]) {
		return from, to
	}
	for from > 0 && p-from < 4 && !toks[from].breakBefore && nameWord(toks[from-1]) {
		from--
	}
	for to < len(toks) && to-p < 4 && !toks[to].breakBefore && !toks[to-1].possessive && nameWord(toks[to]) {
		to++
	}
	return from, to
}

// nameWord reports whether t is written as a name is: capitalised, not a
// role, a determiner or another word that is never a name.
func nameWord(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.orig)
	return unicode.IsUpper(r) && !personWords[t.key] && !notNames[t.key]
}

// ordinaryWord reports whether a capitalised word taken for a name is
// one the document also writes as an ordinary word: in lower case
// ("Applied untested changes" beside "applied"; "Sync" beside "rclone
// sync") or after an article ("the Komodo UI"). People's names are
// written neither way. Only words a finding would name are looked up,
// once each per document.
func (m *languageMatcher) ordinaryWord(t token) bool {
	if m.doc == nil || t.orig == "" || t.orig[0] == '@' || personWords[t.key] || pronouns[t.key] {
		return false
	}
	r, _ := utf8.DecodeRuneInString(t.orig)
	if !unicode.IsUpper(r) {
		// A lower-case possessive taken for a chat-style name ("pavel's
		// change") is a noun when the document writes it after an article
		// or in the plural ("the sender's account" beside "the senders").
		if !t.possessive {
			return false
		}
		return m.lookup("\x00"+t.key, func() bool { return writtenAsNoun(m.doc, t.key) })
	}
	if m.headingWords[t.key] {
		return true
	}
	return m.lookup(t.key, func() bool { return writtenAsOrdinary(m.doc, t.key) })
}

// lookup answers a question about the document once per key, and reads
// the document for at most maxOrdinaryLookups keys.
func (m *languageMatcher) lookup(key string, read func() bool) bool {
	if v, ok := m.ordinary[key]; ok {
		return v
	}
	if len(m.ordinary) >= maxOrdinaryLookups {
		return false // each lookup reads the document: a bounded number per document
	}
	v := read()
	if m.ordinary == nil {
		m.ordinary = map[string]bool{}
	}
	m.ordinary[key] = v
	return v
}

// writtenAsNoun reports whether doc holds key (lower case) after "the",
// "a" or "an", or with a plural "s": a common noun, not a name.
func writtenAsNoun(doc []byte, key string) bool {
	if key == "" {
		return false
	}
	return anyOccurrence(doc, []byte(key), func(i, end int) bool {
		if end < len(doc) && doc[end] == 's' && (end+1 == len(doc) || !isWordByte(doc[end+1])) {
			return true // "senders"
		}
		return (end == len(doc) || !isWordByte(doc[end])) && articleBefore(doc[:i])
	})
}

// anyOccurrence reports whether f holds for some occurrence [i, end) of w
// in doc that does not begin inside a word, trying them in order.
func anyOccurrence(doc, w []byte, f func(i, end int) bool) bool {
	for off := 0; off < len(doc); {
		i := bytes.Index(doc[off:], w)
		if i < 0 {
			return false
		}
		i += off
		end := i + len(w)
		off = end
		if i > 0 && isWordByte(doc[i-1]) {
			continue
		}
		if f(i, end) {
			return true
		}
	}
	return false
}

// maxOrdinaryLookups bounds the document scans of ordinaryWord: a
// crafted file naming thousands of distinct "people" costs at most this
// many reads of itself.
const maxOrdinaryLookups = 256

// writtenAsOrdinary reports whether doc holds key (lower case) as a whole
// word, or key capitalised where people's names do not stand: right after
// "the", "a" or "an", after a preposition of place or means ("in Infisical",
// "via Blockscout"), or before a version, an acronym, a system or a thing
// ("Traefik v2", "Amazon ECS", "Hellman Kubernetes cluster", "Komodo
// scheduler"). A name's possessive ("in Ingrid's branch") is no evidence.
func writtenAsOrdinary(doc []byte, key string) bool {
	if key == "" {
		return false
	}
	capital := []byte(key)
	r, n := utf8.DecodeRune(capital)
	capital = append([]byte(string(unicode.ToUpper(r))), capital[n:]...)
	for k, w := range [][]byte{[]byte(key), capital} {
		found := anyOccurrence(doc, w, func(i, end int) bool {
			if end < len(doc) && isWordByte(doc[end]) {
				return false
			}
			if k == 0 || articleBefore(doc[:i]) {
				return true // the word in lower case, or after an article
			}
			if end < len(doc) && (doc[end] == '\'' || bytes.HasPrefix(doc[end:], []byte("’"))) {
				return false // a possessive: "in Ingrid's branch"
			}
			return thingPrepositionBefore(doc[:i]) || thingAfter(doc[end:])
		})
		if found {
			return true
		}
	}
	return false
}

// thingPrepositions put a place or a means before a name: what follows is
// a system, not a person ("in Infisical", "via Blockscout", "posted on
// Twitter"). "With", "from" and "to" are left out: they come before people
// too, and so does "on" after the verbs in onPerson ("relied on Ingrid").
var thingPrepositions = setOf("in", "into", "onto", "via", "using", "inside", "within", "through", "on")

var onPerson = setOf("rely", "relied", "relies", "relying", "depend", "depends", "depended", "depending", "wait", "waited",
	"waiting", "waits", "focus", "focused", "blame", "blamed", "pressure", "call", "called", "calling", "calls", "count",
	"counted", "counting", "rest", "rested", "was", "is", "were", "are", "be", "been", "fell", "falls", "fall", "pin", "pinned",
	"lean", "leaned", "leant", "check", "checked", "checking", "weigh", "weighed", "burden", "pass", "passed", "dump", "dumped")

// thingPrepositionBefore reports whether text ends with one of
// thingPrepositions and a space.
func thingPrepositionBefore(text []byte) bool {
	w, rest, spaced := trailingWord(text)
	if !spaced || !thingPrepositions[string(w)] {
		return false
	}
	if string(w) == "on" {
		verb, _, _ := trailingWord(rest)
		return !onPerson[strings.ToLower(string(verb))]
	}
	return true
}

// thingNouns follow the name of a product or a company, never a person's:
// "the Komodo scheduler", "the Chia team", "Synology NAS".
var thingNouns = setOf("cluster", "clusters", "server", "servers", "service", "services", "api", "apis",
	"instance", "instances", "node", "nodes", "app", "apps", "application", "bot", "wallet", "wallets",
	"bridge", "network", "protocol", "platform", "library", "package", "packages", "repo", "repository",
	"project", "plugin", "extension", "sdk", "cli", "client", "gateway", "proxy", "database", "container",
	"containers", "pod", "pods", "image", "images", "version", "release", "releases", "dashboard",
	"integration", "webhook", "webhooks", "token", "tokens", "secrets", "account", "accounts", "team", "teams",
	"contract", "contracts", "chain", "mainnet", "testnet", "pool", "pools", "exchange", "feed", "logs",
	"metrics", "config", "configuration", "controller", "cache", "queue", "scheduler", "agent", "daemon",
	"runner", "runners", "workflow", "workflows", "site", "website", "ui", "console", "portal", "store",
	"support", "staff", "users", "customers", "engineers", "developers", "maintainers", "infrastructure",
	"deployment", "deployments", "stack", "tool", "tools", "module", "modules", "hosts", "host")

// thingAfter reports whether text, what follows a capitalised word,
// begins with a space and a version, an acronym, a system's name or one of
// thingNouns.
func thingAfter(text []byte) bool {
	if len(text) < 2 || text[0] != ' ' {
		return false
	}
	text = text[1:]
	n := 0
	for n < len(text) && (isWordByte(text[n]) || text[n] == '.' && n+1 < len(text) && isWordByte(text[n+1])) {
		n++
	}
	w := text[:n]
	if len(w) == 0 {
		return false
	}
	if (w[0] == 'v' || isDigit(w[0])) && bytes.ContainsFunc(w, func(r rune) bool { return r >= '0' && r <= '9' }) {
		return true // "Traefik v2", "Node 18.2"
	}
	upper := len(w) >= 2
	for _, c := range w {
		if c < 'A' || c > 'Z' {
			upper = false
			break
		}
	}
	if upper {
		return true // "Amazon ECS", "Synology NAS"
	}
	if w[0] >= 'A' && w[0] <= 'Z' {
		return systemNames[strings.ToLower(string(w))]
	}
	return thingNouns[string(w)]
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c >= 0x80
}

// articleBefore reports whether text ends with "the ", "a " or "an ".
func articleBefore(text []byte) bool {
	w, _, spaced := trailingWord(text)
	switch string(w) {
	case "the", "The", "a", "A", "an", "An":
		return spaced
	}
	return false
}

// trailingWord splits text, trailing spaces set aside, into its last word
// and what comes before it; spaced reports whether text ended with a space.
func trailingWord(text []byte) (word, rest []byte, spaced bool) {
	t := bytes.TrimRight(text, " ")
	k := len(t)
	for k > 0 && isWordByte(t[k-1]) {
		k--
	}
	return t[k:], t[:k], len(t) < len(text)
}

func wordsMatch(toks []token, words []string) bool {
	for k, w := range words {
		if w[0] == '=' {
			if toks[k].key != w[1:] {
				return false
			}
		} else if toks[k].lemma != w {
			return false
		}
		// A clause break inside a phrase ("should, have") is not the phrase.
		if k > 0 && toks[k].breakBefore {
			return false
		}
	}
	return true
}

// tokenSpan returns the tokens overlapping the byte range [from, to).
func tokenSpan(toks []token, from, to int) (int, int) {
	i := 0
	for i < len(toks) && int(toks[i].end) <= from {
		i++
	}
	end := i
	for end < len(toks) && int(toks[end].start) < to {
		end++
	}
	return i, end
}

// contextAllows applies the rule's word exceptions, nearby words, negation
// and subject requirement to a match covering tokens [i, end). It returns
// whether the match counts and the token of the person it is about (-1
// when the rule needs none).
func (c *compiledRule) contextAllows(sentence string, toks []token, i, end int) (bool, int) {
	for j := end; c.followedBy != nil && j < len(toks) && j < end+c.followedWithin && !toks[j].breakBefore; j++ {
		if c.followedBy[toks[j].lemma] {
			return false, -1
		}
	}
	if c.precededBy != nil && i > 0 && !toks[i].breakBefore && c.precededBy[toks[i-1].lemma] {
		return false, -1
	}
	if c.atClauseStart && !clauseStart(toks, i) {
		return false, -1
	}
	if quoted(sentence, toks, i, end) {
		return false, -1 // a word mentioned, not used: `we avoid "human error"`
	}
	if len(c.near) > 0 && !c.nearMatch(toks, i, end) {
		return false, -1
	}
	switch c.negation {
	case NegationBlock:
		if negatedBefore(toks, i) || negatedAfter(toks, end) {
			return false, -1
		}
		if (c.subject == "" || c.subject == SubjectAny) && conceded(toks, i, end) {
			return false, -1 // "While it can be put down to human error, the tooling …"
		}
	case NegationRequire:
		if !deniedBefore(toks, i) || abilityBefore(toks, i) {
			return false, -1 // "not all cases can be tested by QA" is a limit, not an omission
		}
	}
	if c.Counterfactual && (!counterfactualIn(toks, end) || indirectQuestion(toks, i)) {
		return false, -1
	}
	if titleCased(toks, i, end) {
		return false, -1 // "Use of a Broken or Risky Algorithm": the name of a thing
	}
	p := -1
	switch c.subject {
	case SubjectPerson:
		p = personSubject(toks, i)
		if p > 0 && !toks[p].breakBefore && causatives[toks[p-1].key] {
			p = -1 // "leading them to miss the cutoff": the system made them
		}
		if p > 0 && i == p+1 && !toks[p].breakBefore && haveVerbs[toks[p-1].key] && strings.HasSuffix(toks[i].key, "en") {
			p = -1 // "to have them taken down": they are what is acted on
		}
		if p >= 0 && objectOfGerund(toks, p) {
			p = -1 // "Blaming the on-call would miss the point"
		}
		if p >= 0 && passiveAt(toks, i, end) {
			p = -1 // "they were not checked": the subject was acted on, it did not omit
		}
	case SubjectPersonAfter:
		if gerundSubject(toks, i) {
			return false, -1 // "Telling people to be careful does not help"
		}
		if end < len(toks) && !toks[end].breakBefore && isGerund(toks[end].key) {
			return false, -1 // "identified the cause by engaging the teams": a means, not an agent
		}
		p = personAfter(toks, end)
		if p >= 0 && c.Category == "person-fault" && toks[p].possessive && !ownsWork(toks, p) {
			p = -1 // "triggered by Periphery's internal polling": a system's doing, not a person's work
		}
	case SubjectPersonPossessor:
		p = personPossessor(toks, i)
	case SubjectPersonInSentence:
		if c.PersonWithin > 0 {
			p = personWithin(toks, i, end, c.PersonWithin)
		} else {
			p = personInSentence(toks)
		}
	case SubjectPersonNext:
		if end-i == 1 && causeVerbs[toks[i].key] {
			return false, -1 // "a bug causing Fastly's layer to …": what follows was affected
		}
		p = personNext(toks, end)
		if p >= 0 && p+1 < len(toks) && !toks[p+1].breakBefore && toks[p+1].key == "to" {
			p = -1 // "caused Traefik to override": what was affected, not who caused it
		}
	default:
		return true, -1
	}
	if p >= 0 && c.DefinitePerson && indefinite(toks, p) {
		return false, -1
	}
	return p >= 0, p
}

// indefinite reports whether person token p is introduced by an indefinite
// determiner: "a person", "another developer", "any engineer".
func indefinite(toks []token, p int) bool {
	for k := p - 1; k >= 0 && k >= p-3; k-- {
		if toks[k+1].breakBefore {
			return false
		}
		switch toks[k].key {
		case "a", "an", "another", "any", "some", "second", "other":
			return true
		case "the", "this", "that", "our", "their", "his", "her", "its", "my", "your":
			return false
		}
	}
	return false
}

// causatives are verbs that make their object do something: the object
// did not choose it ("leading them to miss the cutoff").
var causatives = setOf("leading", "led", "lead", "leads", "causing", "caused", "forcing", "forced", "making", "made",
	"allowing", "allowed", "letting", "requiring", "required", "prompting", "prompted")

// haveVerbs make "have X done" causative.
var haveVerbs = setOf("have", "has", "had", "having", "get", "gets", "got", "getting")

// causeVerbs are "cause" as a verb: its object is what was affected.
var causeVerbs = setOf("caused", "causing", "causes")

// abilityBefore reports whether a modal of ability comes shortly before
// token i in the same clause ("can be tested by", "could not be reached by").
func abilityBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-5; j-- {
		if toks[j+1].breakBefore {
			return false
		}
		switch toks[j].key {
		case "can", "could", "cannot", "can't", "couldn't":
			return true
		}
	}
	return false
}

// counterfactualIn reports whether the sentence speaks of what did not
// happen: "had" in the clause after end, or "would/could/might have".
func counterfactualIn(toks []token, end int) bool {
	for j := end; j < len(toks); j++ {
		if j > end && toks[j].breakBefore {
			break
		}
		if toks[j].key == "had" || toks[j].key == "hadn't" {
			return true
		}
	}
	for j := 0; j+1 < len(toks); j++ {
		if toks[j+1].key == "happen" && (toks[j].key == "not" || toks[j].key == "never") {
			return true // "…, this not happen": the consequence that did not come
		}
		switch toks[j].key {
		case "would", "could", "might", "wouldn't", "couldn't", "should":
			n := toks[j+1].key
			if n == "not" && j+2 < len(toks) {
				n = toks[j+2].key
			}
			if n == "have" {
				return true
			}
		case "would've", "could've", "might've", "wouldn't've":
			return true
		}
	}
	return false
}

// concessives open a clause that grants what the sentence goes on to
// qualify.
var concessives = setOf("while", "whilst", "although", "though")

// conceded reports whether the match [i, end) lies in a concessive clause
// opening the sentence ("While it can be attributed to human error, it is
// wrong to focus on the individual"): a framing granted, then set aside.
// Rules about a person are not let off this way: a person's slip named in
// a concession is still named.
func conceded(toks []token, i, end int) bool {
	start := 0
	if len(toks) > 1 && toks[0].key == "even" {
		start = 1 // "even though", "even if"
	}
	if !concessives[toks[start].key] && !(start == 1 && toks[1].key == "if") {
		return false
	}
	for j := start + 1; j <= i; j++ {
		if toks[j].breakBefore {
			return false // the match is past the concessive clause
		}
	}
	for j := end; j < len(toks); j++ {
		if toks[j].breakBefore {
			return true // a main clause follows
		}
	}
	return false
}

// askVerbs put a question after them: "checks with the team if they had
// changed it" asks, it does not imagine.
var askVerbs = setOf("ask", "asks", "asked", "asking", "check", "checks", "checked", "checking", "verify",
	"verifies", "verified", "verifying", "confirm", "confirms", "confirmed", "confirming", "wonder", "wonders",
	"wondered", "wondering", "know", "knows", "knew", "see", "sees", "saw", "investigate", "investigated",
	"investigating", "determine", "determined", "question", "questioned", "unclear", "unsure", "sure", "whether")

// indirectQuestion reports whether "if" at token i asks rather than
// supposes: a verb of asking or checking comes shortly before it.
func indirectQuestion(toks []token, i int) bool {
	if toks[i].key != "if" {
		return false
	}
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		if askVerbs[toks[j].key] {
			return true
		}
		if toks[j+1].breakBefore && j < i-1 {
			break
		}
	}
	return false
}

// titleCased reports whether the match is written in title case inside a
// run of capitalised words, mid-sentence: "Use of a Broken or Risky
// Cryptographic Algorithm" names a weakness, it does not describe an act.
func titleCased(toks []token, i, end int) bool {
	if i == 0 || toks[i].breakBefore || !capitalised(toks[i]) {
		return false
	}
	for j := end; j < len(toks) && j <= end+1; j++ {
		if toks[j].breakBefore {
			break
		}
		if capitalised(toks[j]) {
			return true
		}
	}
	return capitalised(toks[i-1]) && !toks[i-1].breakBefore && i-1 > 0
}

func capitalised(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.orig)
	return unicode.IsUpper(r)
}

// passiveAt reports whether the match [i, end) is a negated passive verb
// group: a form of "be" right before it, "not" or "never" opening it and a
// past participle at its end ("they were not checked"), so its subject is
// what was left undone, not who left it.
func passiveAt(toks []token, i, end int) bool {
	if i == 0 || toks[i].breakBefore || !strings.HasSuffix(toks[end-1].key, "ed") {
		return false
	}
	if k := toks[i].key; k != "not" && k != "never" {
		return false
	}
	switch toks[i-1].key {
	case "was", "were", "is", "are", "be", "been", "being":
		return true
	}
	return false
}

// gerundSubject reports whether token i is a gerund opening its clause and
// the clause goes on to a verb of its own: the gerund phrase is a subject
// being discussed ("Retraining people would not have helped"), not an
// instruction or a fact about someone.
func gerundSubject(toks []token, i int) bool {
	if !clauseStart(toks, i) || len(toks[i].key) < 5 || !strings.HasSuffix(toks[i].key, "ing") {
		return false
	}
	for j := i + 1; j < len(toks) && !toks[j].breakBefore; j++ {
		if gerundVerbs[toks[j].key] {
			return true
		}
	}
	return false
}

var gerundVerbs = setOf("would", "wouldn't", "does", "doesn't", "did", "didn't", "is", "isn't", "was", "wasn't",
	"will", "won't", "can", "cannot", "can't", "makes", "made", "moves", "misses", "helps", "helped", "changes")

// objectOfGerund reports whether person token p is the object of a gerund
// that opens the clause ("Blaming the on-call would …").
func objectOfGerund(toks []token, p int) bool {
	for k := p - 1; k >= 0 && k >= p-3; k-- {
		if toks[k+1].breakBefore {
			return false
		}
		if gerundSubject(toks, k) {
			return true
		}
	}
	return false
}

// clauseStart reports whether token i begins a sentence or a clause,
// after any timestamp.
func clauseStart(toks []token, i int) bool {
	if i == 0 || toks[i].breakBefore {
		return true
	}
	switch toks[i-1].key {
	case "that", "but", "and", "because":
		return true
	}
	for j := 0; j < i; j++ {
		if !isDigit(toks[j].key[0]) {
			return false
		}
	}
	return true
}

// nearMatch reports whether one of the rule's near phrases occurs within
// nearWithin words of the match [i, end).
func (c *compiledRule) nearMatch(toks []token, i, end int) bool {
	from, to := max(i-c.nearWithin, 0), min(end+c.nearWithin, len(toks))
	if c.NearAfter {
		from = end
	}
	for j := from; j < to; j++ {
		if j >= i && j < end {
			continue
		}
		for _, words := range c.near {
			if j+len(words) <= len(toks) && wordsMatch(toks[j:j+len(words)], words) {
				return true
			}
		}
	}
	return false
}

// quoted reports whether the match is enclosed in quotation marks: words
// mentioned, not used (`we avoid the term "human error"`).
func quoted(sentence string, toks []token, i, end int) bool {
	s, e := int(toks[i].start), int(toks[end-1].end)
	if s > 0 && e < len(sentence) && isQuote(sentence[:s], true) && isQuote(sentence[e:], false) {
		return true
	}
	before := sentence[:s]
	if strings.Count(before, "“") > strings.Count(before, "”") {
		return true
	}
	return strings.Count(before, `"`)%2 == 1 && strings.Contains(sentence[e:], `"`)
}

func isQuote(s string, before bool) bool {
	for _, q := range []string{`"`, "“", "”", "'", "‘", "’"} {
		if before && strings.HasSuffix(s, q) || !before && strings.HasPrefix(s, q) {
			return true
		}
	}
	return false
}
