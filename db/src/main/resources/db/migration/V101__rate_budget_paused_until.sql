-- When a shared budget waits out a 429's Retry-After (written by the instance that got
-- the 429), so every instance's admin view can show the pause, not only that one's.
-- next_slot alone cannot tell a pause from slots reserved ahead.
ALTER TABLE rate_budget ADD COLUMN paused_until timestamptz;
