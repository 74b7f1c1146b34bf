// Package related finds earlier incidents that look like the same failure
// as a new one, ranked, each with the reasons it matched: shared labels,
// files touched by pull requests linked from both (reverts weigh more),
// similar words (a TF-IDF cosine) and shared corrective-action issues.
//
// It is pure: it takes incidents as text and lists and knows no GitHub or
// HTTP types, so the ranking is table-tested and measured offline against a
// labelled set (testdata/pairs.tsv; see TestQualityOnTheLabelledSet).
package related
