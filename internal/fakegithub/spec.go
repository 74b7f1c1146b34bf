package fakegithub

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// specJSON is GitHub's OpenAPI description trimmed to the operations the bot
// calls; scripts/fakegithub/trimspec regenerates it.
//
//go:embed data/openapi.json
var specJSON []byte

// apiSpec is the loaded description plus a router that understands GitHub's
// path parameters that may contain slashes ({path}, {ref}).
type apiSpec struct {
	doc  *openapi3.T
	root *routeNode
}

// operation is one spec operation matched against a request.
type operation struct {
	id         string
	template   string
	method     string
	pathParams map[string]string
	route      *routers.Route
}

var (
	loadedSpec    *apiSpec
	loadedSpecErr error
	loadSpecOnce  sync.Once
)

// githubSpec loads the embedded description once per test binary.
func githubSpec() (*apiSpec, error) {
	loadSpecOnce.Do(func() {
		loadedSpec, loadedSpecErr = parseSpec(specJSON)
	})
	return loadedSpec, loadedSpecErr
}

func parseSpec(raw []byte) (*apiSpec, error) {
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = false
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load GitHub OpenAPI description: %w", err)
	}
	spec := &apiSpec{doc: doc, root: newRouteNode()}
	for template, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			spec.root.add(splitPath(template), &routeEntry{
				template: template,
				method:   method,
				route: &routers.Route{
					Spec: doc, Path: template, PathItem: item, Method: method, Operation: op,
				},
			})
		}
	}
	return spec, nil
}

// errUnknownRoute means GitHub's description has no such operation (or the
// bot calls an operation the trimmed description does not list).
var errUnknownRoute = errors.New("no such operation in GitHub's REST API description")

// match finds the operation for a method and an escaped request path.
func (s *apiSpec) match(method, escapedPath string) (*operation, error) {
	params := map[string]string{}
	node := s.root.find(splitPath(escapedPath), params)
	if node == nil {
		return nil, errUnknownRoute
	}
	entry := node.entries[method]
	if entry == nil {
		return nil, errUnknownRoute
	}
	return &operation{
		id:         entry.route.Operation.OperationID,
		template:   entry.template,
		method:     method,
		pathParams: params,
		route:      entry.route,
	}, nil
}

// normalizeBody treats the JSON literal null like an empty body: ghinstallation
// posts null when it has no token options, and GitHub accepts it.
func normalizeBody(body []byte) []byte {
	trimmed := bytes.TrimSpace(body)
	if bytes.Equal(trimmed, []byte("null")) {
		return nil
	}
	return trimmed
}

// validate checks path, query and JSON body of r against the operation.
func (s *apiSpec) validate(ctx context.Context, r *http.Request, op *operation, body []byte) error {
	clone := r.Clone(ctx)
	if len(body) == 0 {
		clone.Body = http.NoBody
		clone.ContentLength = 0
	} else {
		clone.Body = io.NopCloser(bytes.NewReader(body))
		clone.ContentLength = int64(len(body))
		if clone.Header.Get("Content-Type") == "" {
			clone.Header.Set("Content-Type", "application/json")
		}
	}
	input := &openapi3filter.RequestValidationInput{
		Request:    clone,
		PathParams: op.pathParams,
		Route:      op.route,
		Options: &openapi3filter.Options{
			MultiError:          true,
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			SkipSettingDefaults: true,
		},
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		return fmt.Errorf("%s %s (%s): %w", op.method, r.URL.RequestURI(), op.id, err)
	}
	return nil
}

// greedyParams may span several path segments: file paths, branch names and git refs
// such as heads/feature/x are sent with their slashes unescaped.
var greedyParams = map[string]bool{"path": true, "ref": true, "branch": true}

type routeEntry struct {
	template string
	method   string
	route    *routers.Route
}

type routeNode struct {
	literal map[string]*routeNode
	params  []*paramEdge
	entries map[string]*routeEntry
}

type paramEdge struct {
	name string
	next *routeNode
}

func newRouteNode() *routeNode { return &routeNode{literal: map[string]*routeNode{}} }

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func (n *routeNode) add(segments []string, entry *routeEntry) {
	if len(segments) == 0 {
		if n.entries == nil {
			n.entries = map[string]*routeEntry{}
		}
		n.entries[entry.method] = entry
		return
	}
	seg := segments[0]
	if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
		name := seg[1 : len(seg)-1]
		for _, edge := range n.params {
			if edge.name == name {
				edge.next.add(segments[1:], entry)
				return
			}
		}
		edge := &paramEdge{name: name, next: newRouteNode()}
		n.params = append(n.params, edge)
		// Keep matching order stable regardless of map iteration in the loader.
		sort.Slice(n.params, func(i, j int) bool { return n.params[i].name < n.params[j].name })
		edge.next.add(segments[1:], entry)
		return
	}
	child := n.literal[seg]
	if child == nil {
		child = newRouteNode()
		n.literal[seg] = child
	}
	child.add(segments[1:], entry)
}

// find prefers literal segments over parameters, and lets greedy parameters
// take as few segments as still lead to a route.
func (n *routeNode) find(segments []string, params map[string]string) *routeNode {
	if len(segments) == 0 {
		if len(n.entries) > 0 {
			return n
		}
		return nil
	}
	if child := n.literal[segments[0]]; child != nil {
		if found := child.find(segments[1:], params); found != nil {
			return found
		}
	}
	for _, edge := range n.params {
		maxTake := 1
		if greedyParams[edge.name] {
			maxTake = len(segments)
		}
		for take := 1; take <= maxTake; take++ {
			value, err := unescapeSegments(segments[:take])
			if err != nil || value == "" {
				break
			}
			if found := edge.next.find(segments[take:], params); found != nil {
				params[edge.name] = value
				return found
			}
		}
	}
	return nil
}

func unescapeSegments(segments []string) (string, error) {
	parts := make([]string, len(segments))
	for i, s := range segments {
		u, err := url.PathUnescape(s)
		if err != nil {
			return "", err
		}
		parts[i] = u
	}
	return strings.Join(parts, "/"), nil
}
