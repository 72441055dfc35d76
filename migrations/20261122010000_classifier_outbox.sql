-- Messages the classifier has decided to send (classified mentions, spike
-- alerts), written in the same transaction as the change they announce,
-- published after the commit and deleted once the bus has them. A crash
-- between commit and publish leaves the row for the next drain: at least
-- once, never lost, and never enqueued twice (only new mentions and new
-- spikes enqueue).
CREATE TABLE classifier_outbox (
  id           bigserial PRIMARY KEY,
  topic        text NOT NULL CHECK (topic IN ('mentions.classified', 'alerts.spikes')),
  message_key  text NOT NULL,
  payload      jsonb NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
