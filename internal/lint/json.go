package lint

import (
	"encoding/json"
	"io"
)

// jsonFinding is the stable JSON shape of one finding.
type jsonFinding struct {
	File       string `json:"file"`
	Line       int    `json:"line"`
	Column     int    `json:"column"`
	Rule       string `json:"rule"`
	Severity   string `json:"severity"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
	// Match and Person are the words a language finding is about; absent
	// for structural findings.
	Match  string `json:"match,omitempty"`
	Person string `json:"person,omitempty"`
}

// jsonMissing names a required section missing from a file.
type jsonMissing struct {
	File    string `json:"file"`
	Section string `json:"section"`
}

type jsonReport struct {
	Findings        []jsonFinding `json:"findings"`
	MissingSections []jsonMissing `json:"missing_sections"`
}

// writeJSON prints {"findings":[...],"missing_sections":[{"file","section"}]}.
func writeJSON(w io.Writer, r *report) error {
	out := jsonReport{Findings: []jsonFinding{}, MissingSections: []jsonMissing{}}
	for _, res := range r.results {
		for _, f := range res.Findings {
			out.Findings = append(out.Findings, jsonFinding{File: f.File, Line: f.Line, Column: f.Column, Rule: f.Rule,
				Severity: string(f.Severity), Message: f.Message, Suggestion: f.Suggestion, Match: f.Match, Person: f.Person})
		}
		for _, s := range res.MissingSections {
			out.MissingSections = append(out.MissingSections, jsonMissing{File: res.File, Section: s})
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
