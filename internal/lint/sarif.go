package lint

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
)

const (
	sarifVersion = "2.1.0"
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

type sarifLog struct {
	Version string     `json:"version"`
	Schema  string     `json:"$schema"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifMessage `json:"shortDescription"`
	Help                 sarifMessage `json:"help"`
	DefaultConfiguration sarifConfig  `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine,omitempty"`
	EndColumn   int `json:"endColumn,omitempty"`
}

// writeSARIF prints a SARIF 2.1.0 log with one run; its rules are every
// rule that produced a finding, described from the rule set when known.
func writeSARIF(w io.Writer, r *report) error {
	known := map[string]analysis.Rule{}
	for _, rule := range r.rules {
		known[rule.ID] = rule
	}
	index := map[string]int{}
	var rules []sarifRule
	var results []sarifResult
	for _, res := range r.results {
		for _, f := range res.Findings {
			i, ok := index[f.Rule]
			if !ok {
				i = len(rules)
				index[f.Rule] = i
				// A rule's description is general: the rule file's message, or
				// the structural rule's, never one finding's particular text.
				desc, help := f.Message, f.Suggestion
				if k, ok := known[f.Rule]; ok {
					desc, help = k.Message, k.Suggestion
				} else if g, ok := analysis.StructuralRules[f.Rule]; ok {
					desc, help = g.Description, g.Suggestion
				}
				if help == "" {
					help = desc
				}
				rules = append(rules, sarifRule{ID: f.Rule, ShortDescription: sarifMessage{desc}, Help: sarifMessage{help},
					DefaultConfiguration: sarifConfig{sarifLevel(f.Severity)}})
			}
			text := f.Message
			if m := f.Matched(); m != "" {
				text += " Matched: " + m + "."
			}
			if f.Suggestion != "" {
				text += " " + f.Suggestion
			}
			results = append(results, sarifResult{
				RuleID: f.Rule, RuleIndex: i, Level: sarifLevel(f.Severity), Message: sarifMessage{text},
				Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
					ArtifactLocation: sarifArtifact{URI: artifactURI(f.File)},
					Region:           sarifRegion{StartLine: f.Line, StartColumn: f.Column, EndLine: f.EndLine, EndColumn: f.EndColumn},
				}}},
			})
		}
	}
	if rules == nil {
		rules = []sarifRule{}
	}
	if results == nil {
		results = []sarifResult{}
	}
	log := sarifLog{Version: sarifVersion, Schema: sarifSchema, Runs: []sarifRun{{
		Tool:    sarifTool{Driver: sarifDriver{Name: "postmortem-bot", Version: ToolVersion, InformationURI: "https://github.com/postmortem-bot/postmortem-bot", Rules: rules}},
		Results: results,
	}}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}

func sarifLevel(s analysis.Severity) string {
	switch s {
	case analysis.SeverityError:
		return "error"
	case analysis.SeverityWarning:
		return "warning"
	}
	return "note"
}

// artifactURI is a relative URI reference with forward slashes, escaped.
func artifactURI(file string) string {
	parts := strings.Split(filepath.ToSlash(file), "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
