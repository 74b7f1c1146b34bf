package main

import (
	"fmt"
	"runtime/debug"
)

// buildInfo is what `postmortem-bot version` prints, all from Go's build
// information (no -X flags needed).
type buildInfo struct {
	Version  string // module version, "(devel)" for a build from a checkout
	Commit   string // vcs.revision
	Date     string // vcs.time: the commit's date, the build's by content
	Modified bool   // built from a checkout with uncommitted changes
	Go       string
}

func readVersion() buildInfo {
	b := buildInfo{Version: "(unknown)", Commit: "unknown", Date: "unknown"}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = info.GoVersion
	if info.Main.Version != "" {
		b.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			b.Date = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		}
	}
	return b
}

func (b buildInfo) String() string {
	dirty := ""
	if b.Modified {
		dirty = " (modified)"
	}
	return fmt.Sprintf("postmortem-bot %s\ncommit %s%s\ndate   %s\ngo     %s", b.Version, b.Commit, dirty, b.Date, b.Go)
}
