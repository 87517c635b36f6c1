-- #24 Topics people choose. An admin keeps the list of topics an announcement may carry;
-- announcements keep the topic's name as text (as before), so archiving a topic never
-- changes an announcement already written. The name is the topic's key, the one per-person
-- choices are stored under (opt_out.topic, which V11 reserved for per-topic preferences):
-- it cannot be renamed, only given display names per language and archived.
CREATE TABLE topic (
  id          bigserial   PRIMARY KEY,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 60 AND name = btrim(name) AND lower(name) <> 'all'),
  names       jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(names) = 'object'),
  archived_at timestamptz,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text        NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX topic_name_ux ON topic (lower(name));

-- The topics authors already used become the first list, so drafts keep a valid topic
-- (notifications carry their API client's topics and are not part of it).
INSERT INTO topic (name, created_by, updated_by)
SELECT DISTINCT ON (lower(btrim(a.topic))) btrim(a.topic), 'migration', 'migration'
FROM announcement a
WHERE a.topic IS NOT NULL AND length(btrim(a.topic)) BETWEEN 1 AND 60 AND lower(btrim(a.topic)) <> 'all'
  AND NOT EXISTS (SELECT 1 FROM notification n WHERE n.announcement_id = a.id)
ORDER BY lower(btrim(a.topic)), a.id DESC;

-- A person turns topics on and off in the personal tab.
ALTER TABLE opt_out DROP CONSTRAINT opt_out_source_check;
ALTER TABLE opt_out ADD CONSTRAINT opt_out_source_check CHECK (source IN ('command', 'card', 'admin', 'tab'));

-- Author guardrails may limit the topics an author uses; NULL: any topic.
ALTER TABLE author_guardrail ADD COLUMN allowed_topics text[];
