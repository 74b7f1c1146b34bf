package draft

import "testing"

func BenchmarkRenderDefaultTemplate200Events(b *testing.B) {
	tmpl, err := DefaultTemplate()
	if err != nil {
		b.Fatal(err)
	}
	inc := checkoutOutage()
	for len(inc.Timeline) < 200 {
		inc.Timeline = append(inc.Timeline, inc.Timeline...)
	}
	inc.LimitTimeline(200)
	for b.Loop() {
		if _, err := Render(tmpl, inc); err != nil {
			b.Fatal(err)
		}
	}
}
