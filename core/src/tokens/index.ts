export { TokenService } from './token-service.js';
export type { NewToken } from './token-service.js';
export { tokenAllows } from './token-scope.js';
export type { Access } from './token-scope.js';
export { hashTokenSecret, TOKEN_PREFIX } from './token-secret.js';
