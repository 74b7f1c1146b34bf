package related

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// Incident is what the ranking reads about one incident.
type Incident struct {
	// Key names it uniquely ("#12", or "owner/repo#12" across repositories).
	Key string
	// Text is its title, body and, for an earlier incident, its
	// postmortem's cause sections.
	Text string
	// Labels are its labels other than the incident and severity labels
	// (components, areas, services); the caller leaves those out.
	Labels []string
	// Files are the files touched by the pull requests its timeline links;
	// Reverted those touched by the reverts among them.
	Files, Reverted []string
	// Actions are the corrective-action issues it references or owns.
	Actions []int
}

// Weights tune the ranking; the policy carries the threshold.
type Weights struct {
	Label, MaxLabels, File, RevertedFile, Action float64
	// OtherLabels scales the word similarity of two incidents that both
	// carry labels and share none (same cause in another component).
	OtherLabels float64
}

// DefaultWeights were chosen on the dev part of the labelled set.
var DefaultWeights = Weights{Label: 0.15, MaxLabels: 0.3, File: 0.25, RevertedFile: 0.35, Action: 0.4, OtherLabels: 0.5}

// Match is an earlier incident ranked against a new one.
type Match struct {
	Key     string
	Score   float64
	Reasons []string
}

// Rank scores each earlier incident against now and returns those scoring
// at least minScore, best first (ties by key), each with why it matched.
// The word similarity is a TF-IDF cosine whose document frequencies come
// from the earlier incidents and now.
func Rank(now Incident, earlier []Incident, minScore float64, w Weights) []Match {
	docs := make([]map[string]int, len(earlier))
	df := map[string]int{}
	add := func(t map[string]int) {
		for term := range t {
			df[term]++
		}
	}
	nowTerms := Terms(now.Text)
	add(nowTerms)
	for i, e := range earlier {
		docs[i] = Terms(e.Text)
		add(docs[i])
	}
	n := float64(len(earlier) + 1)
	nowVec := weigh(nowTerms, df, n)
	var out []Match
	for i, e := range earlier {
		if e.Key == now.Key {
			continue
		}
		m := score(now, e, nowVec, weigh(docs[i], df, n), w)
		if m.Score >= minScore && m.Score > 0 {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		return out[a].Key < out[b].Key
	})
	return out
}

func score(now, e Incident, nowVec, eVec map[string]float64, w Weights) Match {
	m := Match{Key: e.Key}
	labels := shared(now.Labels, e.Labels)
	if len(labels) > 0 {
		m.Score += math.Min(w.Label*float64(len(labels)), w.MaxLabels)
		m.Reasons = append(m.Reasons, "shared labels: "+strings.Join(labels, ", "))
	}
	text, words := cosine(nowVec, eVec)
	if len(labels) == 0 && len(now.Labels) > 0 && len(e.Labels) > 0 {
		text *= w.OtherLabels
	}
	if text >= 0.05 {
		m.Score += text
		m.Reasons = append(m.Reasons, fmt.Sprintf("similar words (%.2f): %s", text, strings.Join(words, ", ")))
	}
	reverted := append(slices.Clone(now.Reverted), e.Reverted...)
	files := shared(now.Files, e.Files)
	switch {
	case len(files) > 0 && len(shared(files, reverted)) > 0:
		m.Score += w.RevertedFile
		m.Reasons = append(m.Reasons, "same files changed, reverted: "+strings.Join(files, ", "))
	case len(files) > 0:
		m.Score += w.File
		m.Reasons = append(m.Reasons, "same files changed: "+strings.Join(files, ", "))
	}
	if actions := sharedInts(now.Actions, e.Actions); len(actions) > 0 {
		m.Score += w.Action
		refs := make([]string, len(actions))
		for i, a := range actions {
			refs[i] = fmt.Sprintf("#%d", a)
		}
		m.Reasons = append(m.Reasons, "same corrective actions: "+strings.Join(refs, ", "))
	}
	m.Score = math.Round(m.Score*1000) / 1000
	return m
}

// weigh is a term vector weighted by TF-IDF, unit length.
func weigh(tf map[string]int, df map[string]int, n float64) map[string]float64 {
	v := make(map[string]float64, len(tf))
	var norm float64
	for t, c := range tf {
		x := (1 + math.Log(float64(c))) * math.Log(1+n/float64(df[t]))
		v[t] = x
		norm += x * x
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// cosine is the similarity of two unit vectors and the words contributing
// most to it (up to five).
func cosine(a, b map[string]float64) (float64, []string) {
	type part struct {
		term string
		x    float64
	}
	var parts []part
	var sum float64
	for t, x := range a {
		if y, ok := b[t]; ok {
			sum += x * y
			parts = append(parts, part{t, x * y})
		}
	}
	sort.Slice(parts, func(i, j int) bool {
		if parts[i].x != parts[j].x {
			return parts[i].x > parts[j].x
		}
		return parts[i].term < parts[j].term
	})
	var words []string
	for i := 0; i < len(parts) && i < 5; i++ {
		words = append(words, parts[i].term)
	}
	return sum, words
}

// shared lists the strings in both, compared ignoring case, in a's order.
func shared(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.ContainsFunc(b, func(y string) bool { return strings.EqualFold(x, y) }) &&
			!slices.ContainsFunc(out, func(y string) bool { return strings.EqualFold(x, y) }) {
			out = append(out, x)
		}
	}
	return out
}

func sharedInts(a, b []int) []int {
	var out []int
	for _, x := range a {
		if slices.Contains(b, x) && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

// DefaultMinScore is the policy's default threshold, chosen on the dev part
// of the labelled set.
const DefaultMinScore = 0.35
