-- #17: people Herald knows from a team roster (or a channel message, a mention) are reached by
-- creating the 1:1 conversation (POST /v3/conversations) instead of a Graph install. The
-- install queue keeps one row per person; these columns say whether the roster route is open.
ALTER TABLE app_install
  ADD COLUMN teams_user_id  text,
  ADD COLUMN roster_refused boolean NOT NULL DEFAULT false,
  ADD COLUMN resolved_by    text CHECK (resolved_by IN ('graph', 'conversation'));

CREATE INDEX app_install_roster_ix ON app_install (next_attempt_at)
  WHERE state = 'requested' AND teams_user_id IS NOT NULL AND NOT roster_refused;

CREATE INDEX team_member_lower_aad_ix ON team_member (tenant_id, lower(aad_object_id)) WHERE NOT removed;

-- Budgets shared by every instance (Graph installs, welcomes): a virtual-scheduling token
-- bucket. next_slot is the theoretical time of the next free slot; an instance reserves a
-- run of slots in one statement and spaces its calls over them.
CREATE TABLE rate_budget (
  name      text        PRIMARY KEY,
  next_slot timestamptz NOT NULL DEFAULT clock_timestamp()
);
