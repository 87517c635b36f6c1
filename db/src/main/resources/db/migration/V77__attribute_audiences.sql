-- Attribute audiences (issue #16): a rule over synced directory fields, such as
-- "department in (Sales) and country in (DE, FR)", stored as the author wrote it and parsed
-- again (to bind parameters) whenever it is counted or frozen.
ALTER TABLE announcement_audience DROP CONSTRAINT announcement_audience_kind_check;
ALTER TABLE announcement_audience ADD CONSTRAINT announcement_audience_kind_check
  CHECK (kind IN ('everyone', 'group', 'team', 'channel', 'person', 'address', 'attribute'));

-- The directory fields rules may use, kept current by the Graph delta sync.
ALTER TABLE directory_user
  ADD COLUMN usage_location  text,
  ADD COLUMN office_location text,
  ADD COLUMN job_title       text,
  ADD COLUMN company_name    text,
  ADD COLUMN employee_type   text;

-- Rules compare case-insensitively; the most common fields get an index each so that a
-- narrow rule in a large tenant does not read the whole directory.
CREATE INDEX directory_user_department_ix ON directory_user (lower(department)) WHERE NOT deleted;
CREATE INDEX directory_user_country_ix ON directory_user (lower(COALESCE(country, usage_location))) WHERE NOT deleted;
