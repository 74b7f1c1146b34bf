// Package lint is "postmortem-bot lint": it reviews postmortem files
// offline with the same analysis as the check run and prints findings.
package lint

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/postmortem-bot/postmortem-bot/internal/analysis"
	"github.com/postmortem-bot/postmortem-bot/internal/policy"
)

// Exit codes of Run.
const (
	ExitClean    = 0 // no finding of severity error or warning
	ExitFindings = 1 // at least one error or warning finding
	ExitUsage    = 2 // bad arguments, unreadable config, or an I/O error
)

const usage = `usage: postmortem-bot lint [--config FILE] [--format text|json|sarif|github] PATH...

Reviews postmortem Markdown files offline. Directories are searched for *.md;
- reads one file from standard input. Flags may come before or after paths.
A path that does not exist is reported and the others are still linted.
--config is a policy file in the format of a repository's .github/postmortem.yml.
lint reads no environment variables.

Formats:
  text    file:line:col severity rule: message, the suggestion indented below,
          then a summary line
  json    {"findings":[{"file","line","column","rule","severity","message",
          "suggestion"}],"missing_sections":[{"file","section"}]}
  sarif   SARIF 2.1.0, one run, for code scanning
  github  GitHub Actions workflow commands (::error file=…,line=…,col=…,title=RULE::…)

Exit status: 0 clean (info findings allowed), 1 any error or warning finding,
2 usage or I/O error (a missing path, no Markdown file found).
`

// ToolVersion is the version SARIF output names (set by the command).
var ToolVersion string

// stdinName is how a file read from standard input is named in findings.
const stdinName = "<stdin>"

// formats maps --format values to their writers.
var formats = map[string]func(io.Writer, *report) error{
	"text":   writeText,
	"json":   writeJSON,
	"sarif":  writeSARIF,
	"github": writeGitHub,
}

// loadConfig turns the --config file (empty: the built-in policy) into an
// analysis configuration.
var loadConfig = func(path string) (analysis.Config, error) {
	var p *policy.Policy
	var err error
	if path == "" {
		p, err = policy.Default()
	} else {
		var data []byte
		data, err = os.ReadFile(path)
		if err != nil {
			return analysis.Config{}, fmt.Errorf("read config: %w", err)
		}
		p, err = policy.Parse(path, data)
	}
	if err != nil {
		return analysis.Config{}, fmt.Errorf("load policy: %w", err)
	}
	cfg, err := p.AnalysisConfig()
	if err != nil {
		return analysis.Config{}, fmt.Errorf("policy %s: %w", path, err)
	}
	return cfg, nil
}

// report is what every output format renders.
type report struct {
	results []analysis.Result
	rules   []analysis.Rule // the language rules in force, for descriptions
}

// Run implements "postmortem-bot lint"; args exclude the command name.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunWithInput(ctx, args, os.Stdin, stdout, stderr)
}

// RunWithInput is Run reading the path "-" from stdin.
func RunWithInput(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("lint", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {}
	configPath := flags.String("config", "", "policy file (default: the built-in policy)")
	format := flags.String("format", "text", "output format: text, json, sarif or github")
	paths, err := parseInterleaved(flags, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return ExitClean
		}
		fmt.Fprint(stderr, usage)
		return ExitUsage
	}
	write, ok := formats[*format]
	if !ok {
		fmt.Fprintf(stderr, "postmortem-bot lint: unknown format %q (want text, json, sarif or github)\n", *format)
		return ExitUsage
	}
	if len(paths) == 0 {
		fmt.Fprint(stderr, "postmortem-bot lint: no PATH given\n"+usage)
		return ExitUsage
	}
	cfg, err := loadConfig(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "postmortem-bot lint: %v\n", err)
		return ExitUsage
	}
	files, problems := collectFiles(paths)
	for _, p := range problems {
		fmt.Fprintf(stderr, "postmortem-bot lint: %v\n", p)
	}
	if len(files) == 0 {
		fmt.Fprintf(stderr, "postmortem-bot lint: no Markdown files found in %s\n", strings.Join(paths, " "))
		return ExitUsage
	}
	rep := &report{rules: cfg.Rules}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			fmt.Fprintf(stderr, "postmortem-bot lint: stopped: %v\n", err)
			return ExitUsage
		}
		var src []byte
		name := f
		if f == "-" {
			name = stdinName
			src, err = io.ReadAll(stdin)
		} else {
			src, err = os.ReadFile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "postmortem-bot lint: read %s: %v\n", name, err)
			problems = append(problems, err)
			continue
		}
		res, err := analysis.AnalyzeContext(ctx, name, src, cfg, analysis.Budget{})
		if err != nil {
			fmt.Fprintf(stderr, "postmortem-bot lint: stopped: %v\n", err)
			return ExitUsage
		}
		rep.results = append(rep.results, res)
	}
	if err := write(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "postmortem-bot lint: write output: %v\n", err)
		return ExitUsage
	}
	switch {
	case len(problems) > 0:
		return ExitUsage
	case rep.failing():
		return ExitFindings
	}
	return ExitClean
}

// parseInterleaved parses flags wherever they appear among the paths (the
// flag package stops at the first non-flag); "--" ends the flags.
func parseInterleaved(flags *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := flags.Parse(args); err != nil {
			return nil, err
		}
		rest := flags.Args()
		if len(rest) == 0 {
			return paths, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(paths, rest...), nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// failing reports whether any finding is an error or a warning.
func (r *report) failing() bool {
	for _, res := range r.results {
		for _, f := range res.Findings {
			if f.Severity == analysis.SeverityError || f.Severity == analysis.SeverityWarning {
				return true
			}
		}
	}
	return false
}

// collectFiles expands directories to the *.md files under them (hidden
// directories such as .git skipped), keeps named files as given ("-" is
// standard input), and returns a sorted list without duplicates and a
// problem for each path that cannot be read.
func collectFiles(paths []string) ([]string, []error) {
	seen := map[string]bool{}
	var files []string
	var problems []error
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, root := range paths {
		if root == "-" {
			add(root)
			continue
		}
		info, err := os.Stat(root)
		if err != nil {
			problems = append(problems, fmt.Errorf("lint %s: %w", root, err))
			continue
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walk %s: %w", p, err)
			}
			if d.IsDir() && p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".md") {
				add(p)
			}
			return nil
		})
		if err != nil {
			problems = append(problems, err)
		}
	}
	sort.Strings(files)
	return files, problems
}
