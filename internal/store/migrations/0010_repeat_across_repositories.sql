-- A repeat incident's earlier twin may be in another repository of the same
-- owner (related_incidents.across_org): its "owner/name", '' for the same
-- repository.
ALTER TABLE pmbot_incident_repeats ADD COLUMN earlier_repo TEXT NOT NULL DEFAULT '';
