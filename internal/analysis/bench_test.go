package analysis

import (
	"bytes"
	"fmt"
	"testing"
)

// largePostmortem builds a realistic postmortem of at least size bytes by
// repeating incident sections: prose, timeline tables, code, quotes, tasks.
func largePostmortem(size int) []byte {
	var b bytes.Buffer
	b.WriteString("---\nincident: 4711\n---\n# Postmortem: Checkout outage\n\n## Summary\n\nA configuration change removed the connection pool limit.\n\n## Impact\n\nAbout 12% of checkout requests failed.\n\n## Timeline\n\n")
	for i := 0; b.Len() < size-4000; i++ {
		fmt.Fprintf(&b, "### Phase %d\n\n", i)
		b.WriteString("| Time (UTC) | Event |\n|---|---|\n")
		for m := 0; m < 10; m++ {
			fmt.Fprintf(&b, "| %02d:%02d | Wei restarted the ingest workers and the queue drained slowly. |\n", i%24, m*5)
		}
		b.WriteString("\n- 09:41 PagerDuty paged the on-call engineer, who acknowledged within two minutes.\n- 09:47 Kim paged the database team because replication lag was rising.\n- 09:52 The alert fired but was routed to a muted channel, so nobody saw it.\n\n")
		b.WriteString("The deploy tool did not validate the timeout value, so zero was accepted. At the time, the dashboard showed no errors because the metric was sampled every five minutes. Alex broke the build by pushing straight to main, and the on-call should have rolled back sooner.\n\n")
		b.WriteString("```\n2026-03-04T09:41:00Z ERROR pool exhausted: 512/512 connections in use\n```\n\n> Kim: I just restarted it, obviously.\n\n")
	}
	b.WriteString("\n## Root Cause\n\nThe migration script had no guard against running twice.\n\n## Resolution\n\nRolling back the release restored service.\n\n## Action Items\n\n- [ ] Add an alert on replication lag (owner: @sre-team, due: 2026-12-15, priority: P1, type: detect)\n\n## Lessons Learned\n\nDeploys should require a canary stage.\n")
	return b.Bytes()
}

func BenchmarkAnalyze(b *testing.B) {
	cfg := defaultConfig(b)
	src := largePostmortem(4 << 20)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		res := Analyze("big.md", src, cfg)
		if len(res.Findings) == 0 {
			b.Fatal("no findings on a document with blameful sentences")
		}
	}
}

// TestAllocationsGrowLinearlyWithInput checks that allocations per input
// byte stay flat from 1x to 4x input, so no step is quadratic.
func TestAllocationsGrowLinearlyWithInput(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement is slow")
	}
	cfg := defaultConfig(t)
	perByte := func(size int) float64 {
		src := largePostmortem(size)
		allocs := testing.AllocsPerRun(2, func() { Analyze("big.md", src, cfg) })
		return allocs / float64(len(src))
	}
	one, four := perByte(256<<10), perByte(1<<20)
	t.Logf("allocs/byte: 1x (256 KiB) %.4f, 4x (1 MiB) %.4f", one, four)
	if four > one*1.15 {
		t.Errorf("allocs per byte grew from %.4f to %.4f at 4x input", one, four)
	}
}
