package analysis

import (
	"strings"
	"testing"
)

// A postmortem written in French, in our own words: long enough to tell its
// language, with headings the English section names do not match and a
// capitalised product before a verb.
const frenchPostmortem = `# Panne du service de paiement

## Résumé

Le 3 mars, le service de paiement est resté indisponible pendant quarante minutes. Les clients ne
pouvaient plus régler leurs commandes et les paniers restaient bloqués. La cause était une
modification de configuration appliquée sans validation préalable sur le cluster principal.

## Déroulement

Vers neuf heures, les alertes de latence se sont déclenchées sur le tableau de bord. Lumio a
redémarré les pods du service, sans effet. Une seconde équipe a ensuite comparé la configuration
déployée avec celle du dépôt et trouvé une valeur de délai mise à zéro. Le retour arrière a rétabli
le service en quelques minutes, puis la file des paiements en attente a été vidée sans perte.

## Ce que nous changeons

Nous ajoutons une validation automatique des valeurs de délai avant chaque déploiement, une alerte
sur le taux d'échec des paiements et un exercice de retour arrière chaque trimestre. Personne
n'est fautif : le processus permettait cette erreur et nous le corrigeons ensemble, pas à pas,
avec l'équipe plateforme et les développeurs concernés par le paiement.

- [ ] Valider les délais avant déploiement (owner: @plateforme, due: 2026-04-01)
`

func TestNonEnglishDocumentIsNotJudged(t *testing.T) {
	cfg := defaultConfig(t)
	res := Analyze("panne.md", []byte(frenchPostmortem), cfg)
	var notEnglish int
	for _, f := range res.Findings {
		switch {
		case f.Rule == RuleNotEnglish:
			notEnglish++
			if f.Severity != SeverityInfo {
				t.Errorf("the language notice is %s, want info", f.Severity)
			}
		case f.Rule == RuleSectionMissing || f.Rule == RuleSectionRecommended:
			t.Errorf("a French document was reported a missing English section: %+v", f)
		}
	}
	if notEnglish != 1 {
		t.Fatalf("want one %s finding, got %d: %+v", RuleNotEnglish, notEnglish, res.Findings)
	}
	if len(res.MissingSections) != 0 {
		t.Errorf("missing sections %v, want none reported", res.MissingSections)
	}
	// The same document in English is judged as usual.
	english := strings.Join([]string{
		"# Payment outage", "## Summary",
		strings.Repeat("On March 3 the payment service was down for forty minutes because a configuration change was applied without validation to the main cluster. ", 12),
	}, "\n\n")
	res = Analyze("outage.md", []byte(english), cfg)
	for _, f := range res.Findings {
		if f.Rule == RuleNotEnglish {
			t.Errorf("an English document was taken for another language")
		}
	}
	if len(res.MissingSections) == 0 {
		t.Errorf("an English document without an impact section was not reported")
	}
}
