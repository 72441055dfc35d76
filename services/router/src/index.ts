export { routerService } from './service.js';
