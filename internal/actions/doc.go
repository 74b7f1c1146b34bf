// Package actions turns a merged postmortem's action items into issues and
// tracks them until they close: a tracking comment on each incident, a
// status issue per repository, reminders, escalation and metrics.
//
// How it reads:
//
//   - actions.go: the feature (which webhooks it wants) and outcome, the one
//     place where a failure becomes a retry, a wait or a cancelled job.
//   - session.go: one job's work in one repository (client, policy,
//     logger), and repoAPI, the part of GitHub the steps use.
//   - One file per job kind: merge.go (a merged pull request), issue.go (an
//     item's issue changed), status.go (rewrite the status issue),
//     reminders.go and reconcile.go (daily), jobs.go (registration).
//   - Decisions are pure functions, table-tested: plan.go (which items a
//     merge follows and the issue opened for each), reassign.go
//     (reassignment: the new body and assignees), reminders.go
//     (dueNotices), render.go (what the tracking comment, the status issue
//     and the notices say, within GitHub's limits).
//   - Storage, one file per table: store_items.go, store_postmortems.go,
//     store_merges.go, store_incidents.go, store_status.go.
package actions
