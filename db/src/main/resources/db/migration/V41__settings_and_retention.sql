-- Admin settings as key/value pairs. The audience module may create the same table; both
-- sides use this exact shape, so whichever migration runs first wins and the other is a no-op.
CREATE TABLE IF NOT EXISTS app_setting (
  key    text PRIMARY KEY,
  value  text
);

-- When the per-recipient ledger of a finished announcement was purged by the retention job.
-- The counts on the announcement row stay; only the per-person details are gone.
ALTER TABLE announcement ADD COLUMN IF NOT EXISTS ledger_purged_at timestamptz;

CREATE INDEX IF NOT EXISTS announcement_finished_ix ON announcement (finished_at)
  WHERE status IN ('sent', 'canceled') AND ledger_purged_at IS NULL;
