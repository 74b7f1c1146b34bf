// Command webhookexamples copies one of GitHub's published example payloads
// per event and action the bot handles into internal/fakegithub/data/webhooks.
//
// Regenerate with:
//
//	npm install --prefix /tmp/ghhooks @octokit/webhooks-examples
//	go run ./scripts/fakegithub/webhookexamples \
//	    -in /tmp/ghhooks/node_modules/@octokit/webhooks-examples/api.github.com/index.json \
//	    -out internal/fakegithub/data/webhooks
//
// The package publishes no issues.closed or pull_request.edited example; those
// two are derived from issues.reopened and pull_request.opened (see derived).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
)

// wanted lists event.action pairs; an empty action is an event without one.
var wanted = []struct{ event, action string }{
	{"ping", ""},
	{"installation", "created"},
	{"issues", "labeled"},
	{"issues", "unlabeled"},
	{"issues", "opened"},
	{"issues", "closed"},
	{"issues", "reopened"},
	{"issues", "edited"},
	{"issues", "deleted"},
	{"issues", "transferred"},
	{"issue_comment", "created"},
	{"pull_request", "opened"},
	{"pull_request", "synchronize"},
	{"pull_request", "reopened"},
	{"pull_request", "edited"},
	{"pull_request", "closed"},
	{"check_suite", "rerequested"},
	{"check_run", "rerequested"},
}

// derived names the published action each missing action starts from, and how
// the copy is changed so that it reads like the missing action.
var derived = map[string]struct {
	from  string
	patch func(p map[string]any)
}{
	"issues.closed": {from: "reopened", patch: func(p map[string]any) {
		if issue, ok := p["issue"].(map[string]any); ok {
			issue["state"] = "closed"
			issue["state_reason"] = "completed"
			issue["closed_at"] = issue["updated_at"]
		}
	}},
	"pull_request.edited": {from: "opened", patch: func(p map[string]any) {
		p["changes"] = map[string]any{"body": map[string]any{"from": "Previous description."}}
	}},
}

type eventExamples struct {
	Name     string           `json:"name"`
	Examples []map[string]any `json:"examples"`
}

func main() {
	in := flag.String("in", "", "path to @octokit/webhooks-examples api.github.com/index.json")
	out := flag.String("out", "internal/fakegithub/data/webhooks", "output directory")
	flag.Parse()
	if *in == "" {
		log.Fatal("webhookexamples: -in is required")
	}
	if err := run(*in, *out); err != nil {
		log.Fatalf("webhookexamples: %v", err)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read examples: %w", err)
	}
	var events []eventExamples
	if err := json.Unmarshal(raw, &events); err != nil {
		return fmt.Errorf("decode examples %s: %w", in, err)
	}
	byEvent := map[string][]map[string]any{}
	for _, e := range events {
		byEvent[e.Name] = e.Examples
	}
	for _, w := range wanted {
		key := w.event
		if w.action != "" {
			key += "." + w.action
		}
		action, patch := w.action, func(map[string]any) {}
		if d, ok := derived[key]; ok {
			action, patch = d.from, d.patch
		}
		example := pick(byEvent[w.event], action)
		if example == nil {
			return fmt.Errorf("no published example for %s (looked for action %q)", key, action)
		}
		if w.action != "" {
			example["action"] = w.action
		}
		patch(example)
		body, err := json.MarshalIndent(example, "", "  ")
		if err != nil {
			return fmt.Errorf("encode %s: %w", key, err)
		}
		path := filepath.Join(out, key+".json")
		if err := os.WriteFile(path, append(body, '\n'), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
	}
	return nil
}

// pick prefers an example that carries an installation, as App deliveries do.
// It returns a deep copy, so that deriving one action leaves the source intact.
func pick(examples []map[string]any, action string) map[string]any {
	found := find(examples, action)
	if found == nil {
		return nil
	}
	raw, err := json.Marshal(found)
	if err != nil {
		return nil
	}
	var copied map[string]any
	if err := json.Unmarshal(raw, &copied); err != nil {
		return nil
	}
	return copied
}

func find(examples []map[string]any, action string) map[string]any {
	var first map[string]any
	for _, ex := range examples {
		got, _ := ex["action"].(string)
		if got != action {
			continue
		}
		if _, ok := ex["installation"]; ok {
			return ex
		}
		if first == nil {
			first = ex
		}
	}
	return first
}
