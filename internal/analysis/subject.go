package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Words that name a person or a role people hold. "we" is deliberately
// absent: a team reflecting on itself is not blaming someone. "nobody" is
// absent too: it negates ("nobody is to blame").
var personWords = setOf(
	"engineer", "engineers", "developer", "developers", "dev", "devs", "operator", "operators",
	"admin", "admins", "administrator", "administrators", "sre", "sres", "dba", "dbas",
	"on-call", "oncall", "on-caller", "on-callers", "reviewer", "reviewers", "author", "authors",
	"team", "teams", "lead", "leads", "manager", "managers", "commander", "intern", "interns",
	"contractor", "contractors", "responder", "responders", "he", "she", "they", "him", "her", "them",
	"someone", "somebody", "whoever", "person", "people", "ops", "qa", "staff",
	"employee", "employees", "colleague", "colleagues", "hire", "hires", "newbie", "analyst",
	"architect", "tester", "testers", "approver", "approvers", "owner", "owners",
	"anyone", "anybody", "deployer", "deployers", "guy", "guys", "folks", "juniors", "member",
	"members", "individual", "genius", "everyone", "everybody", "his", "himself", "herself",
	"themselves", "director", "supervisor", "ic", "dev-team",
)

// Capitalised words that are not people's names: sentence starters and
// the systems postmortems talk about.
var notNames = setOf(
	"the", "a", "an", "our", "their", "this", "that", "these", "those", "it", "its", "we", "i",
	"after", "during", "at", "when", "while", "because", "due", "if", "had", "root", "lesson",
	"lessons", "blame", "human", "incompetent", "clearly", "obviously", "of", "just", "simply",
	"once", "since", "before", "then", "there", "here", "in", "on", "for", "from", "by", "with",
	"as", "all", "both", "each", "every", "no", "nothing", "some", "many", "most", "several",
	"what", "where", "why", "how", "which", "who", "whoever", "customers", "users", "errors",
	"alerts", "alerting", "requests", "deploys", "logs", "metrics", "nodes", "pods", "traffic",
	"latency", "rollback", "rolling", "restarting", "reverting", "skipping", "having", "more",
	"capacity", "internal", "support", "monitoring", "connection", "timezone", "staging",
	"production", "error", "paging", "warnings", "manual", "responders", "autocomplete",
	"pairing", "clear", "document", "make", "add", "route", "show", "automate", "checkout",
	"jenkins", "kafka", "postgres", "postgresql", "redis", "terraform", "kubernetes", "k8s",
	"pagerduty", "helm", "github", "gitlab", "zoom", "slack", "aws", "gcp", "azure", "datadog",
	"grafana", "prometheus", "nginx", "envoy", "consul", "vault", "docker", "linux", "mysql",
	"elasticsearch", "cassandra", "argo", "argocd", "spinnaker", "cloudflare", "okta", "sentry",
	"opsgenie", "istio", "celery", "sidekiq", "rabbitmq", "etcd", "ansible", "chef", "puppet",
	"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "utc", "api", "ci", "cd", "dns", "tls",
	"nobody", "none", "not", "never", "rather", "instead", "any", "anything", "everything",
	"tl", "dr", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "cause", "reason", "step",
	"stack", "overflow", "git", "yaml", "json", "openssl", "ssl", "s3", "json", "sso", "sql",
	"cdn", "vpn", "jvm", "orm", "eu", "us", "europe", "japan", "owner", "type", "priority",
	"due", "impact", "summary", "timeline", "resolution", "action", "items", "next", "todo",
	"great", "nice", "thanks", "seriously", "honestly", "frankly", "sadly", "surely", "yet",
	"even", "also", "only", "one", "two", "three", "four", "five", "second", "third", "first",
	"yesterday", "today", "tomorrow", "fundamentally", "ultimately", "basically", "predictably",
	"naturally", "certain", "inexperienced", "engineer", "main", "primary", "single", "sole",
	"real", "underlying", "immediate", "direct", "key", "origin", "problem", "incident", "outage",
	"everyone", "everybody", "anyone", "whose", "remind", "tell", "retrain", "revoke", "remove",
	"put", "take", "give", "send", "note", "escalate", "review", "mandatory", "coach", "pair",
	"ban", "restrict", "terminate", "let", "fire", "name", "hold", "monitor", "demote", "discipline",
	"reprimand", "suspend", "assign", "issue", "require", "ensure", "be", "developers", "sorry",
	// Sentence adverbs and connectives open sentences; they name no one.
	"however", "furthermore", "moreover", "therefore", "thus", "meanwhile", "additionally",
	"unfortunately", "fortunately", "luckily", "initially", "eventually", "subsequently",
	"consequently", "overall", "later", "finally", "otherwise", "nevertheless", "nonetheless",
	"hence", "again", "specifically", "notably", "importantly", "currently", "previously",
	"recently", "also", "see", "note", "please", "analysis",
	// Capitalised as product terms ("the PyPI Organization", "a User").
	"organization", "organisation", "org", "project", "group", "company", "repository", "account", "user",
	// Programming languages and runtimes.
	"python", "java", "ruby", "rust", "golang", "node", "javascript", "typescript", "php", "perl", "kotlin",
	"scala", "elixir", "erlang", "haskell", "swift",
	// Severity and priority levels ("P1 High").
	"high", "medium", "low", "critical", "severe", "moderate",
	// Units written with a capital inside ("90 GiB").
	"kib", "mib", "gib", "tib", "kbps", "mbps", "gbps",
)

// Words the subject search steps over: determiners, auxiliaries, adverbs.
var skipWords = setOf(
	"the", "a", "an", "our", "their", "his", "its", "this", "that", "these", "those", "also",
	"then", "just", "simply", "never", "not", "really", "finally", "all", "both", "each",
	"entirely", "completely", "too", "so", "very", "still", "even", "again", "only", "apparently",
	"probably", "involved", "responsible", "was", "were", "is", "are", "be", "been", "being",
	"had", "has", "have", "did", "do", "does", "didn't", "doesn't", "wasn't", "weren't",
	"could", "should", "would", "will", "might", "may", "must", "can", "new", "junior", "senior",
	"same", "other", "already", "literally", "basically", "once", "always", "often", "yet",
	"on", "call", "duty", "who", "to", "need", "needs", "needed", "now", "from", "here",
	"of", "in", "charge", "shift", "support", "database", "data", "release", "platform",
	"network", "frontend", "backend", "mobile", "infra", "payments", "billing", "security",
	"incident", "first", "experienced", "whole", "entire", "one",
)

// pronouns name a person only by referring back to one.
var pronouns = setOf("he", "she", "they", "him", "her", "them", "his", "their", "himself", "herself", "themselves")

// pluralVerbs agree with a plural subject, never with one person's name.
var pluralVerbs = setOf("were", "are", "weren't", "aren't")

// pluralQuantifiers come before plural nouns, not before names.
var pluralQuantifiers = setOf("most", "many", "several", "few", "some", "all")

// determiners come before things and roles, not before a person's name.
var determiners = setOf("the", "a", "an", "this", "these", "those", "each", "every", "its", "our", "their",
	"your", "another", "any", "some", "no")

// functionWords are never a chat-style lower-case name: "found the root
// cause and applied a fix", "another root cause than seen before".
var functionWords = setOf("and", "or", "nor", "but", "than", "then", "as", "of", "for", "in", "on", "at", "to",
	"with", "from", "by", "into", "onto", "upon", "about", "over", "under", "after", "before", "since", "until",
	"which", "who", "whom", "what", "where", "when", "why", "how", "not", "also", "yet", "both", "either",
	"neither", "once", "later", "earlier", "already", "now", "here", "there", "it", "we", "they", "you")

// Words that end the clause the subject search looks in.
var clauseStops = setOf("because", "which", "when", "while", "since", "although", "though", "but", "so", "after", "before", "until", "once", "and", "whereas")

// Negations and contrasts: a rule match after one of these in the same
// clause is denied or contrasted, not asserted ("nobody is to blame",
// "rather than blame the reviewer", "we avoid the term").
var negators = setOf(
	"not", "no", "never", "nobody", "none", "neither", "nor", "cannot", "without", "rather",
	"instead", "avoid", "avoids", "avoided", "call", "calling", "called", "term", "unlike",
	"nothing", "hardly", "isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't",
	"won't", "wouldn't", "couldn't", "shouldn't", "can't", "hasn't", "haven't", "hadn't",
)

// Auxiliaries that, followed by "not", deny what came before: "human error
// was not a factor", "retraining would not have helped".
var negatingAux = setOf("was", "is", "were", "are", "would", "does", "will", "could", "has", "have")
var negatedAux = setOf("wasn't", "isn't", "weren't", "aren't", "wouldn't", "doesn't", "won't", "couldn't")

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// isPerson decides whether token j names a person: an @mention, a role
// word, "on call", a capitalised name that is not a known system, or a
// lower-case possessive that is not a thing ("pavel's change").
func isPerson(toks []token, j int) bool {
	t := toks[j]
	if t.orig[0] == '@' {
		return true // a user or a team of people
	}
	if personWords[t.key] {
		if (t.key == "lead" || t.key == "leads") && leadIsVerb(toks, j) {
			return false // "could lead to data corruption"
		}
		if productRoleWord(toks, j) {
			return false // "posted on Teams": a product named like a role
		}
		if !t.possessive && j+1 < len(toks) && !toks[j+1].breakBefore && roleThings[toks[j+1].key] {
			return false // "the admin role", "the on-call rotation"
		}
		// A tool named after a role is not a person: "the Kubernetes operator".
		return j == 0 || toks[j].breakBefore || !afterSystemName(toks[j-1])
	}
	if t.key == "call" && j > 0 && toks[j-1].key == "on" {
		return true
	}
	if looksLikeName(t) {
		if j > 0 && !t.breakBefore && afterSystemName(toks[j-1]) {
			return false // "GitHub Actions", "Stack Overflow"
		}
		if titleRun(toks, j) {
			return false // "the Ingress", "the Fast Forward issues", "see Root Cause Analysis"
		}
		if j > 0 && !t.breakBefore && pluralQuantifiers[toks[j-1].key] && strings.HasSuffix(t.key, "s") {
			return false // "most Binders would fail": a plural, not a name
		}
		if (j == 0 || t.breakBefore) && j+2 < len(toks) && toks[j+1].key == "to" && !toks[j+1].breakBefore && !baseVerbLike(toks[j+2]) {
			return false // "Changes to lazy-loaded extensions": a noun phrase, not "Kwame to attend training"
		}
		if j+1 < len(toks) && !toks[j+1].breakBefore && technicalName(toks[j+1].orig) {
			return false // "the Kyverno ClusterPolicy", "Traefik v2": part of a product's name
		}
		// A capitalised first word is often an ordinary word ("Sloppy
		// clocks", "Retrain the model"): at the start, a name is followed
		// by what a subject is followed by.
		// A gerund does not make a clause of a capitalised first word:
		// "Investigate missing metrics" is an instruction, not Investigate.
		followedByPredicate := j+1 < len(toks) && !toks[j+1].breakBefore && beginsPredicate(toks[j+1].key) && !isGerund(toks[j+1].key)
		if j+2 < len(toks) && (toks[j+1].key == "only" || isAdverb(toks[j+1].key)) && !toks[j+1].breakBefore && !toks[j+2].breakBefore {
			// "Kenji only had to look", "Omar blindly copied", not "Read
			// only snapshots".
			followedByPredicate = beginsPredicate(toks[j+2].key) && !isGerund(toks[j+2].key)
		}
		if (j == 0 || t.breakBefore) && !t.possessive && (adjectiveLike(t.key) || isGerund(t.key)) {
			return false // "Needless to say, …", "Testing caused a 403": an adjective or a gerund
		}
		if (j == 0 || t.breakBefore) && !t.possessive && strings.HasSuffix(t.key, "s") && j+1 < len(toks) && !toks[j+1].breakBefore && pluralVerbs[toks[j+1].key] {
			return false // "Keepers were removed": a plural noun, not a name
		}
		switch {
		case j == 0:
			return t.possessive || followedByPredicate
		case t.breakBefore:
			// After a colon or a dash a capital starts a phrase too:
			// "Cause: Simulated database failure" is no one.
			return t.possessive || followedByPredicate || !looksInflected(t.key)
		}
		return true
	}
	return t.possessive && lowerCaseName(toks, j)
}

// titleRun reports whether capitalised token j continues a run of
// capitalised words that opens with a determiner ("the Fast Forward
// issues") or holds an ordinary word written in title case ("see Root Cause
// Analysis"): the name of a thing or a heading, not of a person. A
// capitalised word opening the sentence or clause ("After Kwame pushed")
// does not count as title case.
func titleRun(toks []token, j int) bool {
	for k := j - 1; k >= 0; k-- {
		if toks[k+1].breakBefore {
			return false
		}
		if determiners[toks[k].key] {
			return true
		}
		r, _ := utf8.DecodeRuneInString(toks[k].orig)
		if !unicode.IsUpper(r) {
			return false
		}
		if notNames[toks[k].key] && k > 0 && !toks[k].breakBefore {
			return true
		}
	}
	return false
}

// baseVerbLike reports whether t can be the verb of "X to <verb>": not a
// participle, a gerund, a determiner, a number or a capitalised word.
func baseVerbLike(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.orig)
	if unicode.IsUpper(r) || isDigit(t.key[0]) || determiners[t.key] {
		return false
	}
	return !strings.HasSuffix(t.key, "ed") && !isGerund(t.key)
}

// leadIsVerb reports whether "lead" at j is the verb: followed by "to", or
// after a modal or "to" ("could lead", "will lead", "to lead").
func leadIsVerb(toks []token, j int) bool {
	if j+1 < len(toks) && !toks[j+1].breakBefore && toks[j+1].key == "to" {
		return true
	}
	if j > 0 && !toks[j].breakBefore {
		switch toks[j-1].key {
		case "could", "can", "would", "will", "may", "might", "to", "should", "must", "which", "that", "and":
			return true
		}
	}
	return false
}

// afterSystemName reports whether t is a capitalised system name such as
// "Kubernetes" or "GitHub".
func afterSystemName(t token) bool {
	r, _ := utf8.DecodeRuneInString(t.orig)
	if !unicode.IsUpper(r) {
		return false
	}
	return systemNames[t.key]
}

// systemNames are the systems postmortems name that have roles of their
// own ("the Kubernetes operator", "GitHub Actions").
var systemNames = setOf("jenkins", "kafka", "postgres", "postgresql", "redis", "terraform", "kubernetes", "k8s",
	"pagerduty", "helm", "github", "gitlab", "zoom", "slack", "aws", "gcp", "azure", "datadog",
	"grafana", "prometheus", "nginx", "envoy", "consul", "vault", "docker", "linux", "mysql",
	"elasticsearch", "cassandra", "argo", "argocd", "spinnaker", "cloudflare", "okta", "sentry",
	"opsgenie", "istio", "celery", "sidekiq", "rabbitmq", "etcd", "ansible", "chef", "puppet", "stack")

// roleThings are nouns a role word can modify without naming a person:
// "the admin role", "the on-call rotation".
var roleThings = setOf("role", "roles", "account", "accounts", "rights", "access", "console", "panel", "api",
	"endpoint", "tool", "tools", "ui", "page", "key", "keys", "password", "credentials", "rotation", "rotations",
	"schedule", "load", "channel", "phone", "app", "handover", "notes", "runbook", "calendar", "policy", "process",
	"dashboard", "training", "shift", "shifts", "setup", "mode", "user", "users", "loop", "pager")

// predicateStarts are words that follow a sentence's subject.
var predicateStarts = setOf("should", "could", "would", "must", "might", "will", "can", "was", "is", "were",
	"are", "has", "had", "have", "did", "didn't", "doesn't", "wasn't", "never", "always", "just", "simply",
	"to", "and", "keeps", "needs", "made", "also", "then", "finally", "again", "still", "ran", "broke",
	"took", "forgot", "put", "let", "set", "hit", "cut", "got", "left", "wrote", "went", "saw", "knew", "thought",
	"does", "do", "shouldn't", "couldn't", "wouldn't", "won't", "may", "already", "literally", "clearly",
	"obviously", "apparently", "accidentally", "mistakenly", "tests", "pushes", "deploys", "breaks", "ignores",
	"forgets", "skips", "misses", "merges")

func beginsPredicate(w string) bool {
	return predicateStarts[w] || isPastOrGerund(w)
}

// workNouns are things a person makes whose fault, when they are the
// subject, is the person's: "Ingrid's migration broke logins".
var workNouns = setOf("change", "changes", "commit", "commits", "deploy", "deployment", "migration", "script", "hotfix",
	"fix", "push", "pr", "rollout", "config", "edit", "refactor", "query", "bundle", "typo", "command", "merge",
	"release", "restart", "rollback", "decision", "patch", "code", "update", "upgrade", "cron", "job", "work", "mistake")

func looksLikeName(t token) bool {
	r, n := utf8.DecodeRuneInString(t.orig)
	if !unicode.IsUpper(r) || n >= len(t.orig) {
		return false
	}
	r2, _ := utf8.DecodeRuneInString(t.orig[n:])
	if !unicode.IsLower(r2) {
		return false // acronyms like DNS or API are systems
	}
	if technicalName(t.orig) {
		return false // CoreDNS, TopShelf, Log4J: products, not people
	}
	return !notNames[t.key]
}

// technicalName reports whether a word is written the way products and
// identifiers are and people's names are not: with a digit ("Log4J",
// "v2") or a capital inside a word after three or more lower-case
// letters ("CoreDNS", "ClusterPolicy"). Names such as McNeil, DeShawn or
// MacKenzie keep their short prefixes.
func technicalName(w string) bool {
	lowerRun := 0
	prevUpper, seenLower := false, false
	for i, r := range w {
		switch {
		case r == '\'' || r == '’':
			return false // the possessive ending and what follows
		case unicode.IsDigit(r):
			return true
		case unicode.IsUpper(r):
			if i > 0 && lowerRun >= 2 && !strings.HasPrefix(w, "Mac") {
				return true
			}
			if prevUpper && seenLower {
				return true // "PyPI", "MySQL": capitals together after a lower-case letter
			}
			lowerRun = 0
		case unicode.IsLower(r):
			lowerRun++
			seenLower = true
		}
		prevUpper = unicode.IsUpper(r)
	}
	return false
}

// productRoleWord reports whether role word j is written as a product's
// name: capitalised inside a sentence after a preposition ("posted on
// Teams", "asked in Support"), where a role would take a determiner.
func productRoleWord(toks []token, j int) bool {
	r, _ := utf8.DecodeRuneInString(toks[j].orig)
	if j == 0 || toks[j].breakBefore || !unicode.IsUpper(r) {
		return false
	}
	switch toks[j-1].key {
	case "on", "in", "via", "over", "through", "using":
		return true
	}
	return false
}

// adjectiveLike reports whether w ends as English adjectives do and
// people's names do not: "needless", "careful", "previous".
func adjectiveLike(w string) bool {
	return len(w) > 5 && (strings.HasSuffix(w, "less") || strings.HasSuffix(w, "ful") || strings.HasSuffix(w, "ous"))
}

func isGerund(w string) bool {
	return len(w) > 4 && strings.HasSuffix(w, "ing")
}

func looksInflected(w string) bool {
	for _, suf := range []string{"ing", "ed", "ly", "tion", "ment", "ness", "ers", "ies"} {
		if strings.HasSuffix(w, suf) {
			return true
		}
	}
	return false
}

// thingOwners are lower-case possessors that are not people.
var thingOwners = setOf("today", "yesterday", "tomorrow", "week", "month", "year", "night", "day",
	"service", "system", "cluster", "library", "config", "certificate", "provider", "app", "tool",
	"customer", "customers", "user", "users", "client", "server", "job", "node", "database",
	"company", "vendor", "it", "one", "other", "each", "who", "that", "what", "else")

var nameLeaders = setOf("of", "to", "by", "with", "was", "is", "that", "because", "from", "for", "on", "and",
	"but", "blame", "after", "revoke", "remove", "monitor", "watch", "so")

// lowerCaseName reports whether lower-case possessive token j is a name, as
// chat-style writing has them: not after a determiner, not a thing.
func lowerCaseName(toks []token, j int) bool {
	t := toks[j]
	if thingOwners[t.key] || notNames[t.key] || len(t.key) < 3 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(t.orig); !unicode.IsLower(r) {
		return false // capitalised, and not a name by looksLikeName: "DefiLlama's", "AWS's"
	}
	// A name stands at the start of a clause or after a preposition or
	// verb, not after a determiner or adjective ("the previous version's").
	return j == 0 || t.breakBefore || nameLeaders[toks[j-1].key] || isDigit(toks[j-1].key[0])
}

// personSubject reports whether the subject of the phrase starting at token
// i is a person: the nearest content word before it in the same clause, or
// the word a "who" clause hangs on ("the engineer who wrote it forgot").
func personSubject(toks []token, i int) int {
	for j := i - 1; j >= 0; j-- {
		if toks[j+1].breakBefore || clauseStops[toks[j].key] {
			break
		}
		if toks[j].key == "who" {
			return nearestPerson(toks, j)
		}
	}
	return nearestPerson(toks, i)
}

func nearestPerson(toks []token, i int) int {
	for j := i - 1; j >= 0; j-- {
		if toks[j+1].breakBefore || clauseStops[toks[j].key] {
			return -1
		}
		if isPerson(toks, j) {
			return j
		}
		if skipWords[toks[j].key] || isAdverb(toks[j].key) || isDigit(toks[j].key[0]) {
			continue
		}
		// A person's work as the subject: "Ingrid's migration broke logins".
		if !workNouns[toks[j].key] {
			return -1
		}
		for k := j - 1; k >= 0 && k >= j-2; k-- {
			if toks[k+1].breakBefore {
				break
			}
			if toks[k].possessive {
				return personAt(toks, k)
			}
		}
		return -1
	}
	return -1
}

// personAt is k when token k names a person, else -1.
func personAt(toks []token, k int) int {
	if isPerson(toks, k) {
		return k
	}
	return -1
}

func isAdverb(w string) bool {
	return len(w) > 4 && w[len(w)-2:] == "ly"
}

// personAfter reports whether a person follows the match within a few
// words of the same clause ("caused by the product manager").
func personAfter(toks []token, end int) int {
	for j := end; j < len(toks) && j < end+5; j++ {
		if j > end && toks[j].breakBefore {
			return -1
		}
		if isPerson(toks, j) {
			return j
		}
	}
	return -1
}

// ownsWork reports whether possessive token j is followed, within three
// words, by a person's work ("Kwame's change", "the intern's script").
func ownsWork(toks []token, j int) bool {
	for k := j + 1; k < len(toks) && k <= j+3; k++ {
		if toks[k].breakBefore {
			return false
		}
		if workNouns[toks[k].key] {
			return true
		}
	}
	return false
}

// personNext reports whether the first content word after the match names
// a person or a person's thing ("root cause: Kwame pushed", "the root cause
// was the DBA's script"), stepping over copulas, "that" and determiners.
// Right after the match, a lower-case word followed by a past form is read
// as a chat-style name ("root cause: aisha force-pushed").
func personNext(toks []token, end int) int {
	steppedDeterminer := false
	for j := end; j < len(toks) && j < end+6; j++ {
		k := toks[j].key
		switch k {
		case "was", "is", "were", "are", "that", "simply", "just", "really", "clearly", "obviously", "basically", "be":
			continue
		case "the", "a", "an", "our", "one", "some", "this", "single", "new", "certain", "its", "their", "his", "her", "my", "your",
			"both", "all", "each", "every", "several", "many", "most", "few", "two", "three", "these", "those":
			steppedDeterminer = true
			continue
		}
		if isPerson(toks, j) {
			if capitalisedModifier(toks, j) || listOfNouns(toks, j) {
				return -1 // "Cause of Recheck tx failures", "Root causes: Haste, poor communication"
			}
			return j
		}
		if k == "not" || k == "never" || k == "no" {
			return -1
		}
		if skipWords[k] {
			continue // "the release manager", "the on-call engineer"
		}
		if j+1 < len(toks) && toks[j+1].possessive && !toks[j+1].breakBefore && isPerson(toks, j+1) {
			return j + 1 // "the on-call engineer's", "the intern's"
		}
		if !steppedDeterminer && !notNames[k] && !thingOwners[k] && !skipWords[k] && j+1 < len(toks) && !toks[j+1].breakBefore && isPastOrGerund(toks[j+1].key) {
			r, _ := utf8.DecodeRuneInString(toks[j].orig)
			// A name before a past form or a gerund makes a clause ("aisha
			// pushed", "bongani running the script"); a plural noun before a
			// gerund ("problems signing in") or a derived noun
			// ("investigation started") does not name anyone.
			if unicode.IsLower(r) && len(k) > 2 && !isDigit(k[0]) && !looksInflected(k) && !functionWords[k] && !isIrregularForm(k) && !(isGerund(toks[j+1].key) && (strings.HasSuffix(k, "s") || !opensObject(toks, j+2))) && !compoundParticiples[toks[j+1].key] {
				return j
			}
			return -1
		}
		return -1
	}
	return -1
}

// modifiedAfter are prepositions after which a name before a noun
// modifies it: "cause of Recheck tx failures".
var modifiedAfter = setOf("of", "for", "in", "on", "with", "from")

// capitalisedModifier reports whether capitalised token j, after one of
// modifiedAfter, stands before a lower-case word that neither begins a
// predicate nor is a function word: the name modifies a noun ("Recheck tx
// failures", "Komodo deploy queue"), as a product's name does; a person's
// name after "root cause" stands alone or before what they did.
func capitalisedModifier(toks []token, j int) bool {
	r, _ := utf8.DecodeRuneInString(toks[j].orig)
	if !unicode.IsUpper(r) || toks[j].possessive || personWords[toks[j].key] || j+1 >= len(toks) || toks[j+1].breakBefore {
		return false
	}
	if j == 0 || toks[j].breakBefore || !modifiedAfter[toks[j-1].key] {
		return false // "that Giorgos deploy wrong version": a clause, in non-native English
	}
	n := toks[j+1]
	r, _ = utf8.DecodeRuneInString(n.orig)
	if !unicode.IsLower(r) || functionWords[n.key] || beginsPredicate(n.key) || skipWords[n.key] || negators[n.key] {
		return false
	}
	return !strings.HasSuffix(n.key, "s") || strings.HasSuffix(n.key, "ss") || len(n.key) <= 3
}

// listOfNouns reports whether capitalised token j opens a list whose next
// item is a lower-case noun phrase ("Haste, poor communication"): the items
// are of a kind, so the first is a noun too. "Kwame, the on-call, …" and
// "Kwame, who …" go on with a determiner or a function word.
func listOfNouns(toks []token, j int) bool {
	r, _ := utf8.DecodeRuneInString(toks[j].orig)
	if !unicode.IsUpper(r) || toks[j].possessive || personWords[toks[j].key] || j+1 >= len(toks) || !toks[j+1].breakBefore {
		return false
	}
	n := toks[j+1]
	r, _ = utf8.DecodeRuneInString(n.orig)
	return unicode.IsLower(r) && !functionWords[n.key] && !determiners[n.key] && !skipWords[n.key] && !personWords[n.key] && !beginsPredicate(n.key)
}

// opensObject reports whether token j, after a gerund, begins what a verb
// takes ("bongani running the script", "aisha pushing to main"), unlike a
// compound noun ("rate limiting configuration").
func opensObject(toks []token, j int) bool {
	if j >= len(toks) || toks[j].breakBefore {
		return true
	}
	k := toks[j].key
	return determiners[k] || functionWords[k] || k == "his" || k == "her" || k == "my" || k == "them" || k == "him"
}

// compoundParticiples make compound adjectives with the noun before them:
// "fee related issues", "region based routing".
var compoundParticiples = setOf("related", "based", "driven", "induced", "shaped", "sized", "specific", "owned", "managed", "scoped")

// isIrregularForm reports whether w is an irregular verb form ("gone",
// "taken"): never a chat-style name.
func isIrregularForm(w string) bool {
	_, ok := irregularForms[w]
	return ok
}

func isPastOrGerund(w string) bool {
	if base, ok := irregularForms[w]; ok {
		return base != "be" && base != "have" && base != "do"
	}
	return len(w) > 4 && (strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing"))
}

// personPossessor reports whether a person's possessive comes shortly
// before the match ("Priya's fault", "the operator's negligence").
func personPossessor(toks []token, i int) int {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if toks[j+1].breakBefore {
			return -1
		}
		if toks[j].possessive {
			return personAt(toks, j)
		}
	}
	return -1
}

// personInSentence reports whether any word of the sentence names a person.
func personInSentence(toks []token) int {
	for j := range toks {
		if isPerson(toks, j) {
			return j
		}
	}
	return -1
}

// personWithin reports the nearest person within n words of the match
// [i, end), or -1.
func personWithin(toks []token, i, end, n int) int {
	for d := 1; d <= n; d++ {
		if j := i - d; j >= 0 && isPerson(toks, j) {
			return j
		}
		if j := end - 1 + d; j < len(toks) && isPerson(toks, j) {
			return j
		}
	}
	return -1
}

// negatedBefore reports whether a negation or contrast comes shortly before
// token i in the same clause.
func negatedBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		if toks[j+1].breakBefore {
			return false
		}
		if k := toks[j].key; negators[k] && !(k == "call" && j > 0 && toks[j-1].key == "on") {
			return true
		}
		if clauseStops[toks[j].key] {
			return false
		}
	}
	return false
}

// denials negate what follows them; the other negators (contrast, mention,
// avoidance) only keep a word from being asserted.
var denials = setOf("not", "no", "never", "nobody", "none", "neither", "nor", "cannot", "without", "hardly",
	"isn't", "wasn't", "aren't", "weren't", "don't", "doesn't", "didn't", "won't", "wouldn't", "couldn't",
	"shouldn't", "can't", "hasn't", "haven't", "hadn't")

// deniedBefore reports whether a denial ("not", "never", "without") comes
// shortly before token i in the same clause: the rules that need a negated
// verb ("was not reviewed by Kwame") need one, not "is called by" or "to
// avoid a report filed by".
func deniedBefore(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-6; j-- {
		if toks[j+1].breakBefore {
			return false
		}
		if denials[toks[j].key] {
			return true
		}
		if clauseStops[toks[j].key] {
			return false
		}
	}
	return false
}

// negatedAfter reports whether the match is denied right after it: "human
// error was not a factor", "retraining people would not have helped".
func negatedAfter(toks []token, end int) bool {
	for j := end; j < len(toks) && j < end+4; j++ {
		if toks[j].breakBefore {
			return false
		}
		k := toks[j].key
		if negatedAux[k] {
			return true
		}
		if negatingAux[k] && j+1 < len(toks) && (toks[j+1].key == "not" || toks[j+1].key == "never") {
			return true
		}
	}
	return false
}
