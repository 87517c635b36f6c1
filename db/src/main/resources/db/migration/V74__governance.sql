-- #15 Governance: ownership, approval, author guardrails, the people Herald knows as staff.

-- Who may manage an announcement: its creator and the co-authors they add. A principal is a
-- person (Entra object id, else the sign-in subject) or an API client (its client id).
CREATE TABLE announcement_owner (
  announcement_id bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  principal_id    text        NOT NULL,
  principal_name  text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN ('person', 'client')),
  added_by        text        NOT NULL,
  added_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, principal_id)
);
CREATE INDEX announcement_owner_principal_ix ON announcement_owner (principal_id);

-- Announcements written before ownership existed belong to the name that created them.
INSERT INTO announcement_owner (announcement_id, principal_id, principal_name, kind, added_by)
SELECT id, created_by, created_by, 'person', 'migration' FROM announcement;

-- One approval request per announcement at most (a new submit replaces it). The hash binds
-- the exact content and audience that were submitted: a send checks it again.
CREATE TABLE approval_request (
  announcement_id bigint      PRIMARY KEY REFERENCES announcement (id) ON DELETE CASCADE,
  state           text        NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
  content_hash    text        NOT NULL,
  audience_size   integer,
  scheduled_at    timestamptz,
  scheduled_zone  text,
  submitted_by    text        NOT NULL,
  submitted_name  text        NOT NULL,
  submitted_at    timestamptz NOT NULL DEFAULT now(),
  decided_by      text,
  decided_name    text,
  decided_at      timestamptz,
  comment         text
);
CREATE INDEX approval_request_pending_ix ON approval_request (submitted_at) WHERE state = 'pending';

-- The people who signed in to Herald and the roles they had then: approvers are told in
-- Teams by their Entra object id, and a card action is accepted only from one of them.
CREATE TABLE staff_member (
  principal_id  text        PRIMARY KEY,
  aad_object_id text,
  display_name  text        NOT NULL,
  roles         text[]      NOT NULL,
  seen_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX staff_member_aad_ix ON staff_member (lower(aad_object_id));

-- Author guardrails: per Entra group of authors or per author, the audiences they may use,
-- in the same "kind:ref" form as API clients' allowed audiences.
CREATE TABLE author_guardrail (
  id                bigserial   PRIMARY KEY,
  subject_kind      text        NOT NULL CHECK (subject_kind IN ('group', 'author')),
  subject_id        text        NOT NULL,
  allowed_audiences text[]      NOT NULL DEFAULT '{}',
  allow_everyone    boolean     NOT NULL DEFAULT false,
  allow_critical    boolean     NOT NULL DEFAULT false,
  updated_by        text        NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (subject_kind, subject_id)
);
