-- #23 An approval binds the audience as resolved, with its size.

-- What the approver was shown at submit: distinct channels next to the people
-- (audience_size), and the audience's entries counted by kind ({"group": 1, ...}).
ALTER TABLE approval_request ADD COLUMN audience_channels integer;
ALTER TABLE approval_request ADD COLUMN audience_kinds jsonb;

-- Recipients (people and channels) the audience resolved to when it was approved: the
-- freeze compares the frozen audience with it and pauses a send that grew materially.
ALTER TABLE approval_request ADD COLUMN approved_recipients integer;
