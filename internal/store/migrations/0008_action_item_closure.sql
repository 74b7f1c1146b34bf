-- How an action item's issue was closed (internal/actions): closed_as is
-- 'fixed' (a merged pull request of the repository references it, named by
-- fixed_by_pull), 'declined' (closed as not planned: closed_by and the reason
-- from a comment, if any) or 'closed' (otherwise); '' while open or before
-- this migration, until the item's next change or reconciliation reads it.
ALTER TABLE pmbot_action_items ADD COLUMN closed_as TEXT NOT NULL DEFAULT '';
ALTER TABLE pmbot_action_items ADD COLUMN closed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE pmbot_action_items ADD COLUMN fixed_by_pull INTEGER NOT NULL DEFAULT 0;
ALTER TABLE pmbot_action_items ADD COLUMN decline_reason TEXT NOT NULL DEFAULT '';
