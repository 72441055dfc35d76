-- Who acknowledged and who handled an item (a responder id; null for an admin
-- token without a responder), so a repeated ack or handled from the same person
-- gets the same answer and one from someone else gets a conflict naming them.
ALTER TABLE items ADD COLUMN acknowledged_by text;
ALTER TABLE items ADD COLUMN handled_by text;

-- The API lists items by priority, then the next SLA deadline (ack until
-- acknowledged, then handle), then id; this index serves that keyset order.
CREATE INDEX items_list_order_idx ON items (
  priority,
  (COALESCE(CASE WHEN acknowledged_at IS NULL THEN ack_due_at ELSE handle_due_at END, 'infinity'::timestamptz)),
  id
);
