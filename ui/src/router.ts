import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`/ui/#/repositories/npmjs`): the server serves one index.html and needs no
 * fallback for deep links, and every view is a bookmarkable URL.
 */
export type Route =
  | { page: 'dashboard' }
  | { page: 'repositories' }
  | { page: 'new-remote' }
  | { page: 'new-virtual' }
  | { page: 'repository'; kind: 'remote' | 'virtual'; name: string; tab: 'objects' | 'setup' }
  | { page: 'edit-remote'; name: string }
  | { page: 'edit-virtual'; name: string }
  | { page: 'events' }
  | { page: 'not-found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = parts;
  if (parts.length === 0) return { page: 'dashboard' };
  if (first === 'events' && parts.length === 1) return { page: 'events' };
  if (first === 'repositories') {
    if (parts.length === 1) return { page: 'repositories' };
    if (second === 'new' && parts.length === 2) return { page: 'new-remote' };
    if (parts.length === 2) return { page: 'repository', kind: 'remote', name: second!, tab: 'objects' };
    if (parts.length === 3 && third === 'setup') return { page: 'repository', kind: 'remote', name: second!, tab: 'setup' };
    if (parts.length === 3 && third === 'edit') return { page: 'edit-remote', name: second! };
  }
  if (first === 'virtuals') {
    if (second === 'new' && parts.length === 2) return { page: 'new-virtual' };
    if (parts.length === 2) return { page: 'repository', kind: 'virtual', name: second!, tab: 'setup' };
    if (parts.length === 3 && third === 'edit') return { page: 'edit-virtual', name: second! };
  }
  return { page: 'not-found', path };
}

/** The href of a route, for links. */
export function href(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}

export function navigate(to: string): void {
  location.hash = to;
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}
