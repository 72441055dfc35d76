import { runUntilSignal } from '@earshot/runtime';
import { classifierService } from './service.js';

await runUntilSignal([classifierService]);
