-- Where each team's rotation stands: the member it last gave work to.
-- Round-robin continues after them; least-loaded uses it to break ties, so
-- members with equal loads take turns. Assignments lock the team first
-- (advisory lock), so replicas do not race on it.
CREATE TABLE team_rotation (
  team_id            text PRIMARY KEY,              -- no foreign key: teams come and go with the config
  last_responder_id  text NOT NULL,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
