package didyoumean

import "testing"

func TestNearest(t *testing.T) {
	known := []string{"listen_addr", "log_level", "log_format", "database_url"}
	for _, tc := range []struct {
		name string
		max  int
		want string
	}{
		{"listen_adr", 2, "listen_addr"},
		{"LOG_LEVEL", 2, "log_level"},
		{"log_levle", 2, "log_level"},
		{"databse_ur", 2, "database_url"},
		{"databse_ur", 1, ""},
		{"something_else", 3, ""},
		{"", 2, ""},
	} {
		if got := Nearest(tc.name, known, tc.max); got != tc.want {
			t.Errorf("Nearest(%q, max %d) = %q, want %q", tc.name, tc.max, got, tc.want)
		}
	}
}

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"same", "same", 0},
	} {
		if got := distance(tc.a, tc.b); got != tc.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
