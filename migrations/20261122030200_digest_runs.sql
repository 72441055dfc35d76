-- One row per scheduled digest run: the first replica to insert it computes
-- and enqueues the digest; the others find it there and do nothing. The
-- previous run's time is where the next digest's window starts.
CREATE TABLE digest_runs (
  digest_id     text NOT NULL,
  scheduled_at  timestamptz NOT NULL,
  window_from   timestamptz NOT NULL,
  window_to     timestamptz NOT NULL,
  recipients    integer NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (digest_id, scheduled_at)
);
