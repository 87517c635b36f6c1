-- Issue #13 (trust). What an API client may do beyond sending: reach people who opted out
-- (a critical notification) and choose its own author line. Both off unless an admin
-- grants them; otherwise its notifications are signed with its registered display name.
ALTER TABLE api_client ADD COLUMN may_send_critical boolean NOT NULL DEFAULT false;
ALTER TABLE api_client ADD COLUMN may_set_author boolean NOT NULL DEFAULT false;

-- Button presses on a test copy ("Send a test to me") are kept apart: recorded, never
-- counted in reports, never an opt-out.
CREATE TABLE test_card_response (
  announcement_id  bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  tenant_id        text        NOT NULL,
  aad_object_id    text        NOT NULL,
  verb             text        NOT NULL CHECK (length(verb) BETWEEN 1 AND 50),
  pressed_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX test_card_response_announcement_ix ON test_card_response (announcement_id);
