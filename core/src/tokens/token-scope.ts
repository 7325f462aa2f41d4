import type { StoredToken } from '../metadata/index.js';

export type Access = 'read' | 'write';

/** Whether a token's scopes allow `access` on `repo`: `write` includes `read`, `*` is every repository. */
export function tokenAllows(token: StoredToken, repo: string, access: Access): boolean {
  return token.scopes.some(
    (scope) => (scope.access === 'write' || access === 'read') && scope.repositories.some((name) => name === '*' || name === repo),
  );
}
