-- When the per-recipient ledger of a finished announcement was purged by the retention job.
-- The counts on the announcement row stay; only the per-person details are gone.
-- (Admin settings live in app_setting, created by V20.)
ALTER TABLE announcement ADD COLUMN ledger_purged_at timestamptz;

CREATE INDEX announcement_finished_ix ON announcement (finished_at)
  WHERE status IN ('sent', 'canceled') AND ledger_purged_at IS NULL;
