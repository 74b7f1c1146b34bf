// Package postmortembot holds the app's manifest, app.yml: the one place
// its name, permissions and events are written, read by the setup page and
// by `postmortem-bot manifest`.
package postmortembot

import _ "embed"

// AppManifest is app.yml as written.
//
//go:embed app.yml
var AppManifest []byte
