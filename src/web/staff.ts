/**
 * Staff on the web: the dashboard page (/staff) and its JSON API (/api/staff/...), as a route
 * table (src/web/routes/table.ts) from which /api/staff/openapi.json is generated. Open311
 * GeoReport v2 is in open311.ts, a submitter's rights in staffPrivacy.ts.
 *
 * Auth: `Authorization: Bearer <staff token>` (tokens from `npm run staff -- add`, stored hashed;
 * routes/auth.ts). A member sees only the municipalities it is given; one municipality's staff
 * never see another's items. In production, put Microsoft Entra ID (App Service authentication) in front as well.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { createTexts } from '../domain/texts';
import { actorName, focusAreaName, historyLine, routingReason, statementClassLabel, statusLabel } from '../domain/staff/labels';
import { repoRoot } from '../config';
import type { Logger } from '../log';
import type { DataSet } from '../domain/packs/loader';
import type { Store } from '../store/types';
import { ConcurrencyError } from '../domain/ports';
import { feedbackKinds, feedbackStatuses, contactRequestStatuses, type FeedbackItem } from '../domain/feedback/types';
import type { FeedbackService } from '../domain/feedback/service';
import type { FocusGroups } from '../domain/focusGroups/service';
import { StaffAccessError, StaffInputError, type StaffService } from '../domain/staff/service';
import { canAct, canSee, type StaffMember } from '../domain/staff/types';
import type { ThemeLayer } from '../domain/themes/layer';
import { exportHeader, exportLine } from '../cli/export';
import { csvDelimiters } from '../domain/csv';
import { contactRequestForStaff } from '../domain/guide/contactRequest';
import type { StaffInboxFilter } from '../domain/staff/inbox';
import type { RateLimits } from '../rateLimits';
import type { HttpServer } from '../server';
import { serveStatic } from './page';
import { privacyRoutes } from './staffPrivacy';
import { open311Routes } from './open311';
import type { PrivacyRights } from '../domain/privacy/rights';
import { open, route, RouteError, type Route } from './routes/table';
import { staffAuth } from './routes/auth';
import type { ResolveActor } from '../domain/staff/actor';
import { openApiDocument } from './routes/openapi';
import * as out from './routes/schemas';

export interface StaffWebDeps {
  logger: Logger;
  data: DataSet;
  store: Store;
  staff: StaffService;
  feedback: FeedbackService;
  focusGroups: FocusGroups;
  /** The shared theme layer: what the suggestions of each focus area are about. */
  themes: ThemeLayer;
  /** A submitter's extract and erasure (/api/staff/privacy/…); absent, the routes are not there. */
  privacy?: PrivacyRights;
  now: () => Date;
  limits: RateLimits;
  /** Who a staff token belongs to: the rule every staff surface shares. */
  actors: ResolveActor;
  /** Longest Open311 description accepted (MAX_MESSAGE_CHARS). */
  maxTextChars: number;
  version?: string;
}

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected YYYY-MM-DD');

const filterSchema = z.object({
  municipality: z.string().optional(),
  team: z.string().optional(),
  focusArea: z.string().optional(),
  topic: z.string().optional(),
  status: z.enum(feedbackStatuses).optional(),
  kind: z.enum(feedbackKinds).optional(),
  from: day.optional(),
  to: day.optional(),
  q: z.string().max(200).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  format: z.enum(['json', 'csv', 'jsonl']).optional(),
  /** CSV delimiter: , (default) or ; (what Swedish Excel expects). */
  delimiter: z.enum(csvDelimiters).optional().describe('CSV delimiter: , (default) or ; (what Swedish Excel expects)'),
  /** Inbox page size (JSON); the `next` of a page continues it. */
  limit: z.coerce.number().int().min(1).max(500).optional().describe('page size (JSON); the `next` of a page continues it'),
  cursor: z.string().max(400).regex(/^[A-Za-z0-9_-]*$/, 'expected the next value of a page').optional(),
});
type Filter = z.infer<typeof filterSchema>;

/** Default inbox page size; exports stream in pages of EXPORT_PAGE. */
const INBOX_PAGE = 100;
const EXPORT_PAGE = 500;

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('take') }),
  z.object({ type: z.literal('retag'), focusArea: z.string().optional(), topic: z.string().optional() }),
  z.object({ type: z.literal('status'), status: z.enum(feedbackStatuses), outcome: z.string().max(1000).optional() }),
  z.object({ type: z.literal('answer'), text: z.string().min(1).max(2000) }),
  z.object({ type: z.literal('duplicate'), of: z.string().min(3).max(40) }),
]);

const itemParams = z.object({ municipality: z.string(), id: z.string() });
const municipalityQuery = z.object({ municipality: z.string().optional() });
const municipalityBody = z.object({ municipality: z.string(), since: day.optional() });

export const inboxFilter = (query: Filter, limit: number, cursor?: string): StaffInboxFilter => ({
  municipality: query.municipality,
  team: query.team,
  focusArea: query.focusArea,
  topic: query.topic,
  status: query.status,
  kind: query.kind,
  from: query.from,
  to: query.to,
  q: query.q,
  overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
  limit,
  cursor,
});

export function registerStaffWeb(http: HttpServer, deps: StaffWebDeps): void {
  const { store, staff, data } = deps;
  const root = repoRoot();
  const texts = createTexts(deps.data.texts);
  const auth = staffAuth({ actors: deps.actors, limits: deps.limits });

  /** Domain errors as answers: no access 403, bad input 400 (in the staff member's words), a concurrent change 409. */
  const mapError = (error: unknown): RouteError | undefined => {
    if (error instanceof StaffAccessError) return new RouteError(403, 'Forbidden', error.message);
    if (error instanceof StaffInputError) return new RouteError(400, 'BadRequest', error.text ? texts.t('sv', error.text.key, error.text.vars) : error.message);
    if (error instanceof ConcurrencyError) return new RouteError(409, 'Conflict', error.message);
    return undefined;
  };

  const names = async (item: FeedbackItem): Promise<Record<string, string>> => {
    const result: Record<string, string> = {};
    for (const id of new Set(item.history.map((h) => h.by).concat(item.assignee ? [item.assignee] : []))) {
      const found = await store.staff.get(id).catch(() => undefined);
      if (found) result[id] = found.name;
    }
    return result;
  };
  /** What staff read, in Swedish and English, with names instead of ids. */
  const readable = async (item: FeedbackItem) => {
    const known = await names(item);
    const per = (language: 'sv' | 'en') => {
      const c = { pack: staff.pack(item.municipality), texts, language, names: known, topics: deps.data.taxonomy.topics };
      return {
        history: item.history.map((h) => historyLine(h, c)),
        assignee: item.assignee ? actorName(item.assignee, c) : undefined,
        reason: item.assignment ? routingReason(item.assignment.reason, c) : undefined,
        focusArea: focusAreaName(item.focusArea, c),
        status: statusLabel(item.status, c),
      };
    };
    return { sv: per('sv'), en: per('en') };
  };
  /** An item as staff see it: who submitted it is reduced to their language and whether they can be reached. */
  const present = (item: FeedbackItem) => {
    const { supporters: _supporters, ...rest } = item as FeedbackItem & { supporters?: string[] };
    return {
      ...rest,
      submitter: { language: item.submitter.language, reachable: Boolean(item.submitter.address) },
      overdue: staff.isOverdue(item),
      dueAt: staff.dueAt(item),
    };
  };
  const mayAct = (member: StaffMember, municipality: string) => {
    if (!canAct(member, municipality)) throw new StaffAccessError(`no access to ${municipality}`);
  };
  const maySee = (member: StaffMember, municipality: string) => {
    if (!canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality}`);
  };

  // --- Dashboard page and assets (static files, not JSON routes) --------------------------------
  http.server.get('/staff', serveStatic(join(root, 'src', 'web', 'public', 'staff.html'), 'text/html; charset=utf-8'));
  http.server.get('/staff/staff.js', serveStatic(join(root, 'src', 'web', 'public', 'staff.js'), 'application/javascript; charset=utf-8'));
  http.server.get('/staff/staff.css', serveStatic(join(root, 'src', 'web', 'public', 'staff.css'), 'text/css; charset=utf-8'));

  const routes: Route[] = [
    route({
      method: 'get',
      path: '/api/staff/openapi.json',
      summary: 'This document: OpenAPI 3.1, generated from the route table',
      tag: 'meta',
      auth: open,
      responses: { 200: { description: 'the OpenAPI document', schema: z.looseObject({ openapi: z.literal('3.1.0'), paths: z.record(z.string(), z.unknown()) }) } },
      handler: async () => ({
        status: 200,
        body: openApiDocument(http.routes, {
          title: 'Företagslotsen API',
          version: deps.version ?? '0',
          description: 'The staff API (dashboard), Open311 GeoReport v2, the built-in web chat (session and Direct Line 3.0) and health. Generated from the route table (src/web/routes/).',
        }),
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/me',
      summary: 'The signed-in member, the municipalities it may see and their teams, focus areas and templates',
      tag: 'staff',
      auth,
      responses: { 200: { description: 'the member', schema: out.me } },
      handler: async ({ who: member }) => ({
        status: 200,
        body: {
          id: member.id,
          name: member.name,
          role: member.role,
          municipalities: staff.visible(member).map((id) => {
            const pack = data.packs.get(id);
            return {
              id,
              name: pack?.municipality.name ?? id,
              teams: pack?.staff.teams ?? [],
              focusAreas: (pack?.focusAreas ?? []).map((a) => ({ id: a.id, name: a.name })),
              templates: pack?.staff.templates ?? [],
            };
          }),
          topics: Object.entries(data.taxonomy.topics).map(([id, label]) => ({ id, name: label })),
          statuses: feedbackStatuses,
          kinds: feedbackKinds,
        },
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/items',
      summary: 'The inbox: filtered, newest first, keyset-paged (JSON), or the whole filtered view streamed as CSV or JSON Lines',
      tag: 'staff',
      auth,
      input: { query: filterSchema },
      responses: {
        200: { description: 'one page (JSON); `format=csv|jsonl` streams the filtered view instead', schema: out.inboxPage, streams: ['text/csv', 'application/x-ndjson'] },
      },
      handler: async ({ query, who: member }) => {
        if (query.format === 'csv' || query.format === 'jsonl') {
          const format = query.format;
          // Streamed page by page: the export never holds more than one page in memory.
          const first = await staff.inbox(member, inboxFilter(query, EXPORT_PAGE));
          return {
            status: 200,
            contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
            headers: { 'content-disposition': `attachment; filename="feedback.${format}"` },
            async write(res) {
              const write = (chunk: string) => (chunk && !res.write(chunk) ? new Promise<void>((resolve) => res.once('drain', () => resolve())) : Promise.resolve());
              await write(exportHeader(format, query.delimiter));
              for (let page = first; ; ) {
                await write(page.items.map((item) => exportLine(item, format, query.delimiter)).join(''));
                if (!page.next) break;
                page = await staff.inbox(member, inboxFilter(query, EXPORT_PAGE, page.next));
              }
            },
          };
        }
        const page = await staff.inbox(member, inboxFilter(query, query.limit ?? INBOX_PAGE, query.cursor));
        return { status: 200, body: { count: page.items.length, items: page.items.map(present), next: page.next ?? null } };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/items/:municipality/:id',
      summary: 'One item with its history in readable words, and the contact details for those who may act',
      tag: 'staff',
      auth,
      input: { params: itemParams },
      responses: { 200: { description: 'the item', schema: out.itemDetail }, 404: { description: 'no such item' } },
      handler: async ({ params, who: member }) => {
        maySee(member, params.municipality);
        const item = await store.feedback.get(params.municipality, params.id);
        if (!item) throw new RouteError(404, 'NotFound', 'no such item');
        const contact = item.hasContact && canAct(member, params.municipality) ? await store.feedback.getContact(params.municipality, item.id) : undefined;
        return { status: 200, body: { ...present(item), contact, readable: await readable(item) } };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/items/:municipality/:id/actions',
      summary: 'Triage: take, re-tag, change status, answer the submitter, mark as a duplicate',
      tag: 'staff',
      auth,
      input: { params: itemParams, body: actionSchema },
      responses: { 200: { description: 'the changed item', schema: out.itemWithReadable }, 409: { description: 'changed by someone else meanwhile; read it again' } },
      handler: async ({ params, body, who: member }) => {
        maySee(member, params.municipality);
        const updated = await staff.act(member, params.municipality, params.id, body);
        return { status: 200, body: { ...present(updated), readable: await readable(updated) } };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/requests',
      summary: 'Contact requests ("prata med en människa"), with contact details for those who may act',
      tag: 'staff',
      auth,
      input: { query: municipalityQuery },
      responses: { 200: { description: 'the requests', schema: out.requests } },
      handler: async ({ query, who: member }) => {
        const allowed = staff.visible(member);
        const list = query.municipality ? [query.municipality] : allowed;
        if (list.some((m) => !allowed.includes(m))) throw new StaffAccessError(`no access to ${query.municipality ?? ''}`);
        const requests = [];
        for (const m of list) requests.push(...(await store.contactRequests.list(m)).map((r) => contactRequestForStaff(r, canAct(member, m))));
        return { status: 200, body: { count: requests.length, requests } };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/requests/:municipality/:id/status',
      summary: "A contact request's status",
      tag: 'staff',
      auth,
      input: { params: itemParams, body: z.object({ status: z.enum(contactRequestStatuses) }) },
      responses: { 200: { description: 'the changed request', schema: out.contactRequest }, 409: { description: 'changed by someone else meanwhile; read it again' } },
      handler: async ({ params, body, who: member }) => ({
        status: 200,
        body: contactRequestForStaff(await staff.setRequestStatus(member, params.municipality, params.id, body.status), true),
      }),
    }),
    route({
      method: 'get',
      path: '/api/staff/followup',
      summary: 'Follow-up per focus area and month: counts, share handled, medians, overdue, themes, unanswered guide questions',
      tag: 'staff',
      auth,
      input: { query: z.object({ municipality: z.string().optional(), from: day.optional(), to: day.optional() }) },
      responses: { 200: { description: 'the report', schema: out.followUp } },
      handler: async ({ query, who: member }) => {
        const municipality = query.municipality ?? staff.visible(member)[0];
        if (!municipality || !canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality ?? 'any municipality'}`);
        return { status: 200, body: await staff.report(municipality, { from: query.from, to: query.to }) };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/focus-groups',
      summary: 'Focus group sessions of a municipality with their progress',
      tag: 'focus groups',
      auth,
      input: { query: municipalityQuery },
      responses: { 200: { description: 'the sessions', schema: out.focusGroups } },
      handler: async ({ query, who: member }) => {
        const municipality = query.municipality ?? staff.visible(member)[0] ?? '';
        maySee(member, municipality);
        const sessions = await deps.focusGroups.sessions(municipality);
        const list = [];
        for (const s of sessions) {
          const template = deps.focusGroups.template(s.templateId);
          list.push({ id: s.id, code: s.code, status: s.status, createdAt: s.createdAt, title: template?.title, facilitator: s.facilitator.name, progress: await deps.focusGroups.progress(s.id) });
        }
        return { status: 200, body: { municipality, sessions: list } };
      },
    }),
    route({
      method: 'get',
      path: '/api/staff/focus-groups/:id',
      summary: "A session's results per step (format=csv: its answers, participants as numbers)",
      tag: 'focus groups',
      auth,
      input: { params: z.object({ id: z.string() }), query: z.object({ format: z.enum(['json', 'csv']).optional(), delimiter: z.enum(csvDelimiters).optional() }) },
      responses: { 200: { description: 'the results (or text/csv with format=csv)', schema: out.focusGroupResults, streams: ['text/csv'] }, 404: { description: 'no such session' } },
      handler: async ({ params, query, who: member }) => {
        const session = await deps.focusGroups.session(params.id);
        if (!session) throw new RouteError(404, 'NotFound', 'no such session');
        maySee(member, session.municipality);
        if (query.format === 'csv') {
          const csv = await deps.focusGroups.csv(session.id, query.delimiter ?? ',');
          return {
            status: 200,
            contentType: 'text/csv; charset=utf-8',
            headers: { 'content-disposition': `attachment; filename="focus-group-${session.code}.csv"` },
            write: async (res) => {
              res.write(csv);
            },
          };
        }
        const results = await deps.focusGroups.results(session.id);
        return {
          status: 200,
          body: {
            session: { ...results.session, facilitator: { name: results.session.facilitator.name } },
            title: results.template.title,
            progress: await deps.focusGroups.progress(session.id),
            steps: results.steps.map((step) =>
              step.type === 'statements'
                ? { ...step, statements: step.statements.map((st) => ({ ...st, classificationLabel: { sv: statementClassLabel(st.classification, texts, 'sv'), en: statementClassLabel(st.classification, texts, 'en') } })) }
                : step,
            ),
            focusAreas: results.focusAreas,
          },
        };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/tagger/retrain',
      summary: "Retrains a municipality's tagger from its pack and the staff re-tags",
      tag: 'staff',
      auth,
      input: { body: municipalityBody },
      responses: { 200: { description: 'what it was trained on', schema: out.retrained } },
      handler: async ({ body, who: member }) => {
        mayAct(member, body.municipality);
        return { status: 200, body: await deps.feedback.retrain(body.municipality) };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/digests/teams',
      summary: 'Sends each team with a registered channel its digest of new and overdue items now',
      tag: 'staff',
      auth,
      input: { body: municipalityBody },
      responses: { 200: { description: 'how many teams and items', schema: z.object({ teams: z.number().int(), items: z.number().int() }) } },
      handler: async ({ body, who: member }) => {
        mayAct(member, body.municipality);
        return { status: 200, body: await staff.teamDigest(body.municipality) };
      },
    }),
    route({
      method: 'post',
      path: '/api/staff/digests/you-said-we-did',
      summary: '"Ni sa – vi gjorde": tells those who asked for an answer what was done since a date (default 30 days)',
      tag: 'staff',
      auth,
      input: { body: municipalityBody },
      responses: { 200: { description: 'how many recipients and items', schema: z.object({ recipients: z.number().int(), items: z.number().int() }) } },
      handler: async ({ body, who: member }) => {
        mayAct(member, body.municipality);
        const from = body.since ?? new Date(deps.now().getTime() - 30 * 86_400_000).toISOString();
        return { status: 200, body: await staff.youSaidWeDid(body.municipality, from) };
      },
    }),
    ...(deps.privacy ? privacyRoutes(auth, deps.privacy) : []),
  ];
  http.register(routes, mapError);
  http.register(open311Routes(deps), mapError);
}
