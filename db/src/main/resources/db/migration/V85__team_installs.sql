-- #27: Teams answers 403 BotNotInConversationRoster to a bot posting in a team it is not in.
-- A channel's team is known by its Graph (Entra group) id where the audience named it, or
-- where Teams' conversationUpdate carried it; channels Herald only heard of from an audience
-- are stored as 'uninstalled' until Teams says Herald is in their team.
ALTER TABLE conversation ADD COLUMN aad_group_id text;

CREATE INDEX conversation_channel_group_ix ON conversation (tenant_id, aad_group_id) WHERE kind = 'channel';

-- Herald adding itself to a team through Graph (POST /teams/{id}/installedApps), one row per
-- team: requested -> installing (a worker holds the lease) -> installed (Graph said 201,
-- waiting for the team's conversationUpdate) -> resolved (its channels are active); or failed
-- with the reason every waiting channel of the team is reported with.
CREATE TABLE team_install (
  tenant_id       text        NOT NULL,
  aad_group_id    text        NOT NULL,
  team_name       text,
  state           text        NOT NULL DEFAULT 'requested'
                  CHECK (state IN ('requested', 'installing', 'installed', 'resolved', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  installed_at    timestamptz,
  last_status     integer,
  reason          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, aad_group_id)
);

CREATE INDEX team_install_open_ix ON team_install (next_attempt_at) WHERE state IN ('requested', 'installing', 'installed');
