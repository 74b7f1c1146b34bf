package draft

import (
	"strings"
	"testing"
	"time"
)

func TestSlug(t *testing.T) {
	cases := []struct{ title, want string }{
		{"Checkout 502s after payments-gateway deploy", "checkout-502s-after-payments-gateway-deploy"},
		{"  DB: primary failover (us-east-1)!!  ", "db-primary-failover-us-east-1"},
		{"Café Zürich: façade Ñandú łódź", "cafe-zurich-facade-nandu-lodz"},
		{"Straße & Œuvre", "strasse-and-oeuvre"},
		{"Couldn't reach the API", "couldnt-reach-the-api"},
		{"日本語のタイトル", "incident"},
		{"", "incident"},
		{"---", "incident"},
		{"UPPER lower MiXeD", "upper-lower-mixed"},
	}
	for _, c := range cases {
		if got := Slug(c.title); got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.title, got, c.want)
		}
	}
}

func TestSlugIsBoundedAndCutAtAWord(t *testing.T) {
	title := "Elevated latency on the search cluster caused by a runaway reindex job during the weekly maintenance window"
	got := Slug(title)
	if len(got) > maxSlugLen {
		t.Fatalf("slug %q is %d characters, want at most %d", got, len(got), maxSlugLen)
	}
	if want := "elevated-latency-on-the-search-cluster-caused-by-a-runaway"; got != want {
		t.Errorf("Slug = %q, want %q", got, want)
	}
	long := strings.Repeat("a", 200)
	if got := Slug(long); got != strings.Repeat("a", maxSlugLen) {
		t.Errorf("one long word: got %q", got)
	}
}

func TestSlugOnlyEverHoldsSafeCharacters(t *testing.T) {
	for _, title := range []string{"a/../b", "x\x00y", "tab\there", "ümlaut—dash", "emoji 🔥 fire", "C++ & Go"} {
		s := Slug(title)
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Errorf("Slug(%q) = %q holds %q", title, s, r)
			}
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Errorf("Slug(%q) = %q has stray hyphens", title, s)
		}
	}
}

func TestFileNameDataFallsBackToIncidentNumber(t *testing.T) {
	inc := Incident{Number: 93, Title: "🔥🔥🔥", OpenedAt: time.Date(2024, 3, 31, 23, 30, 0, 0, time.FixedZone("x", -2*3600))}
	got := inc.FileNameData()
	want := FileNameData{Date: "2024-04-01", Slug: "incident-93", Number: 93}
	if got != want {
		t.Errorf("FileNameData() = %+v, want %+v", got, want)
	}
}

func FuzzSlug(f *testing.F) {
	f.Add("Checkout 502s after deploy")
	f.Add("Ünïcödé ß & œ")
	f.Fuzz(func(t *testing.T, title string) {
		s := Slug(title)
		if s == "" || len(s) > maxSlugLen {
			t.Fatalf("Slug(%q) = %q", title, s)
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("Slug(%q) = %q holds %q", title, s, r)
			}
		}
	})
}
