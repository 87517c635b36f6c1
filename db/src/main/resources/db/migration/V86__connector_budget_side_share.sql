-- One Bot Connector budget for all instances (#28). The instance holding the send lease paces
-- the tenant's calls; the others take theirs from a small shared share of the budget
-- (rate_budget 'connector-side'), which the holder leaves unused only while they want it:
-- side_wanted_until: pushed forward by an instance without the lease that has calls waiting.
-- side_open_until: published by the holder once it has slowed down to leave the share; the
-- others call on the share only before this time (or while nobody holds the lease).
ALTER TABLE send_lease
  ADD COLUMN side_wanted_until timestamptz NOT NULL DEFAULT '-infinity',
  ADD COLUMN side_open_until   timestamptz NOT NULL DEFAULT '-infinity';
