package webhook

import (
	"os"
	"testing"

	gojson "github.com/goccy/go-json"
)

func TestEnvelopeRefusesMalformedPayloads(t *testing.T) {
	for _, bad := range []string{
		`{"action": "labeled", "issue": `,
		`{"action": "labeled", "issue": {"number": 1,}}`,
		`{"action": "labeled", "sender": {"login": "kim"}} trailing`,
		`{"action": "labeled", "repository": {"owner": [1, 2,]}}`,
		`["not", "an", "object"]`,
	} {
		var env envelope
		if err := gojson.Unmarshal([]byte(bad), &env); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

func TestEnvelopeReadsWhatIntakeNeeds(t *testing.T) {
	raw, err := os.ReadFile("../fakegithub/data/webhooks/issues.labeled.json")
	if err != nil {
		t.Fatal(err)
	}
	var env envelope
	if err := gojson.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	if env.Action != "labeled" || env.Repository == nil || env.Repository.ID == 0 || env.Repository.Owner.Login == "" ||
		env.Label == nil || env.Label.Name == "" || env.Issue == nil || env.Issue.Number == 0 || env.Sender == nil {
		t.Errorf("envelope misses fields GitHub's example has: %+v", env)
	}
}

func BenchmarkEnvelope(b *testing.B) {
	raw, err := os.ReadFile("../fakegithub/data/webhooks/issues.labeled.json")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		var env envelope
		if err := gojson.Unmarshal(raw, &env); err != nil {
			b.Fatal(err)
		}
	}
}
