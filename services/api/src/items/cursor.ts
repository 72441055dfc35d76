import { PrioritySchema, type Priority } from '@earshot/domain';
import { z } from 'zod';
import { ApiError } from '../errors.js';

/** Where a page ended in the list order: priority, then next SLA deadline ('infinity' when none), then id. */
export interface ListPosition {
  priority: Priority;
  due: string;
  id: string;
}

const PositionSchema = z.tuple([PrioritySchema, z.union([z.literal('infinity'), z.iso.datetime()]), z.uuid()]);

/** Opaque to clients: base64url of the position, so its shape can change without breaking them. */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.priority, position.due, position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    json = null;
  }
  const parsed = PositionSchema.safeParse(json);
  if (!parsed.success) throw new ApiError('invalid_request', 'query.cursor: not a cursor this API returned; pass nextCursor from the previous page unchanged');
  const [priority, due, id] = parsed.data;
  return { priority, due, id };
}
