-- The outcome and start-mark statements look rows up by primary key from the batch they carry,
-- and also say "state = 'in_flight' AND claimed_by = me" for safety. Planned on statistics taken
-- when nothing was in flight yet, that condition looked like a handful of rows, and the planner
-- walked delivery_claimed_by_ix instead: one key for every row this instance ever claimed, dead
-- versions included, for every batch. A 1M send ran at 400/s for a minute until autovacuum came.
-- Recovery keeps an index of in-flight rows whose predicate those statements never imply.
DROP INDEX delivery_claimed_by_ix;

-- A claim sets the lease and every way out of in_flight clears it; said here so the index below
-- covers every in-flight row.
ALTER TABLE delivery ADD CONSTRAINT delivery_in_flight_leased CHECK (state <> 'in_flight' OR lease_until IS NOT NULL);

CREATE INDEX delivery_in_flight_recovery_ix ON delivery (claimed_by) WHERE state = 'in_flight' AND lease_until IS NOT NULL;
