package related

import "testing"

// TestThresholdSweepOnDev logs precision and recall on the dev part for a
// range of thresholds (how DefaultMinScore was chosen):
//
//	go test ./internal/related -run Sweep -v
func TestThresholdSweepOnDev(t *testing.T) {
	for _, min := range []float64{0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6, 0.7} {
		p, r, _, predicted, _ := topMatchQuality(t, "dev", min)
		t.Logf("min_score %.2f: precision %.2f, recall %.2f, %d predictions", min, p, r, predicted)
	}
	// Words and labels alone (no files, no corrective actions): how much
	// the other evidence carries.
	wordsOnly := DefaultWeights
	wordsOnly.File, wordsOnly.RevertedFile, wordsOnly.Action = 0, 0, 0
	for _, split := range []string{"dev", "test"} {
		p, r, _, predicted, _ := topMatchQualityWith(t, split, DefaultMinScore, wordsOnly)
		t.Logf("%s, words and labels only: precision %.2f, recall %.2f, %d predictions", split, p, r, predicted)
	}
}
