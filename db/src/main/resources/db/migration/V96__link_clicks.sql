-- Link analytics (#26): one row per request to /r/<token>, written in batches by the link
-- module's click writer. A link is identified by its stable number in the announcement
-- (buttons 0-3, links in the text from 4 on), so an edited link keeps its clicks.
-- recipient is null when per-person tracking was off (counts only) or the copy went to a
-- channel. Requests from link scanners and previewers are kept but not counted
-- (counted = false, with why). Deleted with the announcement and by the retention purge.
CREATE TABLE link_click (
  announcement_id bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  link_index      smallint    NOT NULL,
  variant         text,
  recipient       text,
  medium          text        NOT NULL DEFAULT 'teams' CHECK (medium IN ('teams', 'email')),
  clicked_at      timestamptz NOT NULL,
  counted         boolean     NOT NULL,
  why             text
);

CREATE INDEX link_click_announcement_ix ON link_click (announcement_id, link_index);
CREATE INDEX link_click_recipient_ix ON link_click (announcement_id, recipient) WHERE counted AND recipient IS NOT NULL;
