package marker

import "testing"

func TestRefsLineReadsBack(t *testing.T) {
	for _, n := range []int{1, 12, 40001} {
		if got := IncidentOf(Refs(n) + "\n\nbody"); got != n {
			t.Errorf("IncidentOf(Refs(%d)) = %d", n, got)
		}
	}
}

func TestIncidentOf(t *testing.T) {
	for _, tc := range []struct {
		body string
		want int
	}{
		{"Refs #7", 7},
		{"ref: #8 and more", 8},
		{"REFS  #9", 9},
		{"prefs #3", 0},
		{"Refs #0", 0},
		{"no reference", 0},
	} {
		if got := IncidentOf(tc.body); got != tc.want {
			t.Errorf("IncidentOf(%q) = %d, want %d", tc.body, got, tc.want)
		}
	}
}

func TestActionItemMarkerReadsBack(t *testing.T) {
	body := "intro\n" + ActionItem("postmortems/x.md", "add-retries-2") + "\nrest"
	if got := ActionItemOf(body); got != "postmortems/x.md#add-retries-2" {
		t.Errorf("ActionItemOf = %q", got)
	}
	if got := ActionItemOf("nothing"); got != "" {
		t.Errorf("ActionItemOf(nothing) = %q", got)
	}
}
