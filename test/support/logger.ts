import { createLogger } from '@earshot/logging';

/** Quiet unless a failing test needs the story: `TEST_LOG_LEVEL=debug pnpm test`. */
export const testLogger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
