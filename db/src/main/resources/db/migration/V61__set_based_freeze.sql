-- A freeze of a million people spent 13 s calling herald_opted_out once per person (a SQL
-- function with subqueries is never inlined) and 4 s checking the conversation foreign key
-- row by row. The same rule as V42, as a relation: everyone opted out of one announcement,
-- lower-case, once each. A freeze or preview hash-joins it; the function is inlined.
CREATE FUNCTION herald_opted_out_people(p_announcement bigint) RETURNS TABLE (tenant_id text, aad text)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT o.tenant_id, lower(o.aad_object_id)
  FROM opt_out o
  WHERE o.opted_out
    AND NOT COALESCE((SELECT a.importance = 'critical' FROM announcement a WHERE a.id = p_announcement), false)
    AND (o.topic = 'all' OR o.topic = (SELECT a.topic FROM announcement a WHERE a.id = p_announcement))
$$;

DROP FUNCTION herald_opted_out(text, text, bigint);

-- Ledger rows are written from the conversation they point at, in the same statement, and
-- conversations are never deleted (uninstalls and blocks change their status). The per-row
-- check cost more than any other part of a large freeze.
ALTER TABLE delivery DROP CONSTRAINT delivery_conversation_ref_fkey;
