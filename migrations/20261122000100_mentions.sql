-- Every accepted mention, once: identity is platform + external id.
CREATE TABLE mentions (
  id               text PRIMARY KEY,                -- "<platform>:<externalId>"
  platform         text NOT NULL,
  external_id      text NOT NULL,
  url              text,
  title            text,
  text             text NOT NULL,
  lang             text,
  author_handle    text NOT NULL,
  author_name      text,
  author_followers integer,
  author_verified  boolean,
  engagement       jsonb NOT NULL DEFAULT '{}',
  matched_brands   text[] NOT NULL DEFAULT '{}',
  source_id        text,
  payload          jsonb NOT NULL,                  -- the mention exactly as received
  created_at       timestamptz NOT NULL,            -- when it was posted
  received_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT mentions_platform_external_id_key UNIQUE (platform, external_id)
);
CREATE INDEX mentions_created_at_idx ON mentions (created_at);
CREATE INDEX mentions_matched_brands_idx ON mentions USING gin (matched_brands);

CREATE TABLE classifications (
  mention_id           text PRIMARY KEY REFERENCES mentions (id) ON DELETE CASCADE,
  sentiment_label      text NOT NULL CHECK (sentiment_label IN ('negative', 'neutral', 'positive')),
  sentiment_score      real NOT NULL,
  sentiment_confidence real NOT NULL,
  urgency              smallint NOT NULL CHECK (urgency BETWEEN 0 AND 100),
  urgency_reasons      text[] NOT NULL DEFAULT '{}',
  category             text NOT NULL,
  priority             text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  burst_of             text REFERENCES mentions (id) ON DELETE SET NULL,
  model_version        text NOT NULL,
  classified_at        timestamptz NOT NULL
);
