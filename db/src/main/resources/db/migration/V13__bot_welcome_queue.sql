-- Welcomes become a durable queue: an install records what to send, a sender posts it under
-- the tenant budget and retries what Teams says may be retried. A full in-memory queue used to
-- drop welcomes when thousands of people installed at once.
ALTER TABLE bot_welcome
  ADD COLUMN status          text        NOT NULL DEFAULT 'sent' CHECK (status IN ('due', 'sent', 'failed')),
  ADD COLUMN service_url     text,
  ADD COLUMN conversation_id text,
  ADD COLUMN activity        jsonb,
  ADD COLUMN attempts        integer     NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN last_error      text;

ALTER TABLE bot_welcome ALTER COLUMN sent_at DROP NOT NULL;
ALTER TABLE bot_welcome ALTER COLUMN sent_at DROP DEFAULT;

CREATE INDEX bot_welcome_due_ix ON bot_welcome (next_attempt_at) WHERE status = 'due';
