-- V93 (topics turned off in the tab) and V97 (the e-mail unsubscribe link) each rebuilt the
-- opt-out source check from the list before them, on parallel branches; V97 ran last and
-- dropped 'tab'. Every source Herald writes.
ALTER TABLE opt_out DROP CONSTRAINT opt_out_source_check;
ALTER TABLE opt_out ADD CONSTRAINT opt_out_source_check
  CHECK (source IN ('command', 'card', 'admin', 'tab', 'email'));
