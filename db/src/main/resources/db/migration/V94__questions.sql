-- Questions (#24): what a person asks about an announcement (typed in reply to its card in
-- their chat with Herald, or from the tab), and the owners' answer. The person is named
-- as Teams names them in activities (tenant, Entra object id). Purged with the
-- announcement (cascade) and by the retention purge, like card responses.
CREATE TABLE question (
  id               bigserial   PRIMARY KEY,
  announcement_id  bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  tenant_id        text        NOT NULL,
  aad_object_id    text        NOT NULL,
  source           text        NOT NULL CHECK (source IN ('chat', 'card', 'tab')),
  body             text        NOT NULL CHECK (length(body) BETWEEN 1 AND 4000),
  created_at       timestamptz NOT NULL DEFAULT now(),
  status           text        NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'answered')),
  answer           text        CHECK (answer IS NULL OR length(answer) BETWEEN 1 AND 8000),
  answered_by      text,
  answered_by_name text,
  answered_at      timestamptz,
  CHECK ((status = 'answered') = (answer IS NOT NULL AND answered_at IS NOT NULL AND answered_by IS NOT NULL))
);
-- The report lists an announcement's questions; the tab and the rate limit a person's.
CREATE INDEX question_announcement_ix ON question (announcement_id, id);
CREATE INDEX question_person_ix ON question (tenant_id, aad_object_id, created_at);
