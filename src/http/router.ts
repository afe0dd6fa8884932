import { badRequest } from './reply.js';
import type { Route } from './types.js';

export type RouteMatch =
  { found: true; route: Route; params: Record<string, string> } | { found: false; allowed: string[] };

/**
 * Matches on raw segments before decoding, so a project path sent as `group%2Fproject` (GitLab's
 * way) stays one parameter instead of becoming two segments.
 */
export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const segments = pathname.split('/').slice(1);
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { found: true, route, params };
    allowed.push(route.method);
  }
  return { found: false, allowed };
}

function matchPath(pattern: string, segments: string[]): Record<string, string> | null {
  const parts = pattern.split('/').slice(1);
  if (parts.length !== segments.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    if (parts[i].startsWith(':')) {
      if (segments[i] === '') return null;
      params[parts[i].slice(1)] = decode(segments[i]);
    } else if (parts[i] !== segments[i]) {
      return null;
    }
  }
  return params;
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`malformed percent-encoding in ${JSON.stringify(segment)}`);
  }
}
