package fakegithub

import (
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// exercised collects the operations the package's tests answered, so that
// TestMain can insist every implemented operation is covered.
var (
	exercisedMu sync.Mutex
	exercised   = map[string]bool{}
)

func noteExercised(id string) {
	exercisedMu.Lock()
	exercised[id] = true
	exercisedMu.Unlock()
}

func TestMain(m *testing.M) {
	exerciseHook = noteExercised
	code := m.Run()
	if code == 0 && !testing.Short() && runAll() {
		var missing []string
		for id := range handlers {
			if !exercised[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(missing)
		if len(missing) > 0 {
			os.Stderr.WriteString("operations no test exercised: " + strings.Join(missing, ", ") + "\n")
			code = 1
		}
	}
	os.Exit(code)
}

// runAll is false when -run selects a subset of tests.
func runAll() bool {
	for _, arg := range os.Args {
		if strings.HasPrefix(arg, "-test.run") {
			return false
		}
	}
	return true
}
