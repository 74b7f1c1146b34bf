package related

import (
	"slices"
	"strings"
	"testing"
)

func TestRank(t *testing.T) {
	retry := Incident{Key: "#1", Text: "Checkout 502s: retry storm exhausted the payments connection pool",
		Labels: []string{"checkout"}, Files: []string{"checkout/retry.go"}, Actions: []int{11}}
	cart := Incident{Key: "#2", Text: "Cart totals wrong for discounted bundles", Labels: []string{"checkout"}, Files: []string{"checkout/cart.go"}}
	flag := Incident{Key: "#3", Text: "Checkout hidden by a feature flag default",
		Labels: []string{"checkout"}, Files: []string{"checkout/flags.yaml"}, Reverted: []string{"checkout/flags.yaml"}}
	cert := Incident{Key: "#4", Text: "Billing API down: expired TLS certificate", Labels: []string{"billing"}}
	for _, tc := range []struct {
		name    string
		now     Incident
		want    []string // keys, best first
		reasons []string // in the top match's reasons
	}{
		{"same failure: words, label, file and action", Incident{Key: "#9",
			Text:   "Retry storm again: checkout retries exhausted the payments connection pool",
			Labels: []string{"checkout"}, Files: []string{"checkout/retry.go"}, Actions: []int{11}},
			[]string{"#1"}, []string{"shared labels: checkout", "similar words", "same files changed: checkout/retry.go", "same corrective actions: #11"}},
		{"a reverted file weighs more", Incident{Key: "#9", Text: "Checkout button gone", Labels: []string{"checkout"}, Files: []string{"checkout/flags.yaml"}},
			[]string{"#3"}, []string{"same files changed, reverted: checkout/flags.yaml"}},
		{"same component, different cause: below the threshold", Incident{Key: "#9", Text: "Shipping options missing for Canada", Labels: []string{"checkout"}},
			nil, nil},
		{"same cause, other component: words count half", Incident{Key: "#9", Text: "Search down: expired TLS certificate", Labels: []string{"search"}},
			nil, nil},
		{"same cause, no labels on either side", Incident{Key: "#9", Text: "Billing API down again: expired TLS certificate"},
			[]string{"#4"}, []string{"similar words"}},
		{"itself is never a match", retry, []string{}, nil},
		{"empty text", Incident{Key: "#9"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			earlier := []Incident{retry, cart, flag, cert}
			ms := Rank(tc.now, earlier, DefaultMinScore, DefaultWeights)
			var keys []string
			for _, m := range ms {
				keys = append(keys, m.Key)
			}
			if tc.name == "itself is never a match" {
				if slices.Contains(keys, "#1") {
					t.Errorf("matched itself: %v", keys)
				}
				return
			}
			if !slices.Equal(keys, tc.want) {
				t.Fatalf("matches %v, want %v (%+v)", keys, tc.want, ms)
			}
			for _, r := range tc.reasons {
				if !slices.ContainsFunc(ms[0].Reasons, func(s string) bool { return strings.HasPrefix(s, r) }) {
					t.Errorf("reasons %q lack %q", ms[0].Reasons, r)
				}
			}
		})
	}
}

func TestTermsAreBoundedAndStemmed(t *testing.T) {
	got := Terms("Retries expired; the certificate EXPIRED again. 2026 @ceo")
	for _, w := range []string{"retr", "expir", "certificat", "ceo"} {
		if got[w] == 0 {
			t.Errorf("Terms lacks %q: %v", w, got)
		}
	}
	if got["the"] != 0 || got["2026"] != 0 || got["again"] != 0 {
		t.Errorf("Terms kept a stopword or number: %v", got)
	}
	huge := strings.Repeat("word ", 1<<20)
	if n := Terms(huge)["word"]; n > maxTextBytes/5+1 {
		t.Errorf("Terms read %d words of a 5 MiB text, want it bounded to %d bytes", n, maxTextBytes)
	}
}
