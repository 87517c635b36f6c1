-- Personal tab (#24): announcements a person opened in Herald's tab. Chat read receipts
-- (read_receipt) cover copies read in the chat; this covers the tab, per announcement.
-- One row per announcement and person; the first read keeps its time. Purged with the
-- announcement.
CREATE TABLE tab_read (
  announcement_id  bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  tenant_id        text        NOT NULL,
  aad_object_id    text        NOT NULL,
  read_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, tenant_id, aad_object_id)
);
