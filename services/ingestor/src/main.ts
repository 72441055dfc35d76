import { runUntilSignal } from '@earshot/runtime';
import { ingestorService } from './service.js';

await runUntilSignal([ingestorService]);
