-- #23 One gate at the point of sending.

-- An approval request for an announcement already out carries the new content it asks
-- to approve; once approved, the delivered copies are updated with it. Null for a draft
-- (its content is the announcement's own).
ALTER TABLE approval_request ADD COLUMN proposed_content jsonb;

-- Why an update or a reminder was paused by the gate (its content no longer matches
-- the approval), for the author.
ALTER TABLE follow_up ADD COLUMN pause_reason text;
