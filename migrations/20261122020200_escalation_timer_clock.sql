-- Which SLA clock a step counts from: acknowledging cancels the `ack` steps
-- only, so "100% handle" still fires for an acknowledged but unhandled item.
-- Rows written before this column existed stay NULL and are treated as `ack`.
ALTER TABLE escalation_timers ADD COLUMN clock text CHECK (clock IN ('ack', 'handle'));
CREATE INDEX escalation_timers_item_pending_idx ON escalation_timers (item_id) WHERE status = 'pending';
