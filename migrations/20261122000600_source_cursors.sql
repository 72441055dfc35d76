-- One durable cursor per source; it moves only after the bus accepted the
-- mentions of the poll that produced it.
CREATE TABLE source_cursors (
  source_id       text PRIMARY KEY,
  cursor          jsonb,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  last_polled_at  timestamptz,
  next_poll_at    timestamptz,
  last_error      text,
  failures        integer NOT NULL DEFAULT 0
);
