/**
 * Typed reads of a restify request's path parameters, query and body fields. restify types
 * `req.params` as `any` and `req.query`/`req.body` loosely; these say what a handler gets.
 */
import type { Request } from 'restify';

function field(source: unknown, name: string): unknown {
  return source !== null && typeof source === 'object' ? (source as Record<string, unknown>)[name] : undefined;
}

/** A path parameter (restify decodes it); '' when the route has none of that name. */
export function pathParam(req: Request, name: string): string {
  const value = field(req.params, name);
  return typeof value === 'string' ? value : '';
}

/** A query field given once, as text; undefined when absent or not a single value. */
export function queryField(req: Request, name: string): string | undefined {
  const value = field(req.query, name);
  return typeof value === 'string' ? value : undefined;
}

/** A body field sent as text; undefined otherwise. */
export function bodyField(req: Request, name: string): string | undefined {
  const value = field(req.body, name);
  return typeof value === 'string' ? value : undefined;
}
