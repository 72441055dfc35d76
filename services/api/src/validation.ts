import type { FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { validationError } from './errors.js';

/**
 * Validates a request part with its zod schema and, unlike the type
 * provider's stock compiler, answers in the API's error format with every
 * bad field named (`body.note: …`, `query.limit: …`).
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: validationError(httpPart ?? 'body', result.error) };
  };
