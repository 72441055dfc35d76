-- Near-duplicate mentions grouped into an existing item (items.mention_count).
-- The primary key makes counting a redelivered burst mention impossible.
CREATE TABLE item_burst_mentions (
  mention_id  text PRIMARY KEY,                     -- "<platform>:<externalId>" of the near-duplicate
  item_id     uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  added_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_burst_mentions_item_idx ON item_burst_mentions (item_id);
