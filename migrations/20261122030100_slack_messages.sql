-- Every Slack message the notification worker posted, so an item's alerts can
-- be edited in place (chat.update) when its state changes, and so bursts can
-- thread their alerts under one summary.
CREATE TABLE slack_messages (
  id                bigserial PRIMARY KEY,
  outbox_id         bigint UNIQUE REFERENCES notification_outbox (id) ON DELETE SET NULL,
  item_id           uuid REFERENCES items (id) ON DELETE CASCADE,
  role              text NOT NULL CHECK (role IN ('alert', 'burst-summary', 'other')),
  channel_key       text NOT NULL,                  -- the outbox recipient: channel id, #name or user id
  channel           text NOT NULL,                  -- the channel id Slack answered with (D… for a DM)
  ts                text NOT NULL,
  thread_ts         text,                           -- set for alerts threaded under a burst summary
  payload           jsonb NOT NULL,                 -- what was rendered, to render it again for chat.update
  rendered_version  text,                           -- the item's state version the message shows
  posted_at         timestamptz NOT NULL,
  CONSTRAINT slack_messages_channel_ts_key UNIQUE (channel, ts)
);
CREATE INDEX slack_messages_item_idx ON slack_messages (item_id) WHERE item_id IS NOT NULL;
-- Burst detection counts a channel's recent top-level alerts.
CREATE INDEX slack_messages_recent_top_level_idx ON slack_messages (channel_key, posted_at) WHERE thread_ts IS NULL AND role = 'alert';

-- One row per Slack channel (or DM user) the worker posts to, shared by every
-- replica: pacing (about one message per second per channel), Retry-After
-- pauses, the one-call-at-a-time lease, and the burst in progress.
CREATE TABLE slack_channel_state (
  channel_key       text PRIMARY KEY,
  next_post_at      timestamptz NOT NULL DEFAULT '-infinity',
  busy_until        timestamptz,                    -- a worker is calling Slack for this channel until then
  busy_outbox_id    bigint,
  burst_channel     text,
  burst_ts          text,                           -- the summary message alerts are threaded under
  burst_last_at     timestamptz,                    -- the burst ends after a quiet window
  updated_at        timestamptz NOT NULL DEFAULT now()
);
