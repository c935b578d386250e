/**
 * Staff on the web: the dashboard page (/staff), its JSON API (/api/staff/..., documented in
 * /api/staff/openapi.json) and Open311 GeoReport v2 endpoints (/open311/v2/...).
 *
 * Auth: `Authorization: Bearer <staff token>` (tokens from `npm run staff -- add`, stored hashed).
 * A member sees only the municipalities it is given; one municipality's staff never see another's
 * items. In production, put Microsoft Entra ID (App Service authentication) in front as well.
 */
import { join } from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { detectCrisis } from '../domain/guide/crisis';
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
import { hashStaffToken } from '../domain/staff/tokens';
import { countThemes } from '../domain/themes/summary';
import type { ThemeLayer } from '../domain/themes/layer';
import { checkApiKey } from '../domain/staff/apiKeys';
import { exportHeader, exportLine } from '../cli/export';
import { csvDelimiters } from '../domain/csv';
import { contactRequestForStaff } from '../domain/guide/contactRequest';
import { inboxCursorAfter, inboxOrder } from '../store/repositories';
import type { InboxFilter } from '../domain/feedback/types';
import { sendError } from '../server';
import { sendTooMany, type RateLimits } from '../rateLimits';
import { serveStatic } from './page';
import { bodyField, pathParam, queryField } from './requestFields';
import { registerStaffPrivacy } from './staffPrivacy';
import type { PrivacyRights } from '../domain/privacy/rights';

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
  /** Longest Open311 description accepted (MAX_MESSAGE_CHARS). */
  maxTextChars: number;
}

const filterSchema = z.object({
  municipality: z.string().optional(),
  team: z.string().optional(),
  focusArea: z.string().optional(),
  topic: z.string().optional(),
  status: z.enum(feedbackStatuses).optional(),
  kind: z.enum(feedbackKinds).optional(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected YYYY-MM-DD').optional(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'expected YYYY-MM-DD').optional(),
  q: z.string().max(200).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  format: z.enum(['json', 'csv', 'jsonl']).optional(),
  /** CSV delimiter: , (default) or ; (what Swedish Excel expects). */
  delimiter: z.enum(csvDelimiters).optional(),
  /** Inbox page size (JSON); the `next` of a page continues it. */
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().max(400).regex(/^[A-Za-z0-9_-]*$/, 'expected the next value of a page').optional(),
});

/** Default inbox page size; exports stream in pages of EXPORT_PAGE. */
const INBOX_PAGE = 100;
const EXPORT_PAGE = 500;
/** Store pages read at most for one inbox page when text search or overdue filter out items. */
const MAX_ROUNDS = 20;

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('take') }),
  z.object({ type: z.literal('retag'), focusArea: z.string().optional(), topic: z.string().optional() }),
  z.object({ type: z.literal('status'), status: z.enum(feedbackStatuses), outcome: z.string().max(1000).optional() }),
  z.object({ type: z.literal('answer'), text: z.string().min(1).max(2000) }),
  z.object({ type: z.literal('duplicate'), of: z.string().min(3).max(40) }),
]);

const open311Post = (maxTextChars: number) => z.object({
  jurisdiction_id: z.string(),
  service_code: z.string(),
  description: z.string().min(10).max(maxTextChars, `longer than ${maxTextChars} characters; please shorten it`),
  address_string: z.string().max(200).optional(),
  lang: z.enum(['sv', 'en']).optional(),
  /** GeoReport v2: the key of the jurisdiction (`npm run staff -- apikey add`). */
  api_key: z.string().max(200).optional(),
});

/** Open311 statuses: only open and closed. */
const open311Status = (status: string) => (status === 'done' || status === 'closed' ? 'closed' : 'open');

export function registerStaffWeb(server: Server, deps: StaffWebDeps): void {
  const { store, staff, data } = deps;
  const root = repoRoot();
  const postSchema = open311Post(deps.maxTextChars);

  const authenticate = async (req: Request, res: Response): Promise<StaffMember | undefined> => {
    const header = req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (!token) {
      res.header('WWW-Authenticate', 'Bearer realm="foretagslotsen-staff"');
      sendError(res, 401, 'Unauthorized', 'sign in with a staff token (Authorization: Bearer …)');
      return undefined;
    }
    // Guessing tokens: after too many failures from one address or with one token, sign-in waits.
    const blocked = await deps.limits.staffAuthBlocked(req, token);
    if (blocked) {
      sendTooMany(res, blocked, 'failed sign-ins');
      return undefined;
    }
    const member = await store.staff.byTokenHash(hashStaffToken(token));
    if (!member || member.disabled) {
      await deps.limits.staffAuthFailed(req, token);
      sendError(res, 401, 'Unauthorized', 'the staff token is not valid');
      return undefined;
    }
    return member;
  };

  const municipalitiesOf = (member: StaffMember): string[] => [...data.packs.keys()].filter((id) => canSee(member, id));

  const guard = (handler: (req: Request, res: Response, member: StaffMember) => Promise<void>) => async (req: Request, res: Response) => {
    try {
      const member = await authenticate(req, res);
      if (!member) return;
      await handler(req, res, member);
    } catch (error) {
      if (error instanceof StaffAccessError) { sendError(res, 403, 'Forbidden', error.message); return; }
      if (error instanceof StaffInputError) { sendError(res, 400, 'BadRequest', error.text ? createTexts(deps.data.texts).t('sv', error.text.key, error.text.vars) : error.message); return; }
      if (error instanceof ConcurrencyError) { sendError(res, 409, 'Conflict', error.message); return; }
      deps.logger.error({ err: error, path: req.path() }, 'staff request failed');
      if (!res.headersSent) sendError(res, 500, 'InternalError', 'the request failed');
    }
  };
  if (deps.privacy) registerStaffPrivacy(server, guard, deps.privacy);

  const texts = createTexts(deps.data.texts);
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
  const present = (item: FeedbackItem) => ({
    ...item,
    submitter: { language: item.submitter.language, reachable: Boolean(item.submitter.address) },
    overdue: staff.isOverdue(item),
    dueAt: staff.dueAt(item),
  });

  const listItems = async (member: StaffMember, query: z.infer<typeof filterSchema>) => {
    const allowed = municipalitiesOf(member);
    if (query.municipality && !allowed.includes(query.municipality)) {
      throw new StaffAccessError(`no access to ${query.municipality}`);
    }
    const municipalities = query.municipality ? [query.municipality] : allowed;
    const items: FeedbackItem[] = [];
    for (const m of municipalities) items.push(...(await store.feedback.list(m, { status: query.status, focusArea: query.focusArea, since: query.from })));
    const q = query.q?.toLowerCase();
    return items
      .filter((i) => !query.team || i.assignment?.team === query.team)
      .filter((i) => !query.topic || i.topic === query.topic)
      .filter((i) => !query.kind || i.kind === query.kind)
      .filter((i) => !query.to || i.createdAt.slice(0, 10) <= query.to)
      .filter((i) => !q || i.text.toLowerCase().includes(q) || i.reference.toLowerCase().includes(q) || (i.place ?? '').toLowerCase().includes(q))
      .filter((i) => query.overdue === undefined || staff.isOverdue(i) === (query.overdue === 'true'))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  };

  /**
   * One inbox page: the store filters and pages (per municipality, merged newest first); text
   * search and overdue are judged here on the page's items, reading on until the page is full.
   */
  const inboxPage = async (member: StaffMember, query: z.infer<typeof filterSchema>, limit: number, cursor?: string) => {
    const allowed = municipalitiesOf(member);
    if (query.municipality && !allowed.includes(query.municipality)) throw new StaffAccessError(`no access to ${query.municipality}`);
    const municipalities = query.municipality ? [query.municipality] : allowed;
    const filter: InboxFilter = { status: query.status, focusArea: query.focusArea, kind: query.kind, topic: query.topic, team: query.team, from: query.from, to: query.to };
    const q = query.q?.toLowerCase();
    const keep = (i: FeedbackItem) =>
      (!q || i.text.toLowerCase().includes(q) || i.reference.toLowerCase().includes(q) || (i.place ?? '').toLowerCase().includes(q)) &&
      (query.overdue === undefined || staff.isOverdue(i) === (query.overdue === 'true'));
    const out: FeedbackItem[] = [];
    let next = cursor;
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const pages = await Promise.all(municipalities.map((m) => store.feedback.inbox(m, filter, { limit, cursor: next })));
      const all = pages.flatMap((p) => p.items).sort(inboxOrder);
      const merged = all.slice(0, limit);
      const more = pages.some((p) => p.next !== undefined) || all.length > merged.length;
      for (const [index, item] of merged.entries()) {
        if (!keep(item)) continue;
        out.push(item);
        if (out.length === limit) return { items: out, next: more || index < merged.length - 1 ? inboxCursorAfter(item) : undefined };
      }
      const last = merged.at(-1);
      if (!more || !last) return { items: out, next: undefined };
      next = inboxCursorAfter(last);
    }
    return { items: out, next };
  };

  const parseQuery = (req: Request, res: Response) => {
    const parsed = filterSchema.safeParse(req.query ?? {});
    if (!parsed.success) {
      sendError(res, 400, 'BadRequest', 'invalid filter', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      return undefined;
    }
    return parsed.data;
  };

  // --- Dashboard page and assets ---------------------------------------------------------------
  server.get('/staff', serveStatic(join(root, 'src', 'web', 'public', 'staff.html'), 'text/html; charset=utf-8'));
  server.get('/staff/staff.js', serveStatic(join(root, 'src', 'web', 'public', 'staff.js'), 'application/javascript; charset=utf-8'));
  server.get('/staff/staff.css', serveStatic(join(root, 'src', 'web', 'public', 'staff.css'), 'text/css; charset=utf-8'));
  server.get('/api/staff/openapi.json', serveStatic(join(root, 'src', 'web', 'public', 'openapi.json'), 'application/json; charset=utf-8'));

  // --- JSON API ---------------------------------------------------------------------------------
  server.get(
    '/api/staff/me',
    guard(async (_req, res, member) => {
      const municipalities = municipalitiesOf(member).map((id) => {
        const pack = data.packs.get(id);
        return {
          id,
          name: pack?.municipality.name ?? id,
          teams: pack?.staff.teams ?? [],
          focusAreas: (pack?.focusAreas ?? []).map((a) => ({ id: a.id, name: a.name })),
          templates: pack?.staff.templates ?? [],
        };
      });
      res.json({
        id: member.id,
        name: member.name,
        role: member.role,
        municipalities,
        topics: Object.entries(data.taxonomy.topics).map(([id, label]) => ({ id, name: label })),
        statuses: feedbackStatuses,
        kinds: feedbackKinds,
      });
    }),
  );

  server.get(
    '/api/staff/items',
    guard(async (req, res, member) => {
      const query = parseQuery(req, res);
      if (!query) return;
      if (query.format === 'csv' || query.format === 'jsonl') {
        // Streamed page by page: the export never holds more than one page in memory.
        const format = query.format;
        let page = await inboxPage(member, query, EXPORT_PAGE);
        res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="feedback.${format}"`);
        res.writeHead(200);
        const write = (chunk: string) => (chunk && !res.write(chunk) ? new Promise<void>((resolve) => res.once('drain', () => resolve())) : Promise.resolve());
        try {
          await write(exportHeader(format, query.delimiter));
          for (;;) {
            await write(page.items.map((item) => exportLine(item, format, query.delimiter)).join(''));
            if (!page.next) break;
            page = await inboxPage(member, query, EXPORT_PAGE, page.next);
          }
          res.end();
        } catch (error) {
          // Half an export must not look like a whole one: the connection is cut.
          res.destroy();
          throw error;
        }
        return;
      }
      const page = await inboxPage(member, query, query.limit ?? INBOX_PAGE, query.cursor);
      res.json({ count: page.items.length, items: page.items.map(present), next: page.next ?? null });
    }),
  );

  server.get(
    '/api/staff/items/:municipality/:id',
    guard(async (req, res, member) => {
      const municipality = pathParam(req, 'municipality');
      if (!canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality}`);
      const item = await store.feedback.get(municipality, pathParam(req, 'id'));
      if (!item) { sendError(res, 404, 'NotFound', 'no such item'); return; }
      const contact = item.hasContact && canAct(member, municipality) ? await store.feedback.getContact(municipality, item.id) : undefined;
      res.json({ ...present(item), contact, readable: await readable(item) });
    }),
  );

  server.post(
    '/api/staff/items/:municipality/:id/actions',
    guard(async (req, res, member) => {
      const parsed = actionSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        sendError(res, 400, 'BadRequest', 'invalid action', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)); return;
      }
      const municipality = pathParam(req, 'municipality');
      if (!canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality}`);
      const updated = await staff.act(member, municipality, pathParam(req, 'id'), parsed.data);
      res.json({ ...present(updated), readable: await readable(updated) });
    }),
  );

  server.get(
    '/api/staff/requests',
    guard(async (req, res, member) => {
      const municipality = queryField(req, 'municipality') ?? '';
      const allowed = municipalitiesOf(member);
      const list = municipality ? [municipality] : allowed;
      if (list.some((m) => !allowed.includes(m))) throw new StaffAccessError(`no access to ${municipality}`);
      const requests = [];
      for (const m of list) requests.push(...(await store.contactRequests.list(m)).map((r) => contactRequestForStaff(r, canAct(member, m))));
      res.json({ count: requests.length, requests });
    }),
  );

  server.post(
    '/api/staff/requests/:municipality/:id/status',
    guard(async (req, res, member) => {
      const parsed = z.object({ status: z.enum(contactRequestStatuses) }).safeParse(req.body ?? {});
      if (!parsed.success) { sendError(res, 400, 'BadRequest', 'expected {"status": "new|in-progress|done"}'); return; }
      const updated = await staff.setRequestStatus(member, pathParam(req, 'municipality'), pathParam(req, 'id'), parsed.data.status);
      res.json(contactRequestForStaff(updated, true));
    }),
  );

  server.get(
    '/api/staff/followup',
    guard(async (req, res, member) => {
      const query = parseQuery(req, res);
      if (!query) return;
      const municipality = query.municipality ?? municipalitiesOf(member)[0];
      if (!municipality || !canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality ?? 'any municipality'}`);
      const items = await listItems(member, { ...query, municipality });
      const pack = staff.pack(municipality);
      const themes = pack.focusAreas.map((area) => {
        const ofArea = items.filter((i) => i.focusArea === area.id);
        return { focusArea: area.id, name: area.name, count: ofArea.length, themes: countThemes(ofArea, deps.themes) };
      });
      const unanswered = (await store.guideEvents.list(municipality, { kind: 'unrecognised', since: query.from }))
        .filter((e) => !query.to || e.at.slice(0, 10) <= query.to)
        .slice(0, 50)
        .map((e) => ({ text: e.text, at: e.at, language: e.language }));
      res.json({
        municipality,
        period: { from: query.from ?? null, to: query.to ?? null },
        totals: {
          items: items.length,
          handled: items.filter((i) => i.status === 'done' || i.status === 'closed').length,
          overdue: items.filter((i) => staff.isOverdue(i)).length,
          supports: items.reduce((sum, i) => sum + i.supports, 0),
        },
        rows: staff.followUp(municipality, items),
        themes,
        unanswered,
      });
    }),
  );

  server.get(
    '/api/staff/focus-groups',
    guard(async (req, res, member) => {
      const municipality = queryField(req, 'municipality') ?? municipalitiesOf(member)[0] ?? '';
      if (!canSee(member, municipality)) throw new StaffAccessError(`no access to ${municipality}`);
      const sessions = await deps.focusGroups.sessions(municipality);
      const list = [];
      for (const s of sessions) {
        const template = deps.focusGroups.template(s.templateId);
        list.push({ id: s.id, code: s.code, status: s.status, createdAt: s.createdAt, title: template?.title, facilitator: s.facilitator.name, progress: await deps.focusGroups.progress(s.id) });
      }
      res.json({ municipality, sessions: list });
    }),
  );

  server.get(
    '/api/staff/focus-groups/:id',
    guard(async (req, res, member) => {
      const session = await deps.focusGroups.session(pathParam(req, 'id'));
      if (!session) { sendError(res, 404, 'NotFound', 'no such session'); return; }
      if (!canSee(member, session.municipality)) throw new StaffAccessError(`no access to ${session.municipality}`);
      const query = (req.query ?? {}) as Record<string, unknown>;
      if (query.format === 'csv') {
        const delimiter = csvDelimiters.find((d) => d === query.delimiter) ?? ',';
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="focus-group-${session.code}.csv"`);
        res.end(await deps.focusGroups.csv(session.id, delimiter));
        return;
      }
      const results = await deps.focusGroups.results(session.id);
      res.json({ session: { ...results.session, facilitator: { name: results.session.facilitator.name } }, title: results.template.title, progress: await deps.focusGroups.progress(session.id), steps: results.steps.map((step) =>
          step.type === 'statements'
            ? { ...step, statements: step.statements.map((st) => ({ ...st, classificationLabel: { sv: statementClassLabel(st.classification, texts, 'sv'), en: statementClassLabel(st.classification, texts, 'en') } })) }
            : step,
        ), focusAreas: results.focusAreas });
    }),
  );

  const municipalityBody = z.object({ municipality: z.string(), since: z.string().regex(/^\d{4}-\d{2}-\d{2}/).optional() });
  const forMunicipality = (req: Request, member: StaffMember) => {
    const parsed = municipalityBody.safeParse(req.body ?? {});
    if (!parsed.success) throw new StaffInputError('expected {"municipality": "<id>"}');
    if (!canAct(member, parsed.data.municipality)) throw new StaffAccessError(`no access to ${parsed.data.municipality}`);
    return parsed.data;
  };

  server.post(
    '/api/staff/tagger/retrain',
    guard(async (req, res, member) => {
      const { municipality } = forMunicipality(req, member);
      res.json(await deps.feedback.retrain(municipality));
    }),
  );

  server.post(
    '/api/staff/digests/teams',
    guard(async (req, res, member) => {
      const { municipality } = forMunicipality(req, member);
      res.json(await staff.teamDigest(municipality));
    }),
  );

  server.post(
    '/api/staff/digests/you-said-we-did',
    guard(async (req, res, member) => {
      const { municipality, since } = forMunicipality(req, member);
      const from = since ?? new Date(deps.now().getTime() - 30 * 86_400_000).toISOString();
      res.json(await staff.youSaidWeDid(municipality, from));
    }),
  );

  // --- Open311 GeoReport v2 ----------------------------------------------------------------------
  // services = the pack's focus areas; requests = feedback items without personal data.
  const jurisdiction = (req: Request, res: Response): string | undefined => {
    const id = queryField(req, 'jurisdiction_id') ?? bodyField(req, 'jurisdiction_id') ?? '';
    if (!data.packs.has(id)) {
      res.status(404);
      res.json([{ code: 404, description: `jurisdiction_id must be one of: ${[...data.packs.keys()].join(', ')}` }]);
      return undefined;
    }
    return id;
  };
  const request311 = (item: FeedbackItem) => ({
    service_request_id: item.reference,
    status: open311Status(item.status),
    status_notes: item.outcome ?? null,
    service_name: staff.pack(item.municipality).focusAreas.find((a) => a.id === item.focusArea)?.name.sv ?? item.focusArea,
    service_code: item.focusArea,
    description: item.text,
    agency_responsible: staff.pack(item.municipality).staff.teams.find((t) => t.id === item.assignment?.team)?.name.sv ?? null,
    service_notice: null,
    requested_datetime: item.createdAt,
    updated_datetime: item.updatedAt,
    expected_datetime: staff.dueAt(item),
    address: item.place ?? null,
    address_id: null,
    zipcode: null,
    lat: null,
    long: null,
    media_url: null,
  });

  server.get('/open311/v2/services.json', async (req: Request, res: Response) => {
    const id = jurisdiction(req, res);
    if (!id) return;
    const pack = staff.pack(id);
    res.json(
      pack.focusAreas.map((area) => ({
        service_code: area.id,
        service_name: area.name.sv,
        description: area.description.sv,
        metadata: false,
        type: 'realtime',
        keywords: area.keywords.slice(0, 10).join(','),
        group: pack.municipality.strategy.title,
      })),
    );
  });

  server.get('/open311/v2/requests.json', async (req: Request, res: Response) => {
    const id = jurisdiction(req, res);
    if (!id) return;
    const query = (req.query ?? {}) as Record<string, unknown>;
    const items = (await store.feedback.list(id))
      .filter((i) => !query.status || open311Status(i.status) === query.status)
      .filter((i) => !query.service_code || i.focusArea === query.service_code)
      .slice(0, 1000);
    res.json(items.map(request311));
  });

  server.get('/open311/v2/requests/:reference', async (req: Request, res: Response) => {
    const id = jurisdiction(req, res);
    if (!id) return;
    const reference = pathParam(req, 'reference').replace(/\.json$/, '');
    const item = await store.feedback.getByReference(id, reference);
    if (!item) {
      res.status(404);
      res.json([{ code: 404, description: `no request ${reference}` }]);
      return;
    }
    res.json([request311(item)]);
  });

  server.post('/open311/v2/requests.json', async (req: Request, res: Response) => {
    const limited = await deps.limits.publicWrite(req);
    if (limited) {
      res.header('Retry-After', String(limited.retryAfterSeconds));
      res.status(429);
      res.json([{ code: 429, description: `too many requests from this address; try again in ${limited.retryAfterSeconds} s` }]);
      return;
    }
    const parsed = postSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400);
      res.json(parsed.error.issues.map((i) => ({ code: 400, description: `${i.path.join('.')}: ${i.message}` })));
      return;
    }
    const input = parsed.data;
    // A crisis text is answered with help lines and stored nowhere (only counted).
    if (detectCrisis(`${input.description}\n${input.address_string ?? ''}`, deps.data.shared.crisis)) {
      const lang = input.lang ?? 'sv';
      await deps.store.backend.nextSequence(input.jurisdiction_id, 'crisis').catch(() => undefined);
      res.status(422);
      res.json([
        {
          code: 422,
          description: deps.data.shared.crisis.helpLines.map((line) => `${line.name[lang]}: ${line.phone} – ${line.when[lang]}`).join(' | '),
          help_lines: deps.data.shared.crisis.helpLines.map((line) => ({ name: line.name[lang], phone: line.phone, when: line.when[lang] })),
        },
      ]);
      return;
    }
    const id = jurisdiction(req, res);
    if (!id) return;
    const queryKey = (req.query as Record<string, unknown> | undefined)?.api_key;
    const keyCheck = await checkApiKey(store.apiKeys, input.api_key ?? (typeof queryKey === 'string' ? queryKey : undefined), id);
    if (!keyCheck.ok) {
      res.status(keyCheck.reason === 'missing' ? 401 : 403);
      res.json([{ code: keyCheck.reason === 'missing' ? 401 : 403, description: keyCheck.reason === 'missing' ? 'api_key is required to post a service request' : `api_key is not valid for jurisdiction ${id}` }]);
      return;
    }
    const pack = staff.pack(id);
    if (!pack.focusAreas.some((a) => a.id === input.service_code)) {
      res.status(400);
      res.json([{ code: 400, description: `service_code must be one of: ${pack.focusAreas.map((a) => a.id).join(', ')}` }]);
      return;
    }
    const language = input.lang ?? 'sv';
    const understanding = await deps.feedback.understand(id, input.description, language);
    const result = await deps.feedback.submit({
      municipality: id,
      text: input.description,
      kind: 'suggestion',
      place: input.address_string,
      language,
      focusArea: input.service_code,
      tag: understanding.tag,
      topic: understanding.topic,
      user: { channelId: 'open311', userId: 'anonymous' },
      sourceKey: `open311:${req.header('idempotency-key') ?? req.id()}`,
    });
    if (result.status === 'queued') {
      res.status(202);
      res.json([{ token: result.outboxId, service_notice: 'stored locally; registered when storage is back' }]);
      return;
    }
    res.status(201);
    res.json([{ service_request_id: result.item.reference, service_notice: null, account_id: null }]);
  });
}
