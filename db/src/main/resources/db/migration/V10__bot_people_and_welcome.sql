-- People Herald has seen in a team (roster, members added, channel senders, @mentions) but
-- who may have no 1:1 chat with the bot yet. Kept apart from `conversation` on purpose:
-- a row here is not a reachable chat, and must never be frozen into a broadcast audience.
-- A sender can create the 1:1 chat later with the Connector (Teams answers idempotently).
CREATE TABLE team_member (
  tenant_id      text        NOT NULL,
  team_id        text        NOT NULL,
  teams_user_id  text        NOT NULL,
  aad_object_id  text,
  display_name   text,
  source         text        NOT NULL CHECK (source IN ('roster', 'member_added', 'message', 'mention')),
  removed        boolean     NOT NULL DEFAULT false,
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, team_id, teams_user_id)
);

CREATE INDEX team_member_aad_ix ON team_member (tenant_id, aad_object_id) WHERE aad_object_id IS NOT NULL;

-- Welcome messages already sent: one per person (scope 'personal', subject = aadObjectId) and
-- one per team (scope 'team', subject = team id). The row is claimed before the send, so a
-- replayed install activity never greets twice; a failed send releases the claim.
CREATE TABLE bot_welcome (
  tenant_id   text        NOT NULL,
  scope       text        NOT NULL CHECK (scope IN ('personal', 'team')),
  subject_id  text        NOT NULL,
  locale      text        NOT NULL,
  sent_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, scope, subject_id)
);

-- Admin overrides of the bot's texts (welcome, help, confirmations). The defaults live in
-- the i18n/bot*.properties bundles; a row here wins for its exact key and language tag.
CREATE TABLE bot_text (
  text_key    text        NOT NULL,
  locale      text        NOT NULL CHECK (locale IN ('en', 'fr', 'de', 'es', 'zh-CN')),
  body        text        NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  updated_by  text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (text_key, locale)
);
