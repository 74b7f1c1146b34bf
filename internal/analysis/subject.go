package analysis

import (
	"unicode"
	"unicode/utf8"
)

// Words that name a person or a role people hold. "we" is deliberately
// absent: a team reflecting on itself is not blaming someone.
var personWords = setOf(
	"engineer", "engineers", "developer", "developers", "dev", "devs", "operator", "operators",
	"admin", "admins", "administrator", "administrators", "sre", "sres", "dba", "dbas",
	"on-call", "oncall", "on-caller", "on-callers", "reviewer", "reviewers", "author", "authors",
	"team", "teams", "lead", "leads", "manager", "managers", "commander", "intern", "interns",
	"contractor", "contractors", "responder", "responders", "he", "she", "they", "him", "her", "them",
	"someone", "somebody", "nobody", "whoever", "person", "people", "ops", "qa", "staff",
	"employee", "employees", "colleague", "colleagues", "hire", "hires", "newbie", "analyst",
	"architect", "tester", "testers", "approver", "owner", "owners",
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
)

// Words the subject search steps over: determiners, auxiliaries, adverbs.
var skipWords = setOf(
	"the", "a", "an", "our", "their", "his", "its", "this", "that", "these", "those", "also",
	"then", "just", "simply", "never", "not", "really", "finally", "all", "both", "each",
	"entirely", "completely", "too", "so", "very", "still", "even", "again", "only", "apparently",
	"probably", "involved", "responsible", "was", "were", "is", "are", "be", "been", "being",
	"had", "has", "have", "did", "do", "does", "didn't", "doesn't", "wasn't", "weren't",
	"could", "should", "would", "will", "might", "may", "must", "can", "new", "junior", "senior",
	"same", "other",
)

// Words that end the clause the subject search looks in.
var clauseStops = setOf("because", "which", "when", "while", "since", "although", "though", "but", "so", "after", "before", "until", "once")

func setOf(ws ...string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

// isPerson decides whether token j names a person: an @mention, a role
// word, "on call", or a capitalised name that is not a known system.
func isPerson(toks []token, j int) bool {
	t := toks[j]
	if t.orig[0] == '@' {
		return true
	}
	if personWords[t.key] {
		return true
	}
	if t.key == "call" && j > 0 && toks[j-1].key == "on" {
		return true
	}
	return looksLikeName(t)
}

func looksLikeName(t token) bool {
	r, n := utf8.DecodeRuneInString(t.orig)
	if !unicode.IsUpper(r) || n >= len(t.orig) {
		return false
	}
	r2, _ := utf8.DecodeRuneInString(t.orig[n:])
	if !unicode.IsLower(r2) {
		return false // acronyms like DNS or API are systems
	}
	return !notNames[t.key]
}

// personSubject reports whether the subject of the phrase starting at token
// i is a person: the nearest content word before it in the same clause, or
// the word a "who" clause hangs on ("the engineer who wrote it forgot").
func personSubject(toks []token, i int) bool {
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

func nearestPerson(toks []token, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if toks[j+1].breakBefore || clauseStops[toks[j].key] {
			return false
		}
		if isPerson(toks, j) {
			return true
		}
		if skipWords[toks[j].key] || isAdverb(toks[j].key) || isDigit(toks[j].key[0]) {
			continue
		}
		return false
	}
	return false
}

func isAdverb(w string) bool {
	return len(w) > 4 && w[len(w)-2:] == "ly"
}

// personAfter reports whether a person follows the match within a few
// words of the same clause ("caused by the product manager").
func personAfter(toks []token, end int) bool {
	for j := end; j < len(toks) && j < end+4; j++ {
		if j > end && toks[j].breakBefore {
			return false
		}
		if isPerson(toks, j) {
			return true
		}
	}
	return false
}

// personPossessor reports whether a person's possessive comes shortly
// before the match ("Priya's fault", "the operator's negligence").
func personPossessor(toks []token, i int) bool {
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if toks[j+1].breakBefore {
			return false
		}
		if toks[j].possessive {
			return isPerson(toks, j)
		}
	}
	return false
}

// personInSentence reports whether any word of the sentence names a person.
func personInSentence(toks []token) bool {
	for j := range toks {
		if isPerson(toks, j) {
			return true
		}
	}
	return false
}
