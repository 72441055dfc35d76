-- Per brand: the negative-mention baseline and the window being counted
-- (packages/classification, spikes.ts). Kept durable so a restart neither
-- forgets the baseline nor alerts the same spike twice; replicas take the
-- brand's row lock while they count.
CREATE TABLE spike_states (
  brand_id           text PRIMARY KEY,
  window_start       timestamptz NOT NULL,
  negative_count     integer NOT NULL CHECK (negative_count >= 0),
  examples           jsonb NOT NULL DEFAULT '[]',
  baseline_mean      double precision NOT NULL,
  baseline_variance  double precision NOT NULL,
  windows_observed   integer NOT NULL,
  active_spike_id    text,                           -- set while a spike is in progress (alerted once)
  updated_at         timestamptz NOT NULL DEFAULT now()
);
