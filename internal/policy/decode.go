package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/postmortem-bot/postmortem-bot/internal/didyoumean"
)

// decoder lays a YAML policy file over a Policy, key by key, so that keys the
// file leaves out keep their current (default) values, and remembers where
// each key was written so validation can point at it.
type decoder struct {
	file string
	// keys maps a dotted key path to the node that set it: the key of a
	// mapping entry, or the element of a list.
	keys map[string]*yaml.Node
}

func decodeOnto(p *Policy, file string, data []byte) error {
	d := &decoder{file: file, keys: map[string]*yaml.Node{}}
	if len(data) > MaxFileBytes {
		return &Error{File: file, Message: fmt.Sprintf("the file is %d bytes; a policy file may hold at most %d", len(data), MaxFileBytes)}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	switch err := dec.Decode(&doc); {
	case errors.Is(err, io.EOF):
		// An empty file changes nothing.
		return validate(p, d)
	case err != nil:
		return d.syntaxError(err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return &Error{File: file, Line: extra.Line, Column: extra.Column, Message: "a policy file holds a single YAML document; remove the second \"---\""}
	case !errors.Is(err, io.EOF):
		return d.syntaxError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := d.screen(root); err != nil {
		return err
	}
	if err := d.decode(root, reflect.ValueOf(p).Elem(), ""); err != nil {
		return err
	}
	return validate(p, d)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlQuoted is a piece of the file yaml.v3 quotes in a message.
var yamlQuoted = regexp.MustCompile(" ?('[^'\\s]{2,}'|`[^`]*`)")

// syntaxError turns yaml.v3's "yaml: line 3: did not find ..." into an
// *Error, leaving out whatever piece of the file yaml.v3 quoted.
func (d *decoder) syntaxError(err error) error {
	msg := yamlQuoted.ReplaceAllString(err.Error(), "")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: d.file, Line: line, Message: "invalid YAML: " + m[2]}
	}
	return &Error{File: d.file, Message: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func (d *decoder) errorAt(n *yaml.Node, key, format string, args ...any) *Error {
	return &Error{File: d.file, Line: n.Line, Column: n.Column, Key: key, Message: fmt.Sprintf(format, args...)}
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

// decode sets v from n. Structs merge key by key; lists, maps and scalars
// replace what v held.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) error {
	t := v.Type()
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		fresh := reflect.New(t)
		if err := n.Decode(fresh.Interface()); err != nil {
			return d.errorAt(n, path, "cannot be read as this key's type, got %s", describe(n))
		}
		v.Set(fresh.Elem())
		return nil
	}
	isNull := n.ShortTag() == "!!null"
	switch t.Kind() {
	case reflect.Struct:
		if isNull {
			return nil
		}
		return d.decodeStruct(n, v, path)
	case reflect.Slice:
		if isNull {
			v.Set(reflect.MakeSlice(t, 0, 0))
			return nil
		}
		return d.decodeList(n, v, path)
	case reflect.Map:
		if isNull {
			v.Set(reflect.MakeMap(t))
			return nil
		}
		return d.decodeMap(n, v, path)
	case reflect.Pointer:
		if isNull {
			v.Set(reflect.Zero(t))
			return nil
		}
		fresh := reflect.New(t.Elem())
		if err := d.decode(n, fresh.Elem(), path); err != nil {
			return err
		}
		v.Set(fresh)
		return nil
	case reflect.String:
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
			return d.errorAt(n, path, "must be a string, got %s", describe(n))
		}
		v.SetString(n.Value)
		return nil
	case reflect.Bool:
		var b bool
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" || n.Decode(&b) != nil {
			return d.errorAt(n, path, "must be true or false, got %s", describe(n))
		}
		v.SetBool(b)
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, err := strconv.ParseInt(n.Value, 0, t.Bits())
		if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" || err != nil {
			return d.errorAt(n, path, "must be a whole number, got %s", describe(n))
		}
		v.SetInt(i)
		return nil
	case reflect.Float32, reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, t.Bits())
		if n.Kind != yaml.ScalarNode || (n.ShortTag() != "!!int" && n.ShortTag() != "!!float") || err != nil {
			return d.errorAt(n, path, "must be a number, got %s", describe(n))
		}
		v.SetFloat(f)
		return nil
	}
	// Anything else (interfaces, unusual types the analysis may add) is left to yaml.v3.
	fresh := reflect.New(t)
	if err := n.Decode(fresh.Interface()); err != nil {
		return d.errorAt(n, path, "cannot be read as this key's type, got %s", describe(n))
	}
	v.Set(fresh.Elem())
	return nil
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		if path == "" {
			return d.errorAt(n, path, "a policy file must be a mapping of keys (incident, severity, postmortem, check, action_items), got %s", describe(n))
		}
		return d.errorAt(n, path, "must be a mapping of keys, got %s", describe(n))
	}
	fields := structFields(v.Type())
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return d.errorAt(k, path, "keys must be plain words, got %s", describe(k))
		}
		child := joinKey(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			return d.errorAt(k, child, "set twice (first on line %d)", first.Line)
		}
		seen[k.Value] = k
		index, ok := fields[k.Value]
		if !ok {
			return d.unknownKey(k, path, child, fields)
		}
		d.keys[child] = k
		if err := d.decode(val, v.FieldByIndex(index), child); err != nil {
			return err
		}
	}
	return nil
}

func (d *decoder) unknownKey(k *yaml.Node, path, child string, fields map[string][]int) error {
	known := make([]string, 0, len(fields))
	for name := range fields {
		known = append(known, name)
	}
	sort.Strings(known)
	// The error names the place and the keys the schema knows, never the
	// unknown key itself: the file may not be a policy at all.
	switch {
	case k.Value == "<<":
		return d.errorAt(k, path, "merge keys (<<) are not supported; write the keys out")
	case path == "" && (k.Value == "remote" || k.Value == "path" || k.Value == "ref"):
		return d.errorAt(k, child, "a remote reference holds only the keys remote, path and ref, and nothing else")
	}
	if near := didyoumean.Nearest(k.Value, known, 2); near != "" {
		return d.errorAt(k, path, "unknown key here; did you mean %q?", near)
	}
	return d.errorAt(k, path, "unknown key here; the keys here are %s", strings.Join(known, ", "))
}

func (d *decoder) decodeList(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.SequenceNode {
		return d.errorAt(n, path, "must be a list, got %s", describe(n))
	}
	list := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, el := range n.Content {
		child := fmt.Sprintf("%s[%d]", path, i)
		d.keys[child] = el
		if err := d.decode(el, list.Index(i), child); err != nil {
			return err
		}
	}
	v.Set(list)
	return nil
}

func (d *decoder) decodeMap(n *yaml.Node, v reflect.Value, path string) error {
	if n.Kind != yaml.MappingNode {
		return d.errorAt(n, path, "must be a mapping, got %s", describe(n))
	}
	t := v.Type()
	m := reflect.MakeMapWithSize(t, len(n.Content)/2)
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode || !mapKeyPattern.MatchString(k.Value) {
			return d.errorAt(k, path, "keys here must be short words of letters, digits, '-', '_' or '.', got %s", describe(k))
		}
		child := joinKey(path, k.Value)
		if first, dup := seen[k.Value]; dup {
			return d.errorAt(k, child, "set twice (first on line %d)", first.Line)
		}
		seen[k.Value] = k
		d.keys[child] = k
		key := reflect.New(t.Key()).Elem()
		if key.Kind() != reflect.String {
			return d.errorAt(k, path, "unsupported key type %s", t.Key())
		}
		key.SetString(k.Value)
		elem := reflect.New(t.Elem()).Elem()
		if err := d.decode(val, elem, child); err != nil {
			return err
		}
		m.SetMapIndex(key, elem)
	}
	v.Set(m)
	return nil
}

// structFields maps YAML key names to field indexes, following yaml.v3's
// conventions: the tag's name, else the lower-cased field name; ",inline" flattens.
func structFields(t reflect.Type) map[string][]int {
	out := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(","+opts+",", ",inline,") && f.Type.Kind() == reflect.Struct {
			for k, idx := range structFields(f.Type) {
				out[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = []int{i}
	}
	return out
}

func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// describe names the kind of value a node holds, for "must be X, got Y"
// messages. It never quotes the value: an error may be published where the
// file's readers are not (see Error).
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing (null)"
	case "!!str":
		return "a string"
	case "!!bool":
		return "true or false"
	case "!!int":
		return "a whole number"
	case "!!float":
		return "a number with a fraction"
	}
	return "a value with a custom tag"
}
