-- Escalation timers: one row per (item, step); a router fires due rows with
-- FOR UPDATE SKIP LOCKED, so each fires once whatever the number of replicas.
CREATE TABLE escalation_timers (
  id          bigserial PRIMARY KEY,
  item_id     uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  step_index  integer NOT NULL,
  due_at      timestamptz NOT NULL,
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'fired', 'cancelled')),
  fired_at    timestamptz,
  CONSTRAINT escalation_timers_item_step_key UNIQUE (item_id, step_index)
);
CREATE INDEX escalation_timers_due_idx ON escalation_timers (due_at) WHERE status = 'pending';

-- Notification outbox: the dedupe key (item, step, recipient) makes a
-- redelivered message or a restart unable to enqueue the same alert twice.
CREATE TABLE notification_outbox (
  id               bigserial PRIMARY KEY,
  dedupe_key       text NOT NULL UNIQUE,
  item_id          uuid REFERENCES items (id) ON DELETE CASCADE,
  kind             text NOT NULL,                   -- alert, escalation, update, digest, spike
  channel          text NOT NULL CHECK (channel IN ('slack', 'slack-dm', 'email')),
  recipient        text NOT NULL,
  payload          jsonb NOT NULL,
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  provider_ref     text,                            -- Slack channel + ts, or SMTP message id
  created_at       timestamptz NOT NULL DEFAULT now(),
  sent_at          timestamptz
);
CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status = 'pending';
