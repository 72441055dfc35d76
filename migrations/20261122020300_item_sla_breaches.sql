-- When an item's SLA was seen breached, once per clock: the router records
-- each breach once (timeline, metric) however many replicas watch the clock.
ALTER TABLE items ADD COLUMN ack_breached_at timestamptz;
ALTER TABLE items ADD COLUMN handle_breached_at timestamptz;
CREATE INDEX items_ack_breach_watch_idx ON items (ack_due_at)
  WHERE ack_breached_at IS NULL AND acknowledged_at IS NULL AND state <> 'handled';
CREATE INDEX items_handle_breach_watch_idx ON items (handle_due_at)
  WHERE handle_breached_at IS NULL AND state <> 'handled';
