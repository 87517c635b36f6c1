-- #23 The retention purge takes recalled (and expired, which are recalled at their expiry)
-- announcements like sent and canceled ones; this index finds them as V41's finds those.
CREATE INDEX announcement_recalled_finished_ix ON announcement (finished_at)
  WHERE status = 'recalled' AND ledger_purged_at IS NULL;
