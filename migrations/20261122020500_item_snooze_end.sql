-- Snoozes that end: the router puts the item back to its state before the snooze.
CREATE INDEX items_snooze_end_idx ON items (snoozed_until) WHERE state = 'snoozed';
