-- Opt-outs per person (tenant + Entra object id) and topic. Topic 'all' means every
-- announcement; narrower topics are for future per-topic preferences. Opting back in flips
-- the flag instead of deleting, so the last change (when, how, from which announcement)
-- stays visible for audits.
CREATE TABLE opt_out (
  tenant_id        text        NOT NULL,
  aad_object_id    text        NOT NULL,
  topic            text        NOT NULL DEFAULT 'all' CHECK (length(topic) BETWEEN 1 AND 100),
  opted_out        boolean     NOT NULL,
  source           text        NOT NULL CHECK (source IN ('command', 'card', 'admin')),
  announcement_id  bigint      REFERENCES announcement (id) ON DELETE SET NULL,
  changed_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, aad_object_id, topic)
);

-- The contract with the dispatcher: who must not receive announcements at all. The ledger
-- freeze anti-joins this view on (tenant_id, aad_object_id); see OptOuts in the backend.
CREATE VIEW opted_out_person AS
  SELECT tenant_id, aad_object_id
  FROM opt_out
  WHERE topic = 'all' AND opted_out;
