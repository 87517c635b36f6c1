-- What each recipient did with a broadcast card: "Got it" and poll answers. One row per
-- announcement and person; an acknowledgement keeps its first time, a vote can change.
CREATE TABLE card_response (
  announcement_id  bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  tenant_id        text        NOT NULL,
  aad_object_id    text        NOT NULL,
  acknowledged_at  timestamptz,
  choice           text        CHECK (length(choice) BETWEEN 1 AND 200),
  voted_at         timestamptz,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, tenant_id, aad_object_id)
);

CREATE INDEX card_response_choice_ix ON card_response (announcement_id, choice) WHERE choice IS NOT NULL;

-- Read receipts of personal chats: Teams reports the newest message id the person has read.
-- Teams message ids grow with time, so every delivery with activity_id <= this one was read.
CREATE TABLE read_receipt (
  tenant_id             text        NOT NULL,
  aad_object_id         text        NOT NULL,
  conversation_id       text        NOT NULL,
  last_read_message_id  text        NOT NULL,
  read_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, aad_object_id)
);
