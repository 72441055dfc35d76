-- The embedded (single-machine) message bus: an append-only log per topic and
-- a committed position per consumer group, both durable.
CREATE TABLE bus_messages (
  id          bigserial PRIMARY KEY,
  topic       text NOT NULL,
  key         text,
  value       text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bus_messages_topic_idx ON bus_messages (topic, id);

CREATE TABLE bus_offsets (
  group_id    text NOT NULL,
  topic       text NOT NULL,
  position    bigint NOT NULL,                      -- id of the last message fully processed
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic)
);
