-- A failed send whose request may still have reached the provider (a timeout,
-- a dropped connection, a 5xx) leaves the row marked: its next attempt looks
-- for the earlier message before posting, so a retry never posts twice.
-- The search starts at the row's first attempt: a message posted by any
-- attempt since (a rate-limited search in between moves nothing) is found.
ALTER TABLE notification_outbox
  ADD COLUMN delivery_uncertain boolean NOT NULL DEFAULT false,
  ADD COLUMN first_attempt_at timestamptz;
