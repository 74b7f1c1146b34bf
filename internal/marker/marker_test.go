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

func TestItemIncidentRoundTrips(t *testing.T) {
	body := "<!-- postmortem-bot:action-item a.md#x -->\nCorrective action.\n\n" + ItemIncident(42) + "\n- **Owner:** @a\n"
	if n := ItemIncidentOf(body); n != 42 {
		t.Errorf("ItemIncidentOf = %d, want 42", n)
	}
	if n := ItemIncidentOf("see - **Incident:** #7 inline"); n != 0 {
		t.Errorf("ItemIncidentOf read a line that does not start the line: %d", n)
	}
	by, reason, ok := DeclineOf(DeclineNote(5, "erin", 3, "not worth it"))
	if !ok || by != "erin" || reason != "not worth it" {
		t.Errorf("DeclineOf = %q, %q, %v", by, reason, ok)
	}
}
