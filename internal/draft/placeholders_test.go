package draft

import (
	"slices"
	"strings"
	"testing"
)

func TestPlaceholdersListCommentPromptsOnce(t *testing.T) {
	tmpl := "# {{.Title}}\n<!-- about #{{.Number}} -->\n## Summary\n<!--\n  Say what\n  happened.\n-->\n## Impact\n<!-- Say what happened. -->\n<!---->\n" +
		"## Lessons\n### What went well ###\n<!-- ### Not a heading -->\n#### For {{.Title}}\n    ### indented code, not a heading\n"
	got := Placeholders(tmpl)
	want := []string{"Say what happened.", "### Not a heading", "What went well"}
	if !slices.Equal(got, want) {
		t.Errorf("Placeholders = %q, want %q", got, want)
	}
}

func TestDefaultTemplatePromptsSurviveRendering(t *testing.T) {
	tmpl, err := DefaultTemplate()
	if err != nil {
		t.Fatal(err)
	}
	prompts := Placeholders(tmpl)
	if len(prompts) < 9 {
		t.Fatalf("want a prompt per section, got %d: %q", len(prompts), prompts)
	}
	out, err := Render(tmpl, checkoutOutage())
	if err != nil {
		t.Fatal(err)
	}
	rendered := strings.Join(strings.Fields(string(out)), " ")
	for _, p := range prompts {
		if !strings.Contains(rendered, p) {
			t.Errorf("prompt %q is not in the rendered draft", p)
		}
	}
}
