// Package actions turns a merged postmortem's action items into issues and
// tracks them until they close: a tracking comment on each incident, a
// status issue per repository, reminders, escalation and metrics.
package actions
