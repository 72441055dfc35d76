export { ingestorService } from './service.js';
