-- A database as Herald of the second wave (schema V79, main at ad04220) left it after some use:
-- people, conversations, announcements in every state with their deliveries, responses,
-- follow-ups, approvals, opt-outs, templates, settings and audit rows. UpgradeTests migrates it
-- with the current migrations and checks that every row is still there and readable.
-- Ids are explicit and the sequences moved past them, as a running Herald would have.

INSERT INTO directory_user (aad_object_id, upn, mail, display_name, user_type, preferred_language, department, country)
SELECT 'up-user-' || n, 'user' || n || '@upgrade.example', 'user' || n || '@upgrade.example', 'Upgrade User ' || n,
       CASE WHEN n = 20 THEN 'Guest' ELSE 'Member' END, CASE WHEN n % 4 = 0 THEN 'fr-FR' ELSE 'en-US' END,
       CASE WHEN n % 2 = 0 THEN 'Sales' ELSE 'Finance' END, 'DE'
FROM generate_series(1, 20) AS n;

INSERT INTO conversation (id, kind, tenant_id, aad_object_id, teams_user_id, conversation_id, service_url, locale, display_name, status)
SELECT n, 'personal', 'upgrade-tenant', 'up-user-' || n, '29:up-user-' || n, 'a:up-chat-' || n,
       'https://smba.trafficmanager.net/emea/', CASE WHEN n % 4 = 0 THEN 'fr-FR' ELSE 'en-US' END, 'Upgrade User ' || n,
       CASE WHEN n = 19 THEN 'uninstalled' WHEN n = 18 THEN 'blocked' ELSE 'active' END
FROM generate_series(1, 19) AS n;
INSERT INTO conversation (id, kind, tenant_id, conversation_id, service_url, display_name, team_id, channel_id, status)
VALUES (50, 'channel', 'upgrade-tenant', '19:up-general@thread.tacv2', 'https://smba.trafficmanager.net/emea/',
        'General', '19:up-team@thread.tacv2', '19:up-general@thread.tacv2', 'active');
SELECT setval(pg_get_serial_sequence('conversation', 'id'), 1000) > 0 AS moved;

INSERT INTO team_member (tenant_id, team_id, teams_user_id, aad_object_id, display_name, source)
SELECT 'upgrade-tenant', '19:up-team@thread.tacv2', '29:up-user-' || n, 'up-user-' || n, 'Upgrade User ' || n, 'roster'
FROM generate_series(1, 5) AS n;

INSERT INTO staff_member (principal_id, aad_object_id, display_name, roles)
VALUES ('up-author', 'up-user-1', 'Upgrade Author', ARRAY['Herald.Author']),
       ('up-approver', 'up-user-2', 'Upgrade Approver', ARRAY['Herald.Approver']);

INSERT INTO app_setting (key, value) VALUES ('approval.mode', 'off') ON CONFLICT (key) DO NOTHING;

INSERT INTO api_client (client_id, display_name, allowed_topics, allowed_audiences, created_by)
VALUES ('up-hr-system', 'HR system', ARRAY['benefits'], ARRAY['group:up-group'], 'up-admin');

INSERT INTO author_guardrail (id, subject_kind, subject_id, allowed_audiences, allow_everyone, allow_critical, updated_by)
VALUES (1, 'author', 'up-author', ARRAY['team:19:up-team@thread.tacv2'], false, false, 'up-admin');
SELECT setval(pg_get_serial_sequence('author_guardrail', 'id'), 1000) > 0 AS moved;

INSERT INTO announcement_template (id, name, content, created_by)
VALUES (1, 'Upgrade template', '{"title":"From a template","summary":"Kept across upgrades"}', 'up-author');
SELECT setval(pg_get_serial_sequence('announcement_template', 'id'), 1000) > 0 AS moved;

-- One announcement in every state.
INSERT INTO announcement (id, title, summary, status, created_by, scheduled_at, scheduled_zone, started_at, finished_at,
                          importance, topic, ack_requested, poll_question, poll_choices, buttons, language, variants,
                          recalled_at, expires_at, expires_zone, preview_text, frozen_at, source)
VALUES
 (101, 'Upgrade draft', 'Still being written', 'draft', 'up-author', NULL, NULL, NULL, NULL,
  'normal', NULL, false, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, NULL, 'author'),
 (102, 'Upgrade scheduled', 'Goes out next year', 'scheduled', 'up-author', now() + interval '300 days', 'Europe/Berlin', NULL, NULL,
  'normal', 'benefits', false, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, NULL, 'author'),
 (103, 'Upgrade sending', 'Halfway', 'sending', 'up-author', NULL, NULL, now() - interval '1 hour', NULL,
  'normal', NULL, true, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, now() - interval '1 hour', 'author'),
 (104, 'Upgrade paused', 'Paused by its author', 'paused', 'up-author', NULL, NULL, now() - interval '2 hours', NULL,
  'normal', NULL, false, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, now() - interval '2 hours', 'author'),
 (105, 'Upgrade sent', 'Everyone got it', 'sent', 'up-author', NULL, NULL, now() - interval '3 days', now() - interval '3 days',
  'critical', 'benefits', true, 'Lunch?', '["Pasta","Salad"]', '[{"title":"Read more","url":"https://intranet.example/benefits"}]',
  'en', '{"fr":{"title":"Envoyée à tous","summary":"Tout le monde l''a reçue"}}', NULL, now() + interval '20 days', 'Europe/Paris',
  'Everyone got it', now() - interval '3 days', 'author'),
 (106, 'Upgrade canceled', 'Stopped', 'canceled', 'up-author', NULL, NULL, now() - interval '4 days', now() - interval '4 days',
  'normal', NULL, false, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, now() - interval '4 days', 'author'),
 (107, 'Upgrade recalled', 'Withdrawn', 'recalled', 'up-author', NULL, NULL, now() - interval '5 days', now() - interval '5 days',
  'normal', NULL, false, NULL, '[]', '[]', 'en', '{}', now() - interval '4 days', NULL, NULL, NULL, now() - interval '5 days', 'author'),
 (108, 'Upgrade notification', 'From the HR system', 'sent', 'up-hr-system', NULL, NULL, now() - interval '1 day', now() - interval '1 day',
  'normal', 'benefits', false, NULL, '[]', '[]', 'en', '{}', NULL, NULL, NULL, NULL, now() - interval '1 day', 'api');
SELECT setval(pg_get_serial_sequence('announcement', 'id'), 1000) > 0 AS moved;

INSERT INTO announcement_owner (announcement_id, principal_id, principal_name, kind, added_by)
SELECT id, created_by, CASE WHEN source = 'api' THEN 'HR system' ELSE 'Upgrade Author' END,
       CASE WHEN source = 'api' THEN 'client' ELSE 'person' END, created_by
FROM announcement WHERE id BETWEEN 101 AND 108;

INSERT INTO announcement_audience (announcement_id, kind, ref, team_id, label)
VALUES (101, 'everyone', 'everyone', NULL, 'Everyone'),
       (102, 'team', '19:up-team@thread.tacv2', NULL, 'Upgrade team'),
       (105, 'attribute', 'department in (Sales, Finance)', NULL, 'Sales and Finance'),
       (105, 'channel', '19:up-general@thread.tacv2', '19:up-team@thread.tacv2', 'Upgrade team > General');

-- The ledger of the sent one: delivered, failed, blocked, opted out, a channel; of the others
-- a few rows each, in the states their send left them.
INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, attempts, last_status, reason,
                      activity_id, variant, card_language)
SELECT 105, 'up-user-' || n, 'person', n,
       CASE WHEN n = 18 THEN 'blocked' WHEN n = 17 THEN 'failed' WHEN n = 16 THEN 'opted_out' ELSE 'delivered' END,
       CASE WHEN n = 16 THEN 0 ELSE 1 END,
       CASE WHEN n = 18 THEN 403 WHEN n = 17 THEN 500 WHEN n = 16 THEN NULL ELSE 201 END,
       CASE WHEN n = 18 THEN 'blocked the bot' WHEN n = 17 THEN 'Teams kept failing' WHEN n = 16 THEN 'opted out' END,
       CASE WHEN n < 16 THEN '1:up-act-105-' || n END,
       CASE WHEN n % 4 = 0 AND n < 16 THEN 'fr' END, CASE WHEN n % 4 = 0 THEN 'fr' ELSE 'en' END
FROM generate_series(1, 18) AS n;
INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, attempts, last_status, activity_id, card_language)
VALUES (105, '19:up-general@thread.tacv2', 'channel', 50, 'delivered', 1, 201, '1:up-act-105-channel', 'en');
INSERT INTO delivery (announcement_id, recipient, recipient_kind, conversation_ref, state, attempts, last_status, activity_id, card_language)
SELECT a, 'up-user-' || n, 'person', n, CASE WHEN n <= 3 THEN 'delivered' ELSE s END,
       CASE WHEN n <= 3 THEN 1 ELSE 0 END, CASE WHEN n <= 3 THEN 201 END,
       CASE WHEN n <= 3 THEN '1:up-act-' || a || '-' || n END, 'en'
FROM (VALUES (103, 'pending'), (104, 'pending'), (106, 'canceled'), (107, 'delivered'), (108, 'delivered')) AS t(a, s),
     generate_series(1, 6) AS n;

INSERT INTO card_response (announcement_id, tenant_id, aad_object_id, acknowledged_at, choice, voted_at)
VALUES (105, 'upgrade-tenant', 'up-user-1', now() - interval '2 days', 'Pasta', now() - interval '2 days'),
       (105, 'upgrade-tenant', 'up-user-2', now() - interval '2 days', NULL, NULL),
       (105, 'upgrade-tenant', 'up-user-4', NULL, 'Salad', now() - interval '2 days'),
       (103, 'upgrade-tenant', 'up-user-1', now() - interval '30 minutes', NULL, NULL);

INSERT INTO read_receipt (tenant_id, aad_object_id, conversation_id, last_read_message_id, read_at)
VALUES ('upgrade-tenant', 'up-user-1', 'a:up-chat-1', '1:up-act-105-1', now() - interval '2 days'),
       ('upgrade-tenant', 'up-user-3', 'a:up-chat-3', '1:up-act-105-3', now() - interval '2 days');

INSERT INTO opt_out (tenant_id, aad_object_id, topic, opted_out, source, announcement_id)
VALUES ('upgrade-tenant', 'up-user-16', 'all', true, 'command', NULL),
       ('upgrade-tenant', 'up-user-15', 'benefits', true, 'card', 105);

INSERT INTO approval_request (announcement_id, state, content_hash, audience_size, submitted_by, submitted_name,
                              decided_by, decided_name, decided_at, comment)
VALUES (105, 'approved', 'sha256:upgrade-105', 19, 'up-author', 'Upgrade Author', 'up-approver', 'Upgrade Approver',
        now() - interval '3 days', 'Fine'),
       (101, 'rejected', 'sha256:upgrade-101', 20, 'up-author', 'Upgrade Author', 'up-approver', 'Upgrade Approver',
        now() - interval '1 day', 'Not yet');

INSERT INTO follow_up (id, announcement_id, kind, who, status, requested_by, targets, done, failed, finished_at)
VALUES (1, 105, 'remind', 'not-acknowledged', 'done', 'up-author', 2, 2, 0, now() - interval '2 days'),
       (2, 107, 'delete', NULL, 'done', 'up-author', 3, 3, 0, now() - interval '4 days');
SELECT setval(pg_get_serial_sequence('follow_up', 'id'), 1000) > 0 AS moved;
INSERT INTO follow_up_item (follow_up_id, recipient, announcement_id, conversation_ref, target_activity_id, state, attempts,
                            last_status, result_activity_id)
VALUES (1, 'up-user-3', 105, 3, '1:up-act-105-3', 'done', 1, 201, '1:up-reminder-3'),
       (1, 'up-user-5', 105, 5, '1:up-act-105-5', 'done', 1, 201, '1:up-reminder-5'),
       (2, 'up-user-1', 107, 1, '1:up-act-107-1', 'done', 1, 200, NULL),
       (2, 'up-user-2', 107, 2, '1:up-act-107-2', 'done', 1, 200, NULL),
       (2, 'up-user-3', 107, 3, '1:up-act-107-3', 'done', 1, 404, NULL);

INSERT INTO app_install (aad_object_id, state, attempts, installed_at, last_status, resolved_by)
VALUES ('up-user-19', 'installed', 1, now() - interval '10 days', 201, 'graph'),
       ('up-user-20', 'failed', 3, NULL, 403, NULL);

INSERT INTO audit_event (id, at, actor_id, actor_name, actor_kind, action, announcement_id, summary)
SELECT 1000 + a, now() - interval '3 days', 'up-author', 'Upgrade Author', 'person', act, a, 'seeded before the upgrade'
FROM (VALUES (101, 'create'), (102, 'schedule'), (103, 'send'), (104, 'pause'), (105, 'send'), (106, 'cancel'),
             (107, 'recall'), (108, 'notification')) AS t(a, act);
INSERT INTO audit_event (id, at, actor_id, actor_name, actor_kind, action, announcement_id, summary)
VALUES (1200, now() - interval '1 day', 'up-admin', 'Upgrade Admin', 'person', 'settings_change', NULL, 'approval: off');
SELECT setval(pg_get_serial_sequence('audit_event', 'id'), 5000) > 0 AS moved;

-- The live counts the dispatcher kept as it went.
UPDATE announcement a
SET recipients = d.total, delivered = d.delivered, failed = d.failed, blocked = d.blocked, opted_out = d.opted_out,
    canceled = d.canceled
FROM (SELECT announcement_id, count(*) AS total, count(*) FILTER (WHERE state = 'delivered') AS delivered,
             count(*) FILTER (WHERE state = 'failed') AS failed, count(*) FILTER (WHERE state = 'blocked') AS blocked,
             count(*) FILTER (WHERE state = 'opted_out') AS opted_out, count(*) FILTER (WHERE state = 'canceled') AS canceled
      FROM delivery GROUP BY announcement_id) d
WHERE a.id = d.announcement_id;
