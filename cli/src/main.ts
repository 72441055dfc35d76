import { parseArgs } from 'node:util';
import { ConfigError } from '@earshot/config';
import { createLogger } from '@earshot/logging';
import { EnvError, loadCommonEnv, runUntilSignal } from '@earshot/runtime';
import { classifyCommand } from './commands/classify.js';
import { configCheck } from './commands/config-check.js';
import { replay } from './commands/replay.js';
import { tokenCreate, tokenList, tokenRevoke } from './commands/token.js';
import { migrateCommand } from './commands/migrate.js';
import { ALL_SERVICES } from './services.js';
import { UsageError } from './usage.js';

const HELP = `earshot — brand-mention monitoring and response

usage:
  earshot start                          run the services named by EARSHOT_SERVICES (default all) until SIGTERM
  earshot migrate                        apply pending database migrations
  earshot config check [FILE]            validate a config file (default: EARSHOT_CONFIG, ./earshot.yaml, or the demo)
  earshot token create [--responder ID] [--role responder|lead|admin] [--label TEXT]
  earshot token revoke TOKEN_ID
  earshot token list
  earshot replay FILE.ndjson             publish recorded mentions on mentions.raw
  earshot classify [--config FILE]       classify lines on stdin (text or mention JSON), one JSON result per line
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      responder: { type: 'string' },
      role: { type: 'string' },
      label: { type: 'string' },
      config: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, sub, argument] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const env = loadCommonEnv();
  // Commands print their results on stdout; logs go to stderr and stay quiet unless asked.
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? 'warn', name: 'earshot-cli', destination: process.stderr });

  switch (command) {
    case 'start':
      await runUntilSignal(ALL_SERVICES);
      return -1;
    case 'migrate':
      return migrateCommand(env, logger);
    case 'config':
      if (sub !== 'check') throw new UsageError('usage: earshot config check [FILE]');
      return configCheck(argument, env);
    case 'token':
      if (sub === 'create') return tokenCreate(values, env, logger);
      if (sub === 'revoke') return tokenRevoke(argument, env, logger);
      if (sub === 'list') return tokenList(env, logger);
      throw new UsageError('usage: earshot token create|revoke|list');
    case 'replay':
      return replay(sub, env, logger);
    case 'classify':
      return classifyCommand(values.config, env);
    default:
      throw new UsageError(`unknown command "${command}"\n\n${HELP}`);
  }
}

try {
  const code = await main(process.argv.slice(2));
  // `start` keeps running and exits through its signal handlers.
  if (code >= 0) process.exit(code);
} catch (error) {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError || error instanceof EnvError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`earshot: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
}
