-- Live updates for the web inbox: every change to an item (row written, or a
-- timeline event such as a note) sends one NOTIFY on `earshot_item_changes`,
-- whichever process made it (the router in another container, the API, Slack
-- buttons). The API holds one LISTEN connection and fans out to browsers.
--
-- Deferred constraint triggers run at commit, once the transaction's writes
-- are final, so the payload names the item's team and assignee as committed;
-- PostgreSQL folds identical payloads of one transaction into one message.
-- Payload (well under the 8000-byte limit): {"itemId", "teamIds", "assigneeIds"}
-- with the previous team and assignee too, so the queue an item left refreshes.
-- The trigger's one argument names the column that holds the item id.
CREATE FUNCTION earshot_notify_item_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  changed_id uuid := (to_jsonb(NEW) ->> TG_ARGV[0])::uuid;
  current_row items%ROWTYPE;
  team_ids text[];
  assignee_ids text[];
BEGIN
  SELECT * INTO current_row FROM items WHERE id = changed_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  team_ids := array_remove(ARRAY[current_row.team_id], NULL);
  assignee_ids := array_remove(ARRAY[current_row.assignee_id], NULL);
  IF TG_TABLE_NAME = 'items' AND TG_OP = 'UPDATE' THEN
    IF OLD.team_id IS NOT NULL AND OLD.team_id IS DISTINCT FROM current_row.team_id THEN
      team_ids := team_ids || OLD.team_id;
    END IF;
    IF OLD.assignee_id IS NOT NULL AND OLD.assignee_id IS DISTINCT FROM current_row.assignee_id THEN
      assignee_ids := assignee_ids || OLD.assignee_id;
    END IF;
  END IF;
  PERFORM pg_notify('earshot_item_changes', json_build_object('itemId', changed_id, 'teamIds', team_ids, 'assigneeIds', assignee_ids)::text);
  RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER items_notify_change
  AFTER INSERT OR UPDATE ON items
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION earshot_notify_item_change('id');

CREATE CONSTRAINT TRIGGER timeline_events_notify_change
  AFTER INSERT ON timeline_events
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION earshot_notify_item_change('item_id');
