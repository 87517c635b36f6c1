-- Who saved a template, by immutable id (Entra object id, sign-in subject): only they or
-- an Admin may delete it. Templates saved before this have none and are deleted by Admins
-- only (a user name can be renamed and reused, so it never proves ownership).
ALTER TABLE announcement_template ADD COLUMN owner_id text;
