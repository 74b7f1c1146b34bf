package analysis

import (
	"strings"
	"testing"
)

// Every default rule must be usable as guidance: a category, a message and
// a rewrite suggestion, and an id that is unique.
func TestDefaultRulesAreCompleteGuidance(t *testing.T) {
	rules, err := DefaultRules()
	if err != nil {
		t.Fatal(err)
	}
	categories := map[string]bool{}
	for _, r := range rules {
		if r.Category == "" || r.Suggestion == "" || r.Message == "" {
			t.Errorf("rule %q lacks category, message or suggestion", r.ID)
		}
		categories[r.Category] = true
	}
	for _, c := range []string{"person-fault", "human-error", "judgement", "hindsight", "minimiser",
		"person-root-cause", "punitive-action", "passive-omission"} {
		if !categories[c] {
			t.Errorf("no rule in category %q", c)
		}
	}
}

func TestParseRulesRejectsBadRuleFiles(t *testing.T) {
	tests := map[string]string{
		"not yaml":        "rules: [",
		"unknown kind":    "rules:\n  - {id: a, kind: vibes, severity: error, message: m}\n",
		"bad pattern":     "rules:\n  - {id: a, kind: pattern, pattern: '(', severity: error, message: m}\n",
		"no phrases":      "rules:\n  - {id: a, kind: phrase, severity: error, message: m}\n",
		"bad severity":    "rules:\n  - {id: a, kind: phrase, phrases: [x], severity: fatal, message: m}\n",
		"duplicate id":    "rules:\n  - {id: a, kind: phrase, phrases: [x], severity: error, message: m}\n  - {id: a, kind: phrase, phrases: [y], severity: error, message: m}\n",
		"unknown subject": "rules:\n  - {id: a, kind: phrase, phrases: [x], subject: robot, severity: error, message: m}\n",
	}
	for name, data := range tests {
		_, err := ParseRules("rules.yml", []byte(data))
		if err == nil || !strings.Contains(err.Error(), "rules.yml") {
			t.Errorf("%s: error %v, want one naming rules.yml", name, err)
		}
	}
}

func TestDefaultConfigRequiresFourSectionsAndRecommendsThree(t *testing.T) {
	cfg := defaultConfig(t)
	if len(cfg.RequiredSections) != 4 || len(cfg.RecommendedSections) != 3 || len(cfg.Rules) == 0 {
		t.Fatalf("config: %d required, %d recommended sections, %d rules", len(cfg.RequiredSections), len(cfg.RecommendedSections), len(cfg.Rules))
	}
	res := Analyze("empty.md", []byte("# Nothing here\n"), cfg)
	if len(res.MissingSections) != 4 || res.MissingSections[2] != "Root Cause" {
		t.Errorf("missing = %v", res.MissingSections)
	}
	var errs, warns int
	for _, f := range res.Findings {
		switch {
		case f.Rule == RuleSectionMissing && f.Severity == SeverityError:
			errs++
		case f.Rule == RuleSectionRecommended && f.Severity == SeverityWarning:
			warns++
		}
	}
	if errs != 4 || warns != 3 {
		t.Errorf("%d missing-section errors and %d warnings, want 4 and 3: %+v", errs, warns, res.Findings)
	}
}

// A pattern rule skips sentences lacking a literal every match contains;
// the literal must really be required, or matches would be lost.
func TestRequiredLiteralOfPatterns(t *testing.T) {
	tests := map[string]string{
		`^\s*Had\b`:          "Had",
		`(blamed|faulted) X`: " X",
		`(?i)had\b`:          "",
		`Had|Should`:         "",
		`(Had)`:              "Had",
		`a+b`:                "b",
		`(?:on)?call`:        "call",
		`x*`:                 "",
		`Über\s+schuld`:      "schuld",
	}
	for pattern, want := range tests {
		if got := requiredLiteral(pattern); got != want {
			t.Errorf("requiredLiteral(%q) = %q, want %q", pattern, got, want)
		}
	}
	// The rule still finds its matches, case-sensitive or folded.
	rules := []Rule{
		{ID: "had", Kind: KindPattern, Pattern: `^\s*Had\b`, Severity: SeverityWarning, Message: "m"},
		{ID: "folded", Kind: KindPattern, Pattern: `(?i)\bhad to\b`, Severity: SeverityWarning, Message: "m"},
	}
	res := Analyze("p.md", []byte("Had we known. We HAD TO wait. Nothing here.\n"), Config{Rules: rules})
	if got := strings.Join(rulesOf(res.Findings), ","); got != "had,folded" {
		t.Errorf("findings = %s, want had,folded", got)
	}
}

// Each family of blame is found with the words it matched; the innocent
// twin of each sentence (a system as subject, a negation, a quotation, a
// technical sense) is not.
func TestBlameFamiliesAndTheirInnocentTwins(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	tests := []struct {
		section, sentence string
		family, match     string // family "" means no finding
		person            string
	}{
		{"Root Cause", "Ingrid's migration broke logins.", "person-fault", "broke", "Ingrid's"},
		{"Root Cause", "The migration broke logins.", "", "", ""},
		{"Root Cause", "The root cause was human error.", "human-error", "human error", ""},
		{"Root Cause", "Human error was not a factor; the scheduler reordered the jobs.", "", "", ""},
		{"Root Cause", `We avoid the term "human error" in our reviews.`, "", "", ""},
		{"Root Cause", "The on-call was asleep at the wheel.", "judgement", "asleep at the wheel", ""},
		{"Root Cause", "The service uses lazy loading for plugins.", "", "", ""},
		{"Root Cause", "Had the approver looked at the graphs, none of this would have happened.", "hindsight", "Had", "approver"},
		{"Root Cause", "This ought to have been spotted before release.", "hindsight", "ought to have been", ""},
		{"Root Cause", "The canary should have caught the regression, but it only compared latency.", "", "", ""},
		{"Root Cause", "All anyone had to do was read the error message.", "minimiser", "anyone had to do", ""},
		{"Root Cause", "The proxy simply forwards headers to the upstream.", "", "", ""},
		{"Timeline", "09:40 The job had just started when the node was drained.", "", "", ""},
		{"Root Cause", "Root cause: Kwame pushed to the wrong cluster.", "person-root-cause", "Root cause", "Kwame"},
		{"Root Cause", "Root cause: the deploy tool allowed applies from any branch.", "", "", ""},
		{"Action Items", "Kwame to attend remedial training.", "punitive-action", "attend remedial training", "Kwame"},
		{"Action Items", "Retrain the fraud model on the corrected data.", "", "", ""},
		{"Root Cause", "The alert was ignored by the on-call engineer.", "passive-omission", "ignored by", "on-call"},
		{"Root Cause", "Errors were ignored by the client library.", "", "", ""},
		{"Timeline", "14:32 Bruno rolled back the release.", "", "", ""},
		{"Root Cause", "Nobody here is at fault; the process is.", "", "", ""},
		{"Summary", "The process was at fault, not any individual.", "", "", ""},
		{"Root Cause", "Priya ignores the alerts.", "person-fault", "ignores", "Priya"}, // another inflection
	}
	rules := map[string]Rule{}
	for _, r := range cfg.Rules {
		rules[r.ID] = r
	}
	for _, tt := range tests {
		res := Analyze("pm.md", []byte("## "+tt.section+"\n\n"+tt.sentence+"\n"), cfg)
		if tt.family == "" {
			if len(res.Findings) != 0 {
				t.Errorf("%q: false alarm %+v", tt.sentence, res.Findings[0])
			}
			continue
		}
		found := false
		for _, f := range res.Findings {
			if rules[f.Rule].Category == tt.family && f.Match == tt.match && f.Person == tt.person {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: want a %s finding matching %q about %q, got %+v", tt.sentence, tt.family, tt.match, tt.person, res.Findings)
		}
	}
}

// After a colon a capitalised word starts a phrase; it names a person only
// when it looks like a name ("Root cause: Kwame pushed", not "Cause:
// Simulated database failure", seen in a published postmortem).
func TestCapitalAfterColonIsNotAlwaysAName(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	for sentence, want := range map[string]bool{
		"Cause: Simulated database connection issue.": false,
		"Cause: Kwame pushed to the wrong cluster.":   true,
	} {
		res := Analyze("pm.md", []byte("## Root Cause\n\n- "+sentence+"\n"), cfg)
		if got := len(res.Findings) > 0; got != want {
			t.Errorf("%q: flagged %v, want %v (%+v)", sentence, got, want, res.Findings)
		}
	}
}

// Shapes met in published postmortems (written anew here, not quoted),
// each next to a blameful twin so that a fix that silences the rule fails:
// product names are not people, a negated passive names what was left
// undone, a plain condition is not hindsight, "caused X to" names what was
// affected, an ability modal states a limit, an imperative before a
// gerund is not a name.
func TestPublishedPostmortemShapes(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	for _, tt := range []struct {
		section, sentence string
		blame             bool
	}{
		// Words written like products (a digit, a capital inside) are not names.
		{"Summary", "Skipped add-on steps in the vendor notes caused the MeshDNS pods to restart in a loop.", false},
		// Held-out set G: an "if" that asks, a plural noun before a verb, an
		// adjective opening a sentence, a feeling, a title, and agents of
		// passives that are not denied.
		{"Timeline", "She checked with the storage team if they had changed the quota recently.", false},
		{"Root Cause", "If the reviewer had looked at the graphs, none of this would have happened.", true},
		{"Root Cause", "The outage happened because both replicas landed on the same node.", false},
		{"Lessons Learned", "Needless to say, the outage would not have happened had we kept the proxy patched.", false},
		{"Lessons Learned", "Everyone who relies on backups should have felt some relief that the snapshots were intact.", false},
		{"Timeline", "2026-06-27: Use of a Broken or Risky Hash Function in the signer", false},
		{"Root Cause", "The transfer reverts if it is called by anyone other than the pool contract.", false},
		{"Root Cause", "This was changed to avoid a flood attack reported by Ines Duarte.", false},
		{"Root Cause", "The migration was not reviewed by Kwame before it ran.", true},
		// Held-out set H: human error conceded, then set aside.
		{"Lessons Learned", "While the wrong command can be put down to human error, the tooling let it run on the wrong host without a prompt.", false},
		{"Root Cause", "The wrong command was human error, while the tooling let it run.", true},
		// Held-out set I: a duty handed on, a common noun's possessive, a
		// product naming a noun, users in a hypothetical, a plural product.
		{"Timeline", "The second engineer takes over the communications responsibilities of the incident commander role.", false},
		{"Root Cause", "It was the responsibility of the developer to test it before the release.", true},
		{"Root Cause", "A leftover balance stays with the senders. When we narrow down to just looking at the changes to sender's account, the gap shows.", false},
		{"Root Cause", "Root cause: unknown; we need the cause of Relay tx failures first.", false},
		{"Root Cause", "The root cause was Kwame.", true},
		{"Summary", "Team members were unable to merge. Users would have been unable to run the tests if they upgraded, though nobody complained.", false},
		{"Impact", "Most Runners would fail to start because the images were gone.", false},
		// Held-out set J: a list of causes, praise, a decision with a
		// purpose, a host name, a monitoring tool, a user referred to.
		{"Root Cause", "Root causes: Pressure, unclear ownership", false},
		{"Root Cause", "Root cause: Kwame, who pushed to the wrong cluster.", true},
		{"Lessons Learned", "The change was reviewed twice, with comments that show attention to detail.", false},
		{"Lessons Learned", "The on-call showed no sense of urgency.", true},
		{"Timeline", "09:12 Team takes down the checkout page to prevent users from seeing errors.", false},
		{"Timeline", "09:12 Kwame took down the checkout page by deleting the wrong service.", true},
		{"Impact", "Half of the addresses served for status.dev failed to answer.", false},
		{"Action Items", "The monitoring system should notify more people when the queue backs up.", false},
		{"Resolution", "We only follow up with the user if they ask for it.", false},
		// Held-out set K: people who suffered a fault, an article before
		// "only", a gerund opening a sentence, a name ending in "-dev", money
		// deployed.
		{"Impact", "Two of the operators who restarted that week hit the corruption.", false},
		{"Root Cause", "The operator corrupted the index by restarting it mid-write.", true},
		{"Resolution", "The archive node held the only full copy of the history, so its 90 GiB database was repaired.", false},
		{"Timeline", "Testing caused a 403 on the first try, but the second attempt passed.", false},
		{"Timeline", "A few days later a similar outage is avoided when -dev breaks and the deploy is held.", false},
		{"Resolution", "The vault was configured to stop deploying funds while the problem was investigated.", false},
		// Held-out set L: a plural noun opening a sentence.
		{"Resolution", "Keepers were removed from the affected strategies so that no harvest would run.", false},
		// "They" and "them" refer back to things when no person is named.
		{"Action Items", "The audit found stale deploy accounts; remove them from the team.", false},
		{"Action Items", "The interns broke the build twice; remove them from the team.", true},
		{"Root Cause", "The health checks passed, but they should have caught the expired certificate.", false},
		{"Root Cause", "The reviewers approved it, but they should have caught the expired certificate.", true},
		{"Timeline", "10:02 The cluster upgrade cause PodGuard agents to crash.", false},
		{"Root Cause", "The root cause was Kwame running the reindex on the primary.", true},
		// "caused X to <verb>": X is what was affected.
		{"Summary", "A rewritten header rule caused Gatekeep to drop the bearer token.", false},
		{"Root Cause", "The outage was caused by Ingrid.", true},
		// A capitalised word before a product token belongs to the product.
		{"Root Cause", "If the Vexil AdmissionRule's failure mode had been lenient, the outage would not have happened.", false},
		{"Root Cause", "If Marta had reviewed the rule, the outage would not have happened.", true},
		// A plain condition is not a counterfactual.
		{"Summary", "We clean up stale accounts by hand if teams rename their projects.", false},
		{"Summary", "If you recreate a project you could see login errors for a while.", false},
		{"Root Cause", "If the reviewer looked at the dashboards, this would have been avoided.", true},
		// A negated passive: the subject was acted on, it did not omit.
		{"Timeline", "11:20 Three functions were found. They were not checked for the library.", false},
		{"Root Cause", "The on-call engineer did not check the dashboards.", true},
		// An ability modal states a limit, not an omission.
		{"Lessons Learned", "Not every scenario can be tested by the platform team.", false},
		{"Root Cause", "The migration was not tested by the platform team.", true},
		// A role word written as a product after a preposition.
		{"Lessons Learned", "The Monday notice on Teams was easily missed.", false},
		{"Root Cause", "The teams missed the notice.", true},
		// An imperative before a gerund; a derived noun before a past form.
		{"Action Items", "Investigate missing node logs and raise the send frequency.", false},
		{"Timeline", "08:05 Root cause investigation started.", false},
		{"Root Cause", "Root cause: aisha deleted the volume.", true},
		// "predictably" is a judgement; "predict" is not.
		{"Summary", "The first analysis did not predict several problems with the TaskHost library.", false},
		{"Root Cause", "Predictably, Omar skipped the checklist again.", true},
		// A plural noun before a gerund is not a chat-style name.
		{"Summary", "The expired certificate caused problems signing in to the console.", false},
		// Function words are not chat-style names.
		{"Timeline", "10:05 We found the root cause and applied a fix to the gateway.", false},
		{"Timeline", "10:40 This turned out to be another root cause than seen on March 3.", false},
		// What software expects or is affected by is the software's.
		{"Timeline", "11:00 An annotation not expected by Traefik resulted in a redirect loop.", false},
		{"Summary", "Most of the fleet was not impacted by the Fast Forward issues.", false},
		{"Root Cause", "The rollback was not approved by Marta.", true},
		// A hypothesis at the time is not a verdict.
		{"Timeline", "11:10 Assumed user error at the time; ruled out at 11:40.", false},
		{"Root Cause", "The root cause was user error.", true},
		// People's names take no article: "the Ingress" is a thing.
		{"Timeline", "11:20 Owner of the Ingress causing the issue contacted.", false},
		{"Root Cause", "Ingrid's migration broke the logins.", true},
		// A number ends a sentence; sentence adverbs name no one.
		{"Root Cause", "The counter should only hold values from 0 to 2^64 - 1. However, the constructor did not check it.", false},
		// A title-case run is a heading or a product, not a person.
		{"Summary", "See Root Cause Analysis below for the details.", false},
		// "cause" as a verb: its object is what was affected.
		{"Summary", "A bug causing Fastly's routing layer to return 502 responses.", false},
		{"Summary", "The full mempool also caused fee related issues.", false},
		{"Root Cause", "It was caused by rate limiting configuration that ignored the load balancer.", false},
		{"Root Cause", "The outage was caused by bongani running the script twice.", true},
		// A means, not an agent; a causative verb's object did not choose.
		{"Resolution", "We identified the exhaustion as the root cause by engaging internal teams.", false},
		{"Impact", "The slow mempool led them to miss the cutoff for their blocks.", false},
		{"Root Cause", "The on-call missed the page.", true},
		// A duty is not a fault.
		{"Impact", "The team members who are normally responsible for customer communications were away.", false},
		{"Root Cause", "The release manager is responsible for this outage.", true},
		// "lead" as a verb.
		{"Lessons Learned", "We found other edge cases that could lead to data corruption.", false},
		// A release is "not qualified"; a person said to be is judged.
		{"Lessons Learned", "The v3.5 release was not qualified as thoroughly as earlier ones.", false},
		{"Root Cause", "The engineer was not qualified to run the migration.", true},
		// Present "need to" is a requirement, not hindsight.
		{"Summary", "Workflow jobs sign packages, so they need to have access to secrets.", false},
		{"Root Cause", "The reviewer needed to read the diff.", true},
		// A system fails "once again"; a person's habit is judged near them.
		{"Impact", "The largest impact was once again that slow nodes fell out of sync as they lagged behind the mempool.", false},
		{"Root Cause", "Once again, Omar skipped the checklist.", true},
		// Sincere praise inside a sentence; sarcasm opens one.
		{"Timeline", "The affected employee did a great job of reporting the charge at once.", false},
		{"Root Cause", "Great job, Boris, another Friday deploy.", true},
		// A capitalised noun phrase before "to" + participle is not "Kwame to attend".
		{"Lessons Learned", "Changes to lazy-loaded extensions reach all customers without testing.", false},
		{"Action Items", "Kwame to attend remedial training.", true},
		// Security reports narrate removing abusive accounts; a plan names staff.
		{"Resolution", "The logs show the user being removed from the Organization several times.", false},
		{"Resolution", "The reporter then removed them from their assigned team.", false},
		{"Resolution", "The engineer responsible was removed from the project.", true},
		{"Action Items", "Remove them from the release team until they are retrained.", true},
		{"Action Items", "Require a specific review from someone on the security team for workflow changes.", false},
		{"Action Items", "Review Kwame's production access.", true},
		// What an attacker could have done is impact, not hindsight.
		{"Impact", "With the password they could have captured the second factor as well.", false},
		{"Root Cause", "The on-call could have rolled back an hour sooner.", true},
		// "read only" is a compound; capitals together make a product name.
		{"Action Items", "- Read only snapshots for pre validation: validation uses read only snapshots.", false},
		{"Summary", "The link goes to a domain not owned by PyPI or the PSF.", false},
		{"Root Cause", "The alert was not acknowledged by Priya.", true},
		// "have them taken down": they are acted on.
		{"Resolution", "We contacted the registrars to have them taken down.", false},
		{"Root Cause", "They took down the primary database.", true},
		// An indefinite person is anyone: no one in particular omitted it.
		{"Root Cause", "The pull request was not reviewed by another developer.", false},
		{"Root Cause", "If a person had the old schema stored, opening the site would have failed.", false},
		{"Root Cause", "The pull request was not reviewed by the release manager.", true},
		{"Root Cause", "If the reviewer had looked at the graphs, none of this would have happened.", true},
		// Irregular verb forms are not chat-style names.
		{"Impact", "It was an unintended exposure that had gone unnoticed for months.", false},
		// "The only thing that caught it" reports detection.
		{"Lessons Learned", "The only thing that caught the gap was checking the container's creation time.", false},
		{"Root Cause", "The only thing the reviewer needed to do was run the tests.", true},
		// Alerts fire.
		{"Action Items", "A new alert fires when the agent's warning rate exceeds its threshold.", false},
		{"Action Items", "Fire the engineer who pushed the change.", true},
		// Languages are not people; "blinded" is not "blindly".
		{"Summary", "Standard Python ignores are listed in the file.", false},
		{"Summary", "Amounts are blinded by default in Confidential Transactions.", false},
		{"Root Cause", "Omar blindly copied the command from the old runbook.", true},
		// A minimiser belittles the action after it, and "only visible" restricts.
		{"Lessons Learned", "There was no need for the project to suddenly look obviously hostile to developers.", false},
		{"Lessons Learned", "The mismatch was only visible by reading both paths and comparing them.", false},
		{"Root Cause", "The engineer only needed to read the warning.", true},
		// A system's own doing, and "could only" restricts.
		{"Timeline", "The pull that failed was triggered by Periphery's internal git polling.", false},
		{"Root Cause", "The outage was triggered by Kwame's change to the pool size.", true},
		{"Lessons Learned", "A later zero could only mean that nothing matched, so they stopped checking.", false},
		// A spaced hyphen is a dash: what follows starts a clause.
		{"Timeline", "4:00 PM EDT - Discovered that the cause was a server fault triggered by high traffic.", false},
	} {
		res := Analyze("pm.md", []byte("## "+tt.section+"\n\n"+tt.sentence+"\n"), cfg)
		if got := len(res.Findings) > 0; got != tt.blame {
			t.Errorf("%q: flagged %v, want %v (%+v)", tt.sentence, got, tt.blame, res.Findings)
		}
	}
}

// A capitalised word the document also writes in lower case, or after an
// article, is an ordinary word or a product, not a person's name.
func TestDocumentTellsWordsFromNames(t *testing.T) {
	cfg := Config{Rules: defaultConfig(t).Rules}
	for _, tt := range []struct {
		doc   string
		blame bool
	}{
		{"## What went wrong\n\n1. Applied untested changes to production.\n\nThe plan was applied without a dry run.\n", false},
		{"## Timeline\n\n- No retry attempted by Komodo for a day.\n\nThe Komodo scheduler dropped the job.\n", false},
		{"## Root Cause\n\nThe rollout was not approved by Ingrid.\n\nIngrid was on leave.\n", true},
		{"## Timeline\n\n- 09:45 Ünal forgot to update the flag.\n", true},
		// A word the document uses as a heading names a section.
		{"## Totals\n\nThe sum is not final, for the reasons in Caveats below.\n\n## Caveats\n\nSome figures are estimates.\n", false},
		// A capitalised word after a preposition of place or means, or
		// before a version, an acronym or a thing, is a system.
		{"## Root Cause\n\nThe rotation failed because Infisical forgot to renew the token.\n\nSecrets are kept in Infisical.\n", false},
		{"## Root Cause\n\nThe rotation failed because Vexor forgot to renew the token.\n\nWe run Vexor v2 on every node.\n", false},
		{"## Root Cause\n\nThe rotation failed because Vexor forgot to renew the token.\n\nVexor API calls were slow.\n", false},
		{"## Root Cause\n\nThe rotation failed because Vexor forgot to renew the token.\n\nThe Vexor scheduler retries once.\n", false},
		{"## Root Cause\n\nThe rotation failed because Vexor forgot to renew the token.\n\nThe notice was posted on Vexor.\n", false},
		{"## Root Cause\n\nThe rotation failed because Ingrid forgot to renew the token.\n\nThe rotation relied on Ingrid.\n", true},
		// A run of capitalised words that holds an ordinary word is a thing's name.
		{"## Root Cause\n\nThe rotation failed because Vexor Network forgot to renew the token.\n\nThe network was fine.\n", false},
		// People's names stay names: a possessive is no evidence, nor is a surname.
		{"## Root Cause\n\nThe rotation failed because Ingrid forgot to renew the token.\n\nThe fix is in Ingrid's branch.\n", true},
		{"## Root Cause\n\nThe rotation failed because Ingrid Berg forgot to renew the token.\n", true},
		// A capitalised possessive that is not written as a name names no one.
		{"## Root Cause\n\nThe rotation failed because of DefiLlama's mistake.\n", false},
	} {
		res := Analyze("pm.md", []byte(tt.doc), cfg)
		if got := len(res.Findings) > 0; got != tt.blame {
			t.Errorf("%q: flagged %v, want %v (%+v)", tt.doc, got, tt.blame, res.Findings)
		}
	}
}
