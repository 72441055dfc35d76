import type { Classification, Item, Mention, TimelineEvent } from '@earshot/domain';

/** The shapes of the REST API's answers the inbox reads (see GET /docs). Type-only: nothing of the server is bundled. */
export interface ItemView extends Item {
  routingRule: string | null;
  slaApplies: boolean;
  assignedAt: string | null;
  acknowledgedBy: string | null;
  handledBy: string | null;
  updatedAt: string;
}

export interface ItemListEntry extends ItemView {
  mention: { platform: string; url: string | null; authorHandle: string; excerpt: string };
}

export interface ItemList {
  items: ItemListEntry[];
  nextCursor: string | null;
}

export interface ItemDetail {
  item: ItemView;
  mention: Mention;
  classification: Classification | null;
  assignment: { teamId: string | null; assigneeId: string | null; routingRule: string | null; ackDueAt: string | null; handleDueAt: string | null };
  timeline: TimelineEvent[];
}

export interface Me {
  role: 'responder' | 'lead' | 'admin';
  responderId: string | null;
  name: string | null;
  teamIds: string[];
}

export interface Directory {
  brands: Array<{ id: string; name: string; competitor: boolean }>;
  teams: Array<{ id: string; name: string; leadId: string | null; memberIds: string[] }>;
  responders: Array<{ id: string; name: string }>;
}
