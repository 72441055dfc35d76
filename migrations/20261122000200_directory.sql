-- Responders and teams are defined in the config and synced here at startup,
-- so items, tokens and stats can refer to them.
CREATE TABLE responders (
  id             text PRIMARY KEY,
  name           text NOT NULL,
  email          text,
  slack_user_id  text UNIQUE,
  languages      text[] NOT NULL DEFAULT '{en}',
  timezone       text,
  active         boolean NOT NULL DEFAULT true,     -- false once removed from the config
  synced_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE teams (
  id                      text PRIMARY KEY,
  name                    text,
  lead_id                 text REFERENCES responders (id),
  on_call_id              text REFERENCES responders (id),
  slack_channel           text,
  strategy                text NOT NULL CHECK (strategy IN ('least-loaded', 'round-robin')),
  max_open_per_responder  integer,
  active                  boolean NOT NULL DEFAULT true,
  synced_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_members (
  team_id       text NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  responder_id  text NOT NULL REFERENCES responders (id) ON DELETE CASCADE,
  position      integer NOT NULL,                   -- order in the config, for round-robin
  PRIMARY KEY (team_id, responder_id)
);
