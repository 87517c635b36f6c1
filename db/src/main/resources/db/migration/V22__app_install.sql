-- Proactive installs, one row per person whatever the number of announcements waiting for
-- them: requested -> installing (a worker holds the lease) -> installed (Graph said 201/409,
-- waiting for the conversation) -> resolved; or failed with a reason no retry will change.
CREATE TABLE app_install (
  aad_object_id   text        PRIMARY KEY,
  state           text        NOT NULL DEFAULT 'requested'
                  CHECK (state IN ('requested', 'installing', 'installed', 'resolved', 'failed')),
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  installed_at    timestamptz,
  last_status     integer,
  reason          text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX app_install_requested_ix ON app_install (next_attempt_at) WHERE state = 'requested';
CREATE INDEX app_install_installing_ix ON app_install (lease_until) WHERE state = 'installing';
CREATE INDEX app_install_installed_ix ON app_install (installed_at) WHERE state = 'installed';
CREATE INDEX app_install_failed_ix ON app_install (aad_object_id) WHERE state = 'failed';

-- The promoter joins waiting ledger rows to conversations and installs by person.
CREATE INDEX delivery_installing_ix ON delivery (recipient) WHERE state = 'installing';
CREATE INDEX conversation_personal_aad_ix ON conversation (lower(aad_object_id)) WHERE kind = 'personal';
