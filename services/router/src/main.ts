import { runUntilSignal } from '@earshot/runtime';
import { routerService } from './service.js';

await runUntilSignal([routerService]);
