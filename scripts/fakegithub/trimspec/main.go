// Command trimspec cuts GitHub's published OpenAPI description down to the
// operations postmortem-bot calls, keeping every component they reference.
//
// The fake GitHub in internal/fakegithub validates each request against the
// result. Regenerate it with:
//
//	npm install --prefix /tmp/ghspec @octokit/openapi
//	go run ./scripts/fakegithub/trimspec \
//	    -in /tmp/ghspec/node_modules/@octokit/openapi/generated/api.github.com.json \
//	    -out internal/fakegithub/data/openapi.json
//
// When the bot starts calling a new endpoint, add it to operations below and
// rerun the command.
package main

import (
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"sort"
	"strings"
)

// operations lists "METHOD path" pairs exactly as they appear in the spec.
var operations = []string{
	"GET /app",
	"GET /app/installations",
	"GET /app/installations/{installation_id}",
	"POST /app/installations/{installation_id}/access_tokens",
	"GET /installation/repositories",
	"GET /orgs/{org}/installation",
	"GET /users/{username}/installation",
	"GET /repos/{owner}/{repo}/installation",
	"POST /app-manifests/{code}/conversions",

	"GET /repos/{owner}/{repo}",
	"GET /repos/{owner}/{repo}/branches/{branch}",
	"GET /repos/{owner}/{repo}/contents/{path}",
	"PUT /repos/{owner}/{repo}/contents/{path}",
	"GET /repos/{owner}/{repo}/collaborators/{username}/permission",

	"GET /repos/{owner}/{repo}/git/ref/{ref}",
	"GET /repos/{owner}/{repo}/git/matching-refs/{ref}",
	"POST /repos/{owner}/{repo}/git/refs",
	"PATCH /repos/{owner}/{repo}/git/refs/{ref}",
	"DELETE /repos/{owner}/{repo}/git/refs/{ref}",
	"POST /repos/{owner}/{repo}/git/commits",
	"GET /repos/{owner}/{repo}/git/commits/{commit_sha}",
	"POST /repos/{owner}/{repo}/git/trees",
	"GET /repos/{owner}/{repo}/git/trees/{tree_sha}",
	"POST /repos/{owner}/{repo}/git/blobs",
	"GET /repos/{owner}/{repo}/git/blobs/{file_sha}",

	"GET /repos/{owner}/{repo}/issues",
	"POST /repos/{owner}/{repo}/issues",
	"GET /repos/{owner}/{repo}/issues/{issue_number}",
	"PATCH /repos/{owner}/{repo}/issues/{issue_number}",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
	"POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
	"GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}",
	"POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
	"PUT /repos/{owner}/{repo}/issues/{issue_number}/labels",
	"DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
	"GET /repos/{owner}/{repo}/labels",
	"POST /repos/{owner}/{repo}/labels",
	"GET /repos/{owner}/{repo}/labels/{name}",
	"POST /repos/{owner}/{repo}/issues/{issue_number}/assignees",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/timeline",
	"GET /repos/{owner}/{repo}/issues/{issue_number}/events",

	"GET /repos/{owner}/{repo}/pulls",
	"GET /repos/{owner}/{repo}/deployments",
	"POST /repos/{owner}/{repo}/pulls",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}",
	"PATCH /repos/{owner}/{repo}/pulls/{pull_number}",
	"GET /repos/{owner}/{repo}/pulls/{pull_number}/files",
	"POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",

	"POST /repos/{owner}/{repo}/check-runs",
	"GET /repos/{owner}/{repo}/check-runs/{check_run_id}",
	"PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
	"GET /repos/{owner}/{repo}/commits/{ref}/check-runs",
}

func main() {
	in := flag.String("in", "", "path to the full api.github.com.json")
	out := flag.String("out", "internal/fakegithub/data/openapi.json", "output path; gzipped when it ends in .gz")
	flag.Parse()
	if *in == "" {
		log.Fatal("trimspec: -in is required")
	}
	if err := run(*in, *out); err != nil {
		log.Fatalf("trimspec: %v", err)
	}
}

func run(in, out string) error {
	raw, err := os.ReadFile(in)
	if err != nil {
		return fmt.Errorf("read spec: %w", err)
	}
	var spec map[string]any
	if err := json.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("decode spec %s: %w", in, err)
	}
	trimmed, err := trim(spec, operations)
	if err != nil {
		return err
	}
	body, err := json.MarshalIndent(trimmed, "", " ")
	if err != nil {
		return fmt.Errorf("encode trimmed spec: %w", err)
	}
	return write(out, body)
}

// trim keeps the listed operations and the transitive closure of the
// components they reference.
func trim(spec map[string]any, ops []string) (map[string]any, error) {
	paths, _ := spec["paths"].(map[string]any)
	keptPaths := map[string]any{}
	for _, op := range ops {
		method, path, ok := strings.Cut(op, " ")
		if !ok {
			return nil, fmt.Errorf("operation %q is not \"METHOD path\"", op)
		}
		item, _ := paths[path].(map[string]any)
		if item == nil {
			return nil, fmt.Errorf("path %s is not in the spec", path)
		}
		operation, ok := item[strings.ToLower(method)]
		if !ok {
			return nil, fmt.Errorf("%s %s is not in the spec", method, path)
		}
		kept, _ := keptPaths[path].(map[string]any)
		if kept == nil {
			kept = map[string]any{}
			// Path-level parameters apply to every operation.
			if params, ok := item["parameters"]; ok {
				kept["parameters"] = params
			}
			keptPaths[path] = kept
		}
		kept[strings.ToLower(method)] = operation
	}

	if err := applyDocumentedForms(keptPaths); err != nil {
		return nil, err
	}

	components, _ := spec["components"].(map[string]any)
	keptComponents := map[string]any{}
	seen := map[string]bool{}
	queue := collectRefs(keptPaths, nil)
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if seen[ref] {
			continue
		}
		seen[ref] = true
		kind, name, err := splitRef(ref)
		if err != nil {
			return nil, err
		}
		group, _ := components[kind].(map[string]any)
		value, ok := group[name]
		if !ok {
			return nil, fmt.Errorf("reference %s points at nothing", ref)
		}
		keptGroup, _ := keptComponents[kind].(map[string]any)
		if keptGroup == nil {
			keptGroup = map[string]any{}
			keptComponents[kind] = keptGroup
		}
		keptGroup[name] = value
		queue = collectRefs(value, queue)
	}

	out := map[string]any{
		"openapi":    spec["openapi"],
		"info":       spec["info"],
		"servers":    spec["servers"],
		"paths":      keptPaths,
		"components": keptComponents,
	}
	return out, nil
}

// documentedForms are request bodies GitHub's reference text says it accepts
// but the schema leaves out. go-github sends both as a bare array of names, so
// without these the fake would reject what GitHub accepts.
var documentedForms = []struct {
	path, method string
	alternative  map[string]any
}{
	// "You can also pass an array of labels directly" (Add labels to an issue).
	{"/repos/{owner}/{repo}/issues/{issue_number}/labels", "post",
		map[string]any{"type": "array", "minItems": 1, "items": map[string]any{"type": "string"}}},
	// "you can pass a single label as a string or an array of labels directly" (Set labels).
	{"/repos/{owner}/{repo}/issues/{issue_number}/labels", "put",
		map[string]any{"type": "array", "items": map[string]any{"type": "string"}}},
	{"/repos/{owner}/{repo}/issues/{issue_number}/labels", "put",
		map[string]any{"type": "string"}},
}

func applyDocumentedForms(paths map[string]any) error {
	for _, f := range documentedForms {
		item, _ := paths[f.path].(map[string]any)
		op, _ := item[f.method].(map[string]any)
		body, _ := op["requestBody"].(map[string]any)
		content, _ := body["content"].(map[string]any)
		media, _ := content["application/json"].(map[string]any)
		schema, _ := media["schema"].(map[string]any)
		oneOf, ok := schema["oneOf"].([]any)
		if !ok {
			return fmt.Errorf("%s %s: request schema is no longer a oneOf; review documentedForms", f.method, f.path)
		}
		schema["oneOf"] = append(oneOf, f.alternative)
	}
	return nil
}

func splitRef(ref string) (kind, name string, err error) {
	rest, ok := strings.CutPrefix(ref, "#/components/")
	if !ok {
		return "", "", fmt.Errorf("reference %s is outside #/components", ref)
	}
	kind, name, ok = strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("reference %s is not #/components/<kind>/<name>", ref)
	}
	return kind, name, nil
}

// collectRefs appends every "$ref" value found under v, in a stable order.
func collectRefs(v any, acc []string) []string {
	switch node := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(node))
		for k := range node {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if s, ok := node[k].(string); ok && k == "$ref" {
				acc = append(acc, s)
				continue
			}
			acc = collectRefs(node[k], acc)
		}
	case []any:
		for _, item := range node {
			acc = collectRefs(item, acc)
		}
	}
	return acc
}

func write(out string, body []byte) error {
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	var w io.Writer = f
	var zw *gzip.Writer
	if strings.HasSuffix(out, ".gz") {
		zw, _ = gzip.NewWriterLevel(f, gzip.BestCompression)
		// The header carries no timestamp, so reruns give identical bytes.
		w = zw
	}
	if _, err := w.Write(body); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", out, err)
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			f.Close()
			return fmt.Errorf("finish gzip %s: %w", out, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", out, err)
	}
	return nil
}
