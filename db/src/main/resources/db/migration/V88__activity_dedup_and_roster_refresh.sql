-- #27: Teams may deliver the same activity twice (same id), and re-posts a callback the bot
-- did not answer. An activity is claimed here before it is handled, so a copy changes
-- nothing and sends no second reply; the answer to an invoke is kept so a copy gets the
-- same one. A claim whose handling failed is removed, so Teams' re-post is handled.
-- Rows are only needed for as long as Teams may repeat an activity: pruned after a day.
CREATE TABLE bot_activity (
  tenant_id       text        NOT NULL,
  conversation_id text        NOT NULL,
  activity_id     text        NOT NULL,
  answer_status   integer,
  answer          text,
  received_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, conversation_id, activity_id)
);

CREATE INDEX bot_activity_received_ix ON bot_activity (received_at);

-- #27: the teams Herald is in and when their roster was last read in full. A periodic
-- refresh re-reads the roster of a team once it is due (one team at a time, claimed so that
-- instances share the work), catching membership changes whose events were lost.
CREATE TABLE team_roster (
  tenant_id    text        NOT NULL,
  team_id      text        NOT NULL,
  service_url  text        NOT NULL,
  synced_at    timestamptz,
  next_sync_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, team_id)
);

CREATE INDEX team_roster_due_ix ON team_roster (next_sync_at);

-- Teams Herald was in before this version: their rosters are read again, one a tick.
INSERT INTO team_roster (tenant_id, team_id, service_url)
SELECT DISTINCT ON (tenant_id, team_id) tenant_id, team_id, service_url FROM conversation
WHERE kind = 'channel' AND status = 'active' AND team_id IS NOT NULL AND service_url IS NOT NULL
ORDER BY tenant_id, team_id, updated_at DESC;

-- Who a Teams user id is, for activities that carry no aadObjectId.
CREATE INDEX team_member_teams_user_ix ON team_member (tenant_id, teams_user_id);
