-- A freeze of a million people spent 3.6-4.6 s of its 11-13 s checking this foreign key, row by
-- row, against the one announcement the statement writes for (EXPLAIN ANALYZE of the freeze's
-- INSERT over 1M conversations, docs/benchmarks.md; over 20M rows of history the freeze took
-- 17.4 s against a target of 15 s). Ledger rows are written only by the freeze's statements,
-- which take the announcement's id from the row they hold locked in the same transaction; the
-- conversation key went for the same reason (V61).
ALTER TABLE delivery DROP CONSTRAINT delivery_announcement_id_fkey;

-- What the key's ON DELETE CASCADE did, on the rare delete of an announcement (only drafts are
-- deleted; a draft has no ledger rows, but nothing may ever be left pointing at nothing).
CREATE FUNCTION herald_delete_ledger_of_announcement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM delivery WHERE announcement_id = OLD.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER announcement_delete_ledger AFTER DELETE ON announcement
  FOR EACH ROW EXECUTE FUNCTION herald_delete_ledger_of_announcement();
