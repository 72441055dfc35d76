export {
  AuthorSchema,
  EngagementSchema,
  MentionSchema,
  PlatformSchema,
  PostRefSchema,
  mentionId,
  parseMentionLine,
  type Author,
  type Engagement,
  type Mention,
  type MentionInput,
  type Platform,
} from './mention.js';
export {
  CATEGORIES,
  CategorySchema,
  ClassificationSchema,
  ClassifiedMentionSchema,
  PRIORITIES,
  PrioritySchema,
  SENTIMENT_LABELS,
  SentimentLabelSchema,
  SentimentSchema,
  UrgencySchema,
  type Category,
  type Classification,
  type ClassifiedMention,
  type Priority,
  type Sentiment,
  type SentimentLabel,
  type Urgency,
} from './classification.js';
export {
  ActorSchema,
  ITEM_STATES,
  ItemSchema,
  ItemStateSchema,
  SYSTEM_ACTOR,
  TIMELINE_EVENT_TYPES,
  TimelineEventSchema,
  TimelineEventTypeSchema,
  type Actor,
  type Item,
  type ItemState,
  type TimelineEvent,
  type TimelineEventType,
} from './item.js';
export { DeadLetterSchema, type DeadLetter } from './dead-letter.js';
export { describeZodError, formatPath, summarizeZodError, type FieldProblem } from './validation.js';
export { SpikeAlertSchema, type SpikeAlert } from './spike.js';
export { itemIdOfSlackBlock, SLACK_ACTION_IDS, SLACK_SNOOZE_MS, slackItemBlockId, type SlackActionId } from './slack-actions.js';
