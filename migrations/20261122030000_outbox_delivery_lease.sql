-- Delivery state for the notification outbox. A worker marks a row `sending`
-- with a lease before calling Slack or SMTP, and `sent` (with the provider's
-- reference) after; a row whose lease ran out while still `sending` belonged
-- to a worker that died mid-send and is picked up again (its outcome is
-- unknown: see packages/notify/README.md, "Delivery guarantees").
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check;
ALTER TABLE notification_outbox
  ADD CONSTRAINT notification_outbox_status_check CHECK (status IN ('pending', 'sending', 'sent', 'dead'));

ALTER TABLE notification_outbox
  ADD COLUMN lease_until      timestamptz,            -- set while `sending`; past it the row is claimable again
  ADD COLUMN claimed_by       text,                   -- worker id of the latest claim, for operators
  ADD COLUMN last_attempt_at  timestamptz,
  ADD COLUMN dead_at          timestamptz;

CREATE INDEX notification_outbox_lease_idx ON notification_outbox (lease_until) WHERE status = 'sending';
-- Per-channel pacing picks the oldest due row of each Slack channel and counts
-- a channel's waiting alerts (burst detection).
CREATE INDEX notification_outbox_recipient_due_idx ON notification_outbox (recipient, next_attempt_at, id) WHERE status = 'pending';
-- Dead rows are what operators and the API list.
CREATE INDEX notification_outbox_dead_idx ON notification_outbox (dead_at) WHERE status = 'dead';
