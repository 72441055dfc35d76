/**
 * The `action_id`s of the buttons on a Slack alert: packages/notify renders
 * them, services/api handles the clicks. Each button's `value` is the item id.
 * `reassign` may also be a `users_select` element: its `selected_user` is then
 * the new assignee (a select has no `value`, so the item id is read from the
 * actions block's `block_id`, see slackItemBlockId); as a plain button it
 * sends the item back to its team's queue.
 */
export const SLACK_ACTION_IDS = {
  acknowledge: 'earshot.ack',
  handled: 'earshot.handled',
  snooze: 'earshot.snooze_1h',
  reassign: 'earshot.reassign',
} as const;
export type SlackActionId = (typeof SLACK_ACTION_IDS)[keyof typeof SLACK_ACTION_IDS];

/** How long the alert's Snooze button snoozes an item, in ms. */
export const SLACK_SNOOZE_MS = 60 * 60 * 1000;

const ITEM_BLOCK_PREFIX = 'earshot.item:';

/** The `block_id` of an alert's actions block: names the item for elements that carry no value. */
export function slackItemBlockId(itemId: string): string {
  return `${ITEM_BLOCK_PREFIX}${itemId}`;
}

/** The item id in a `block_id` made by slackItemBlockId, or null. */
export function itemIdOfSlackBlock(blockId: string | undefined): string | null {
  return blockId?.startsWith(ITEM_BLOCK_PREFIX) ? blockId.slice(ITEM_BLOCK_PREFIX.length) : null;
}
