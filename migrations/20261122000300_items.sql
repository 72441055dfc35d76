-- One item per mention to answer (near-duplicates add to mention_count), with
-- its assignment, state and SLA deadlines.
CREATE TABLE items (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  mention_id       text NOT NULL UNIQUE REFERENCES mentions (id),
  brand_id         text,
  state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'snoozed', 'handled')),
  priority         text NOT NULL CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  category         text NOT NULL,
  team_id          text,                            -- no foreign key: history outlives config changes
  assignee_id      text,
  routing_rule     text,
  sla_applies      boolean NOT NULL DEFAULT true,
  mention_count    integer NOT NULL DEFAULT 1 CHECK (mention_count > 0),
  ack_due_at       timestamptz,
  handle_due_at    timestamptz,
  snoozed_until    timestamptz,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  assigned_at      timestamptz,
  acknowledged_at  timestamptz,
  handled_at       timestamptz
);
CREATE INDEX items_queue_idx ON items (team_id, state, priority, ack_due_at);
CREATE INDEX items_assignee_idx ON items (assignee_id, state);
CREATE INDEX items_created_at_idx ON items (created_at);
-- Items waiting for capacity, assigned oldest first.
CREATE INDEX items_unassigned_idx ON items (team_id, created_at) WHERE assignee_id IS NULL AND state <> 'handled';

CREATE TABLE timeline_events (
  id          bigserial PRIMARY KEY,
  item_id     uuid NOT NULL REFERENCES items (id) ON DELETE CASCADE,
  at          timestamptz NOT NULL DEFAULT now(),
  type        text NOT NULL,
  actor_kind  text NOT NULL CHECK (actor_kind IN ('system', 'responder', 'admin')),
  actor_id    text,
  via         text NOT NULL CHECK (via IN ('system', 'api', 'slack', 'web', 'cli')),
  message     text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX timeline_events_item_idx ON timeline_events (item_id, id);
