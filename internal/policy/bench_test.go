package policy

import "testing"

func BenchmarkParseTypicalRepositoryFile(b *testing.B) {
	data := []byte("severity:\n  labels: [P1, P2, P3]\n  require_postmortem: [P1]\npostmortem:\n  directory: docs/incidents\n  reviewers: [alice, bob]\ncheck:\n  mode: advisory\n")
	for b.Loop() {
		if _, err := Parse(file, data); err != nil {
			b.Fatal(err)
		}
	}
}
