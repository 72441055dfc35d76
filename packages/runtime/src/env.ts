import { summarizeZodError } from '@earshot/domain';
import { z } from 'zod';

export const SERVICE_NAMES = ['ingestor', 'classifier', 'router', 'api'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const commaList = z
  .string()
  .optional()
  .transform((text) => (text ?? '').split(',').map((part) => part.trim()).filter(Boolean));

/** The environment every Earshot process reads (DESIGN.md, "Environment"). */
export const CommonEnvSchema = z.object({
  /** YAML config path; else ./earshot.yaml, else the built-in demo config. */
  EARSHOT_CONFIG: z.string().min(1).optional(),
  /** Embedded PostgreSQL data and its address file. */
  EARSHOT_DATA_DIR: z.string().min(1).default('./.earshot'),
  /** Which services this process runs; all by default. */
  EARSHOT_SERVICES: commaList.pipe(z.array(z.enum(SERVICE_NAMES, { error: `must list services among ${SERVICE_NAMES.join(', ')}` }))).transform(
    (names) => (names.length === 0 ? [...SERVICE_NAMES] : [...new Set(names)]),
  ),
  /** External PostgreSQL ≥ 14; unset means embedded. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Comma list of Kafka brokers; unset means the embedded Postgres-backed bus. */
  KAFKA_BROKERS: commaList,
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  /** HTTP port for the API and the health, readiness and metrics endpoints. */
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Time allowed for a graceful stop after SIGTERM, in ms; keep below the container's grace period. */
  EARSHOT_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(9_000),
});
export type CommonEnv = Readonly<z.infer<typeof CommonEnvSchema>>;

export class EnvError extends Error {
  constructor(message: string) {
    super(`invalid environment: ${message}`);
    this.name = 'EnvError';
  }
}

/** Parses an environment with `schema`, naming every bad variable; the result is frozen. */
export function parseEnv<S extends z.ZodType>(schema: S, source: Record<string, string | undefined>): Readonly<z.infer<S>> {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new EnvError(summarizeZodError(parsed.error));
  return Object.freeze(parsed.data) as Readonly<z.infer<S>>;
}

export function loadCommonEnv(source: Record<string, string | undefined> = process.env): CommonEnv {
  return parseEnv(CommonEnvSchema, source);
}
