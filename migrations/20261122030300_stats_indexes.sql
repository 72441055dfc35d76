-- GET /v1/stats and digests: the backlog per team reads only unhandled items.
CREATE INDEX items_backlog_idx ON items (team_id) WHERE state <> 'handled';
