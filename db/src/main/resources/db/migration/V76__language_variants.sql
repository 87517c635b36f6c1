-- Language variants and accessibility (issue #16). An announcement has a default language and
-- optional variants keyed by BCP 47 tag, each with its own texts; a speak text for screen
-- readers and alt text for its image.
ALTER TABLE announcement
  ADD COLUMN language  text  CHECK (length(language) <= 35),
  ADD COLUMN speak     text  CHECK (length(speak) <= 1000),
  ADD COLUMN image_alt text  CHECK (length(image_alt) <= 500),
  ADD COLUMN variants  jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(variants) = 'object');

-- The rendition each recipient gets, chosen once after the freeze: the variant tag (NULL: the
-- default content) and the language of the card's own texts (NULL: the content's). Both are
-- NULL for most rows of a single-language tenant, which costs nothing (null bitmap), and the
-- claim just returns them: the dispatcher serializes one activity per rendition, not per row.
ALTER TABLE delivery
  ADD COLUMN variant       text,
  ADD COLUMN card_language text;
