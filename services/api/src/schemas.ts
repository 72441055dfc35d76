import {
  ActorSchema,
  ClassificationSchema,
  ITEM_STATES,
  ItemSchema,
  MentionSchema,
  PRIORITIES,
  TimelineEventSchema,
} from '@earshot/domain';
import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
/** Responder and team ids, as the config spells them. */
const DirectoryId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be a responder or team id of letters, digits, - and _');

/** `?status=open,acknowledged`: one value or a comma list, each checked. */
function commaListOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values, { error: `must be one or more of ${values.join(', ')}, separated by commas` })).min(1, 'must not be empty'));
}

export const ItemIdParamsSchema = z.strictObject({ id: z.uuid({ error: 'must be an item id (a UUID)' }) });

export const ListItemsQuerySchema = z.strictObject({
  status: commaListOf(ITEM_STATES).optional().describe(`One or more of ${ITEM_STATES.join(', ')}, comma-separated.`),
  assignee: z
    .union([z.literal('me'), z.literal('none'), DirectoryId])
    .optional()
    .describe('`me` (the token\'s responder), `none` (unassigned, in a team queue) or a responder id.'),
  team: DirectoryId.optional(),
  priority: commaListOf(PRIORITIES).optional().describe('One or more of P1, P2, P3, P4, comma-separated.'),
  brand: DirectoryId.optional(),
  platform: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a platform name like "x" or "reddit"').optional(),
  cursor: z.string().min(1).max(512).optional().describe('`nextCursor` of the previous page.'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListItemsQuery = z.infer<typeof ListItemsQuerySchema>;

/** An item as the API shows it: the domain item plus who acknowledged and handled it. */
export const ItemViewSchema = ItemSchema.extend({
  routingRule: z.string().nullable(),
  slaApplies: z.boolean(),
  assignedAt: isoTime.nullable(),
  acknowledgedBy: z.string().nullable().describe('Responder who acknowledged it; null for an admin token without a responder.'),
  handledBy: z.string().nullable(),
  updatedAt: isoTime,
}).meta({ id: 'Item' });
export type ItemView = z.infer<typeof ItemViewSchema>;

export const ItemListEntrySchema = ItemViewSchema.extend({
  mention: z.strictObject({
    platform: z.string(),
    url: z.string().nullable(),
    authorHandle: z.string(),
    /** The first 280 characters of the text. */
    excerpt: z.string(),
  }),
}).meta({ id: 'ItemListEntry' });
export type ItemListEntry = z.infer<typeof ItemListEntrySchema>;

export const ItemListSchema = z.strictObject({
  items: z.array(ItemListEntrySchema),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
});

export const TimelineEntrySchema = TimelineEventSchema.extend({ actor: ActorSchema }).meta({ id: 'TimelineEvent' });

export const ItemDetailSchema = z
  .strictObject({
    item: ItemViewSchema,
    mention: MentionSchema,
    classification: ClassificationSchema.nullable(),
    assignment: z.strictObject({
      teamId: z.string().nullable(),
      assigneeId: z.string().nullable(),
      assignedAt: isoTime.nullable(),
      routingRule: z.string().nullable(),
      slaApplies: z.boolean(),
      ackDueAt: isoTime.nullable(),
      handleDueAt: isoTime.nullable(),
    }),
    timeline: z.array(TimelineEntrySchema).describe('Oldest first.'),
  })
  .meta({ id: 'ItemDetail' });
export type ItemDetail = z.infer<typeof ItemDetailSchema>;

const NoteText = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');

/** Actions without a body accept none, or an empty JSON object. */
export const EmptyBodySchema = z.strictObject({}).nullish();
export const HandledBodySchema = z.strictObject({ note: NoteText.optional() }).nullish();
export const NoteBodySchema = z.strictObject({ text: NoteText });
export const SnoozeBodySchema = z.strictObject({ until: isoTime.describe('When escalation resumes; in the future, at most 30 days ahead.') });
export const ReassignBodySchema = z
  .strictObject({
    responder: DirectoryId.optional().describe('Assign to this responder (a member of the item\'s team, or of `team` when given).'),
    team: DirectoryId.optional().describe('Move to this team; without `responder` the item waits in its queue for the router.'),
  })
  .refine((body) => body.responder !== undefined || body.team !== undefined, { message: 'give responder, team or both' });

/** Loose: the validated headers replace request.headers, and every other header must survive. */
export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z.string().min(1).max(200).optional().describe('Repeating a note with the same key adds it once.'),
});

export const NoteResponseSchema = z.strictObject({ item: ItemViewSchema, event: TimelineEntrySchema });

export function mentionsBodySchema(maxPerRequest: number) {
  return z
    .union([MentionSchema, z.array(MentionSchema).min(1, 'send at least one mention').max(maxPerRequest, `send at most ${maxPerRequest} mentions per request`)])
    .describe('One mention or an array of them, as published on mentions.raw.');
}

export const MentionsAcceptedSchema = z
  .strictObject({
    ids: z.array(z.string()).describe('Every mention id of the request (`<platform>:<externalId>`), in order, without repeats.'),
    queued: z.array(z.string()).describe('Published to mentions.raw for classification.'),
    alreadyStored: z.array(z.string()).describe('Already classified and stored earlier: not published again.'),
  })
  .meta({ id: 'MentionsAccepted' });
