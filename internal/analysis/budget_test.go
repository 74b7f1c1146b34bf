package analysis

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp/syntax"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestScreen(t *testing.T) {
	cases := []struct {
		name     string
		src      string
		wantLine int // 0: the file passes
	}{
		{"plain text", "# Summary\n\nThe cache expired [see](https://x/(a)).\n", 0},
		{"quotes at the limit", strings.Repeat(">", MaxNesting) + " deep\n", 0},
		{"quotes over the limit", "ok\n\n" + strings.Repeat("> ", MaxNesting+1) + "deep\n", 3},
		{"lists over the limit", strings.Repeat("- ", MaxNesting+1) + "x\n", 1},
		{"ordered lists over the limit", strings.Repeat("1. ", MaxNesting+1) + "x\n", 1},
		{"mixed markers over the limit", strings.Repeat("> - ", MaxNesting/2+1) + "x\n", 1},
		{"many balanced links", strings.Repeat("[a](b) ", 5000) + "\n", 0},
		{"unclosed link openers", "# T\n\nintro\n" + strings.Repeat("[a](", MaxUnclosedOpeners+1) + "\n", 3},
		{"openers spread over paragraphs", strings.Repeat(strings.Repeat("(", MaxUnclosedOpeners)+"\n\n", 4), 0},
		{"openers over lines of one paragraph", strings.Repeat(strings.Repeat("[", 100)+"\n", 3), 1},
		{"dashes that are not lists", strings.Repeat("-", 1000) + "\n", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			line, why := screen([]byte(c.src))
			if c.wantLine == 0 && why != "" {
				t.Fatalf("screened out at line %d: %s", line, why)
			}
			if c.wantLine != 0 && (why == "" || line != c.wantLine) {
				t.Fatalf("got line %d %q, want line %d and a reason", line, why, c.wantLine)
			}
		})
	}
}

// bigPattern is short as written but compiles past MaxPatternInstructions.
const bigPattern = `[a-z]{1000}[0-9]{1000}[A-Z]{1000}[a-z]{1000}x{500}`

func TestCheckPattern(t *testing.T) {
	cases := []struct {
		pattern string
		want    string // "": fine; "syntax", "size"
	}{
		{`\bblame(d|s)?\b`, ""},
		{`(?i)should have`, ""},
		{`(unclosed`, "syntax"},
		{strings.Repeat("a", MaxPatternBytes+1), "size"},
		{`(a{1,100}){1,30}`, "syntax"}, // Go's own repeat limit
		{`[a-z]{1000}`, ""},
		{bigPattern, "size"},
	}
	for _, c := range cases {
		err := CheckPattern(c.pattern)
		var serr *syntax.Error
		var big *PatternTooLargeError
		got := ""
		switch {
		case errors.As(err, &serr):
			got = "syntax"
		case errors.As(err, &big):
			got = "size"
		case err != nil:
			got = "other: " + err.Error()
		}
		if got != c.want {
			t.Errorf("CheckPattern(%.40q) = %v, want %q", c.pattern, err, c.want)
		}
	}
}

func TestRuleWithOversizedPatternIsRejected(t *testing.T) {
	rules := []Rule{{ID: "huge", Severity: SeverityWarning, Message: "m", Kind: KindPattern, Pattern: bigPattern}}
	var big *PatternTooLargeError
	if err := ValidateRules(rules); !errors.As(err, &big) {
		t.Fatalf("ValidateRules = %v, want a pattern size error", err)
	}
}

// pathological are the inputs the issue found quadratic, at 1 MiB.
func pathological() map[string][]byte {
	const size = 1 << 20
	return map[string][]byte{
		"nested quotes": bytes.Repeat([]byte(">"), size),
		"link openers":  bytes.Repeat([]byte("[a]("), size/4),
		"nested lists":  bytes.Repeat([]byte("- "), size/2),
	}
}

func TestAnalyzeContextScreensOutPathologicalFiles(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range pathological() {
		t.Run(name, func(t *testing.T) {
			res, err := AnalyzeContext(context.Background(), "pm.md", src, cfg, Budget{})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Findings) != 1 || res.Findings[0].Rule != RuleTooComplex || res.Findings[0].Severity != SeverityError {
				t.Fatalf("findings %+v, want one %s error", res.Findings, RuleTooComplex)
			}
			if !strings.Contains(res.Findings[0].Message, "too complex to analyse") {
				t.Errorf("message %q does not say the file is too complex to analyse", res.Findings[0].Message)
			}
		})
	}
}

func TestAnalyzeContextStopsAtTheBudget(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	good := readGood(t)
	// A file that passes the screen and takes far longer than a millisecond.
	big := bytes.Repeat(append(good, '\n'), (2<<20)/len(good))
	res, err := AnalyzeContext(context.Background(), "pm.md", big, cfg, Budget{Time: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != RuleTooComplex {
		t.Fatalf("findings %+v, want only %s", res.Findings, RuleTooComplex)
	}
}

func TestAnalyzeContextHonoursCancellation(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := AnalyzeContext(ctx, "pm.md", readGood(t), cfg, Budget{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if len(res.Findings) != 1 || res.Findings[0].Rule != RuleTooComplex {
		t.Fatalf("findings %+v", res.Findings)
	}
}

func TestAnalyzeContextMatchesAnalyze(t *testing.T) {
	cfg, err := DefaultConfig()
	if err != nil {
		t.Fatal(err)
	}
	good := readGood(t)
	res, err := AnalyzeContext(context.Background(), "pm.md", good, cfg, Budget{})
	if err != nil {
		t.Fatal(err)
	}
	want := Analyze("pm.md", good, cfg)
	if len(res.Findings) != len(want.Findings) || len(res.Sections) != len(want.Sections) || len(res.ActionItems) != len(want.ActionItems) {
		t.Fatalf("AnalyzeContext differs from Analyze:\n got %+v\nwant %+v", res, want)
	}
}

func readGood(t testing.TB) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/good.md")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// FuzzAnalyzeContext runs the analysis on arbitrary input under a budget per
// input: it must return within the time budget (plus scheduling slack) and
// allocate no more than a bounded multiple of the input.
func FuzzAnalyzeContext(f *testing.F) {
	fuzzSeeds(f)
	for _, src := range pathological() {
		f.Add(src[:64<<10])
	}
	cfg, err := DefaultConfig()
	if err != nil {
		f.Fatal(err)
	}
	const budget = 2 * time.Second
	f.Fuzz(func(t *testing.T, src []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		res, err := AnalyzeContext(context.Background(), "fuzz.md", src, cfg, Budget{Time: budget})
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if took > budget+time.Second {
			t.Fatalf("analysis took %s, over its %s budget", took, budget)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(200*len(src))+64<<20 {
			t.Fatalf("analysis of %d bytes allocated %d bytes", len(src), alloc)
		}
		checkPositions(t, src, res.Findings)
	})
}

// Benchmarks for the budget; README's limits section quotes them.
//
//	go test -run XXX -bench 'Screen|NearTheScreen' -benchtime 3x ./internal/analysis

func BenchmarkScreen5MiB(b *testing.B) {
	good, err := os.ReadFile("testdata/good.md")
	if err != nil {
		b.Fatal(err)
	}
	src := bytes.Repeat(append(good, '\n'), (5<<20)/(len(good)+1))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, why := screen(src); why != "" {
			b.Fatal(why)
		}
	}
}

// BenchmarkNearTheScreen analyses 1 MiB files that just pass the screen:
// the worst the parser sees once the screen has run.
func BenchmarkNearTheScreen(b *testing.B) {
	cfg, err := DefaultConfig()
	if err != nil {
		b.Fatal(err)
	}
	quotes := bytes.Repeat([]byte(strings.Repeat(">", MaxNesting)+" x\n"), (1<<20)/(MaxNesting+3))
	links := bytes.Repeat([]byte(strings.Repeat("[a](", MaxUnclosedOpeners/2)+"\n\n"), (1<<20)/(MaxUnclosedOpeners*2+2))
	for name, src := range map[string][]byte{"quotes": quotes, "links": links} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				res, err := AnalyzeContext(context.Background(), "pm.md", src, cfg, Budget{Time: time.Minute})
				if err != nil || (len(res.Findings) > 0 && res.Findings[0].Rule == RuleTooComplex && strings.Contains(res.Findings[0].Message, "did not finish")) {
					b.Fatalf("%v %+v", err, res.Findings)
				}
			}
		})
	}
}

// Telling words from names reads the document once per distinct word a
// finding would name, and no more than maxOrdinaryLookups times.
func TestOrdinaryWordLookupsAreBounded(t *testing.T) {
	m := newLanguageMatcher(defaultConfig(t).Rules)
	m.doc = []byte(strings.Repeat("## Root Cause\n\nSomeone broke the build.\n\n", 1000))
	for i := range 2 * maxOrdinaryLookups {
		name := strings.Repeat("x", i+1)
		m.ordinaryWord(token{orig: "Q" + name, key: "q" + name})
	}
	if len(m.ordinary) != maxOrdinaryLookups {
		t.Errorf("%d lookups cached, want the bound %d", len(m.ordinary), maxOrdinaryLookups)
	}
}
