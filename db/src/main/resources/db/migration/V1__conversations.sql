-- Conversations Herald may post to. Rows are learned from Teams activities (install events,
-- rosters, channel messages) or from Graph installs; they are marked inactive, never deleted.
CREATE TABLE conversation (
  id              bigserial PRIMARY KEY,
  kind            text        NOT NULL CHECK (kind IN ('personal', 'channel')),
  tenant_id       text        NOT NULL,
  aad_object_id   text,
  teams_user_id   text,
  conversation_id text        NOT NULL,
  service_url     text        NOT NULL,
  locale          text,
  display_name    text,
  team_id         text,
  channel_id      text,
  status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'uninstalled', 'blocked')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (kind <> 'personal' OR aad_object_id IS NOT NULL),
  CHECK (kind <> 'channel' OR channel_id IS NOT NULL)
);

-- One personal chat per person and tenant; one row per channel.
CREATE UNIQUE INDEX conversation_personal_uq ON conversation (tenant_id, aad_object_id) WHERE kind = 'personal';
CREATE UNIQUE INDEX conversation_channel_uq ON conversation (tenant_id, channel_id) WHERE kind = 'channel';
CREATE INDEX conversation_active_personal_ix ON conversation (id) WHERE kind = 'personal' AND status = 'active';
