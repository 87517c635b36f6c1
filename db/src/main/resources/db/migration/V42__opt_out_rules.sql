-- Whether a person is opted out of one announcement, in one place for every freeze and preview:
-- an opt-out of everything ('all') or of the announcement's topic counts, and an announcement an
-- admin marked critical reaches everyone (its card says why it cannot be unsubscribed).
-- A NULL announcement (a preview before a draft exists) counts only opt-outs of everything.
CREATE FUNCTION herald_opted_out(p_tenant text, p_aad text, p_announcement bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT NOT COALESCE((SELECT a.importance = 'critical' FROM announcement a WHERE a.id = p_announcement), false)
     AND EXISTS (
       SELECT 1 FROM opt_out o
       WHERE o.tenant_id = p_tenant AND lower(o.aad_object_id) = lower(p_aad) AND o.opted_out
         AND (o.topic = 'all' OR o.topic = (SELECT a.topic FROM announcement a WHERE a.id = p_announcement)))
$$;

CREATE INDEX opt_out_person_ix ON opt_out (tenant_id, lower(aad_object_id)) WHERE opted_out;
