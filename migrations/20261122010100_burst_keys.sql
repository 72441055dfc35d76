-- Near-duplicate keys of recent mentions (packages/classification, bursts.ts):
-- a repost, a bare quote or a syndicated copy sharing a key with an earlier
-- mention attaches to that burst's first mention. Rows past the burst window
-- are ignored and swept by the classifier.
CREATE TABLE burst_keys (
  key              text PRIMARY KEY,
  root_mention_id  text NOT NULL REFERENCES mentions (id) ON DELETE CASCADE,
  first_seen_at    timestamptz NOT NULL,
  last_seen_at     timestamptz NOT NULL,
  authors          text[] NOT NULL DEFAULT '{}'    -- distinct handles seen with the key, a few at most
);
CREATE INDEX burst_keys_last_seen_at_idx ON burst_keys (last_seen_at);
CREATE INDEX burst_keys_root_mention_id_idx ON burst_keys (root_mention_id);
