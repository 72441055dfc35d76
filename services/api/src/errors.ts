import { formatPath } from '@earshot/domain';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

/**
 * Every error the API answers with: its HTTP status and whether the same
 * request may succeed later. The body is always `{ error: { code, message, details? } }`.
 */
export const ERROR_CATALOG = {
  invalid_request: { status: 400, retriable: false, summary: 'A path, query or body field is invalid; the message names it.' },
  unauthorized: { status: 401, retriable: false, summary: 'No bearer token, or an unknown or revoked one; or a Slack request whose signature does not verify.' },
  forbidden: { status: 403, retriable: false, summary: 'The token may not do this (role, or an item outside its teams).' },
  not_found: { status: 404, retriable: false, summary: 'No such item or route.' },
  state_conflict: { status: 409, retriable: false, summary: "The item's state no longer allows this; details carry the current state and item." },
  payload_too_large: { status: 413, retriable: false, summary: 'The body is larger than the route accepts.' },
  unsupported_media_type: { status: 415, retriable: false, summary: 'The body is not application/json.' },
  rate_limited: { status: 429, retriable: true, summary: 'Too many requests for this token; wait for Retry-After seconds.' },
  internal: { status: 500, retriable: true, summary: 'An unexpected error; it was logged with the request id.' },
  unavailable: { status: 503, retriable: true, summary: 'The database or the message bus is unreachable, or the item stayed locked; retry shortly.' },
} as const satisfies Record<string, { status: number; retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

export class ApiError extends Error {
  readonly statusCode: number;
  readonly retriable: boolean;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = ERROR_CATALOG[code].status;
    this.retriable = ERROR_CATALOG[code].retriable;
  }
}

export const ErrorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CATALOG) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error', description: Object.entries(ERROR_CATALOG).map(([code, entry]) => `${code} (${entry.status}): ${entry.summary}`).join('\n') });

/** The error responses every authenticated route can give, for the OpenAPI document. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorResponseSchema> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorResponseSchema])) as Record<S, typeof ErrorResponseSchema>;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Where a request part's fields are named from: `body.note`, `query.limit`, `params.id`. */
const PART_LABEL: Record<string, string> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/**
 * One problem per bad field. An unknown key is named as a field of its own;
 * for a union (one mention or an array of them) only the branch that
 * matches the input's shape is reported, not every branch's complaints.
 */
export function fieldProblems(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]): FieldProblem[] {
  return issues.flatMap((issue): FieldProblem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: formatPath([...path, key]), message: 'unknown field' }));
    }
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const shapeMatches = issue.errors.filter((branch) => !branch.some((inner) => inner.code === 'invalid_type' && inner.path.length === 0));
      const chosen = shapeMatches.length > 0 ? shapeMatches : issue.errors;
      return fieldProblems(chosen.reduce((best, branch) => (branch.length < best.length ? branch : best)), path);
    }
    return [{ field: formatPath(path), message: issue.message }];
  });
}

export function validationError(httpPart: string, error: z.ZodError): ApiError {
  const problems = fieldProblems(error.issues, [PART_LABEL[httpPart] ?? httpPart]);
  return new ApiError('invalid_request', problems.map((p) => `${p.field}: ${p.message}`).join('; '), { problems });
}

/** Errors PostgreSQL or the pool raise when the database cannot serve right now. */
const UNAVAILABLE_PG_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT']);

function isUnavailable(error: Error & { code?: unknown }): boolean {
  return (typeof error.code === 'string' && UNAVAILABLE_PG_CODES.has(error.code)) || /timeout exceeded when trying to connect|Connection terminated/i.test(error.message);
}

/** Maps fastify's own request errors (parsing, limits) to the catalog, with a message a client can act on. */
function fromFastifyError(error: FastifyError, request: FastifyRequest): ApiError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', `body: larger than the ${request.routeOptions.bodyLimit ?? 'allowed'} bytes this route accepts`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', `body: Content-Type ${request.headers['content-type'] ?? '(none)'} is not accepted; send application/json`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid_request', 'body: empty, but Content-Type says application/json; send a JSON body or no Content-Type');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new ApiError('invalid_request', 'body: not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('invalid_request', 'Content-Length does not match the body');
  }
  // JSON.parse failures surface as a SyntaxError that fastify marks 400.
  if (error instanceof SyntaxError && error.statusCode === 400) return new ApiError('invalid_request', 'body: not valid JSON');
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    const entry = Object.entries(ERROR_CATALOG).find(([, value]) => value.status === error.statusCode);
    if (entry) return new ApiError(entry[0] as ErrorCode, error.message);
  }
  return null;
}

/**
 * The API scope's one error handler: catalog errors go out as they are,
 * fastify's request errors are translated, and anything else is logged in
 * full and answered with a generic message that leaks no internals.
 */
export function handleApiError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let known = error instanceof ApiError ? error : fromFastifyError(error, request);
  if (!known && isUnavailable(error)) {
    request.log.warn({ err: error }, 'dependency unavailable');
    known = new ApiError('unavailable', 'the database or message bus is unavailable; retry shortly');
  }
  if (!known) {
    request.log.error({ err: error, route: request.routeOptions.url }, 'unexpected error');
    known = new ApiError('internal', `internal error (request ${request.id}); it was logged`);
  }
  // Rate-limit answers carry their own Retry-After; an outage gets a short one.
  if (known.code === 'unavailable') void reply.header('retry-after', '5');
  return reply.code(known.statusCode).send({ error: { code: known.code, message: known.message, ...(known.details ? { details: known.details } : {}) } });
}

export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
}
