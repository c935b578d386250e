/**
 * HTTP routes as a table. Each route declares its method, path, zod input (params, query, body),
 * zod output per status, who may call it (auth), its rate limit and its handler; `registerRoutes`
 * puts a table on restify, and the OpenAPI document (openapi.ts) is generated from the same table.
 *
 * For every request the registrar runs, in this order: the rate limit (429 with Retry-After), the
 * input parsing (400 naming each field, once the caller passed the auth), the route's screen
 * (answers that must be given whoever asks, e.g. help lines for a crisis text), the auth
 * (401/403), the handler. With `checkResponses`
 * (the tests) every JSON answer is parsed with the schema declared for its status: an answer that
 * does not match is a 500 naming the field, so the document cannot drift from the code.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Limited } from '../../rateLimits';

export type Method = 'get' | 'post';

/** How a route answers errors: the project's `{error:{code,message,details}}` or GeoReport v2's `[{code,description}]`. */
export type ErrorFormat = 'json' | 'open311';

export interface JsonReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Work that follows the answer (a new conversation's welcome turn); a failure is logged. */
  after?: () => Promise<void>;
}

/** A reply the handler writes itself (a streamed export); its content type is declared with the status. */
export interface StreamReply {
  status: number;
  contentType: string;
  headers?: Record<string, string>;
  write(res: Response): Promise<void>;
}

export type Reply = JsonReply | StreamReply;

export const isStream = (reply: Reply): reply is StreamReply => 'write' in reply;

/** An error the registrar turns into an answer in the route's error format. */
export class RouteError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: string[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'RouteError';
  }
}

/** The 429 of a rate limit: what was counted, and when to try again (also the Retry-After header). */
export function tooManyRequests(limited: Limited, what: string): RouteError {
  return new RouteError(429, 'TooManyRequests', `too many ${what}; try again in ${limited.retryAfterSeconds} s`, undefined, { 'Retry-After': String(limited.retryAfterSeconds) });
}

/** Who may call a route; `authenticate` throws a RouteError (401, 403, 429) or returns the caller. */
export interface Authenticator<Who> {
  /** What the OpenAPI document calls it (a securitySchemes key), absent for open routes. */
  scheme?: { name: string; definition: Record<string, unknown> };
  /** Statuses it may answer with. */
  statuses: number[];
  authenticate(req: Request, input: unknown): Promise<Who>;
}

export const open: Authenticator<undefined> = { statuses: [], authenticate: async () => undefined };

export interface RateLimit {
  /** What is counted (shown in the 429 message and the document). */
  what: string;
  take(req: Request): Promise<Limited | undefined>;
}

export interface ResponseSpec {
  description: string;
  /** The body's schema (JSON), absent for a body-less or non-JSON answer. */
  schema?: z.ZodType;
  /** Content types of streamed (non-JSON) answers with this status (text/csv, …). */
  streams?: string[];
  /** Headers the answer may carry, by name, with what each says (in the OpenAPI document). */
  headers?: Record<string, string>;
}

export interface HandlerContext<P, Q, B, Who> {
  params: P;
  query: Q;
  body: B;
  who: Who;
  req: Request;
}

export interface RouteDefinition<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, Who> {
  method: Method;
  /** restify syntax (`/api/staff/items/:municipality/:id`). */
  path: string;
  summary: string;
  tag: string;
  input?: { params?: P; query?: Q; body?: B; bodyTypes?: string[] };
  responses: Record<number, ResponseSpec>;
  auth: Authenticator<Who>;
  rateLimit?: RateLimit;
  errors?: ErrorFormat;
  /** Runs after parsing and before auth: a reply here is given whoever asks. */
  screen?(input: { params: z.output<P>; query: z.output<Q>; body: z.output<B> }, req: Request): Promise<Reply | undefined>;
  handler(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>, Who>): Promise<Reply>;
}

export interface InputIssue {
  where: 'params' | 'query' | 'body';
  path: string;
  message: string;
}

/** A route with its types closed over: what the registrar and the document generator see. */
export interface Route {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  input: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; bodyTypes?: string[] };
  responses: Record<number, ResponseSpec>;
  auth: Authenticator<unknown>;
  rateLimit?: RateLimit;
  errors: ErrorFormat;
  run(raw: { params: unknown; query: unknown; body: unknown }, req: Request): Promise<Reply>;
}

const empty = z.object({});
type Empty = typeof empty;

function issues(where: InputIssue['where'], error: z.ZodError): InputIssue[] {
  return error.issues.map((i) => ({ where, path: i.path.map(String).join('.') || where, message: i.message }));
}

export function route<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty, Who = undefined>(
  definition: RouteDefinition<P, Q, B, Who>,
): Route {
  const { input = {} } = definition;
  const auth = definition.auth;
  return {
    method: definition.method,
    path: definition.path,
    summary: definition.summary,
    tag: definition.tag,
    input,
    responses: definition.responses,
    auth,
    rateLimit: definition.rateLimit,
    errors: definition.errors ?? 'json',
    async run(raw, req) {
      const found: InputIssue[] = [];
      const parse = (where: InputIssue['where'], schema: z.ZodType | undefined, value: unknown): unknown => {
        // A part the route does not declare is not read (a GET with a JSON content type has an empty-string body).
        if (!schema) return empty.parse({});
        const parsed = schema.safeParse(value ?? {});
        if (parsed.success) return parsed.data;
        found.push(...issues(where, parsed.error));
        return undefined;
      };
      const params = parse('params', input.params, raw.params);
      const query = parse('query', input.query, raw.query);
      const body = parse('body', input.body, raw.body);
      if (found.length > 0) {
        // Who is asking comes before what they sent: a caller that may not call the route learns only that.
        await auth.authenticate(req, raw);
        throw new RouteError(400, 'BadRequest', `invalid ${[...new Set(found.map((i) => i.where))].join(' and ')}: ${found.map((i) => i.path).join(', ')}`, found.map((i) => `${i.path}: ${i.message}`));
      }
      // Each part was parsed by its schema (an absent one is the empty object), so it has the schema's output type.
      const parsed = { params, query, body } as { params: z.output<P>; query: z.output<Q>; body: z.output<B> };
      const screened = await definition.screen?.(parsed, req);
      if (screened) return screened;
      const who = await auth.authenticate(req, parsed);
      return definition.handler({ ...parsed, who, req });
    },
  };
}

export interface RegisterOptions {
  /** Parses every JSON answer with its declared schema (tests); a mismatch answers 500. */
  checkResponses?: boolean;
  /** Maps domain errors (no access, bad input, a concurrent change) to a RouteError; others are 500. */
  mapError?(error: unknown): RouteError | undefined;
  onError(error: unknown, route: Route, req: Request): void;
}

export const errorSchemas = {
  json: z.object({ error: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()).optional() }) }),
  open311: z.array(z.object({ code: z.number().int(), description: z.string() })),
} as const;

/** Error statuses a route may answer without declaring them: bad input, auth, rate limit, failure. */
export function implicitErrors(route: Route): number[] {
  const statuses = new Set<number>([400, 500, ...route.auth.statuses]);
  if (route.rateLimit) statuses.add(429);
  return [...statuses].filter((s) => !route.responses[s]).sort((a, b) => a - b);
}

/** The schema of an answer with this status: the declared one, else the route's error shape for error statuses. */
export function responseSchema(route: Route, status: number): z.ZodType | undefined {
  const spec = route.responses[status];
  if (spec) return spec.schema ?? (status >= 400 && !spec.streams ? errorSchemas[route.errors] : undefined);
  return implicitErrors(route).includes(status) ? errorSchemas[route.errors] : undefined;
}

export function errorBody(format: ErrorFormat, status: number, code: string, message: string, details?: string[]): unknown {
  if (format === 'open311') return (details && details.length > 0 ? details : [message]).map((description) => ({ code: status, description }));
  return { error: { code, message, ...(details ? { details } : {}) } };
}

/** Checks a reply against the route's declared responses; returns what is wrong, or undefined. */
export function responseProblem(route: Route, reply: Reply): string | undefined {
  const spec = route.responses[reply.status];
  if (!spec && !implicitErrors(route).includes(reply.status)) return `status ${reply.status} is not declared for ${route.method.toUpperCase()} ${route.path}`;
  if (isStream(reply)) return spec?.streams?.some((type) => reply.contentType.startsWith(type)) ? undefined : `content type ${reply.contentType} is not declared for status ${reply.status}`;
  const schema = responseSchema(route, reply.status);
  if (!schema) return reply.body === undefined ? undefined : `status ${reply.status} declares no body`;
  const parsed = schema.safeParse(reply.body);
  return parsed.success ? undefined : `response ${reply.status} does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`;
}

function send(res: Response, reply: JsonReply): void {
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.header(name, value);
  res.status(reply.status);
  if (reply.body === undefined) res.end();
  else res.json(reply.body);
}

export function registerRoutes(server: Server, routes: readonly Route[], options: RegisterOptions): void {
  for (const route of routes) {
    const fail = (res: Response, error: RouteError) =>
      send(res, { status: error.status, body: errorBody(route.errors, error.status, error.code, error.message, error.details), headers: error.headers });
    const handle = async (req: Request, res: Response): Promise<void> => {
      try {
        if (route.rateLimit) {
          const limited = await route.rateLimit.take(req);
          if (limited) {
            throw tooManyRequests(limited, route.rateLimit.what);
          }
        }
        const reply = await route.run({ params: req.params, query: req.query, body: req.body }, req);
        if (options.checkResponses) {
          const problem = responseProblem(route, reply);
          if (problem) throw new Error(problem);
        }
        if (!isStream(reply)) {
          send(res, reply);
          await reply.after?.();
          return;
        }
        for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
        res.setHeader('content-type', reply.contentType);
        res.writeHead(reply.status);
        try {
          await reply.write(res);
          res.end();
        } catch (error) {
          // Half an export must not look like a whole one: the connection is cut.
          res.destroy();
          throw error;
        }
      } catch (error) {
        const known = error instanceof RouteError ? error : options.mapError?.(error);
        if (known && !(options.checkResponses && !route.responses[known.status] && !implicitErrors(route).includes(known.status))) {
          if (!res.headersSent) fail(res, known);
          return;
        }
        const failure = known ? new Error(`status ${known.status} is not declared for ${route.method.toUpperCase()} ${route.path}`) : error;
        options.onError(failure, route, req);
        if (!res.headersSent) fail(res, new RouteError(500, 'InternalError', options.checkResponses && failure instanceof Error ? failure.message : 'the request failed'));
      }
    };
    if (route.method === 'get') server.get(route.path, handle);
    else server.post(route.path, handle);
  }
}
