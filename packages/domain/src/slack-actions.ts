/**
 * The `action_id`s of the buttons on a Slack alert: packages/notify renders
 * them, services/api handles the clicks. Each button's `value` is the item id.
 * `reassign` may also be a `users_select` element: its `selected_user` is then
 * the new assignee; as a plain button it sends the item back to its team's queue.
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
