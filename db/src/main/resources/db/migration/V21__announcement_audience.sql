-- What an announcement is addressed to, as the author picked it; resolved into delivery rows
-- once, when the send starts. Kinds mix freely; people are deduplicated at the freeze.
CREATE TABLE announcement_audience (
  announcement_id bigint NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  kind            text   NOT NULL CHECK (kind IN ('everyone', 'group', 'team', 'channel', 'person', 'address')),
  -- group/team: Graph id; channel: channel id; person: Entra object id; address: UPN or mail.
  ref             text   NOT NULL,
  team_id         text,
  label           text,
  PRIMARY KEY (announcement_id, kind, ref),
  CHECK (kind <> 'channel' OR team_id IS NOT NULL)
);
