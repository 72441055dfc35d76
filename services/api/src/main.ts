import { runUntilSignal } from '@earshot/runtime';
import { apiService } from './service.js';

await runUntilSignal([apiService]);
