export { enqueueNotification, enqueueNotifications, requestAlertUpdate, requestAlertUpdates, type EnqueueResult } from './enqueue.js';
export {
  checkNotificationRequest,
  DigestReportSchema,
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  NotificationPayloadSchema,
  NotificationRequestError,
  type DigestPayload,
  type DigestReport,
  type ItemAlertPayload,
  type ItemEscalationPayload,
  type ItemUpdatePayload,
  type NotificationChannel,
  type NotificationKind,
  type NotificationPayload,
  type NotificationRequest,
  type SpikePayload,
} from './payload.js';
export { startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from './worker.js';
export { listDeadNotifications, requeueDeadNotifications, type DeadNotification } from './operations.js';
export {
  digestId,
  digestRecipient,
  digestWindowStart,
  runDigest,
  startDigests,
  type DigestsOptions,
  type Enqueue,
  type RunDigestOptions,
  type RunningDigests,
} from './digests.js';
export { DEFAULT_RETRY_POLICY, decideRetry, DeliveryError, retryDelayMs, type RetryDecision, type RetryPolicy } from './retry.js';
export {
  DEFAULT_SLACK_PACING,
  isChannelReady,
  placeAlert,
  releaseChannel,
  takeChannel,
  type AlertPlacement,
  type BurstState,
  type ChannelPace,
  type SlackPacingPolicy,
} from './slack/pacing.js';
export {
  renderBurstSummary,
  renderDigestMessage,
  renderItemMessage,
  renderSpikeMessage,
  type ItemMessageKind,
  type RenderContext,
  type SlackBlock,
  type SlackMessage,
} from './slack/blocks.js';
export { renderDigestEmail, renderItemEmail, renderSpikeEmail, type EmailMessage } from './email/render.js';
export { loadItemView, type ItemView, type Person } from './item-view.js';
export type { SlackSettings } from './slack/client.js';
export type { EmailSettings } from './email/transport.js';
