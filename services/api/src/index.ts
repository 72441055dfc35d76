export { apiService } from './service.js';
