import { apiService } from '@earshot/api';
import { classifierService } from '@earshot/classifier';
import { ingestorService } from '@earshot/ingestor';
import { routerService } from '@earshot/router';
import type { ServiceDefinition } from '@earshot/runtime';

/** Everything `earshot start` can run in one process; EARSHOT_SERVICES picks among them. */
export const ALL_SERVICES: readonly ServiceDefinition[] = [ingestorService, classifierService, routerService, apiService];
