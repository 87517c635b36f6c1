-- The report page lists why copies of each edit, recall or reminder failed
-- (follow_up_item WHERE follow_up_id = ? AND state = 'failed'): through the primary key that
-- walked every item of the follow-up on each view, a million for a recall of a 1M send, to
-- find the few that failed. Failed items are few; their own index is small.
CREATE INDEX follow_up_item_failed_ix ON follow_up_item (follow_up_id, reason) WHERE state = 'failed';
