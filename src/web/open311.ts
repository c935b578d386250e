/**
 * Open311 GeoReport v2 as a route table: services = the pack's focus areas; requests = feedback
 * items without personal data. Reading is open; posting needs the jurisdiction's `api_key` and
 * counts as a public write (rate limited per IP). Errors answer in GeoReport's `[{code,description}]`.
 */
import { z } from 'zod';
import { detectCrisis } from '../domain/guide/crisis';
import type { FeedbackItem } from '../domain/feedback/types';
import type { StaffWebDeps } from './staff';
import { open, route, RouteError, type Route } from './routes/table';
import { open311ApiKey } from './routes/auth';

/** Open311 statuses: only open and closed. */
const open311Status = (status: string) => (status === 'done' || status === 'closed' ? 'closed' : 'open');

const serviceRequest = z.object({
  service_request_id: z.string(),
  status: z.enum(['open', 'closed']),
  status_notes: z.string().nullable(),
  service_name: z.string(),
  service_code: z.string(),
  description: z.string(),
  agency_responsible: z.string().nullable(),
  service_notice: z.null(),
  requested_datetime: z.string(),
  updated_datetime: z.string(),
  expected_datetime: z.string(),
  address: z.string().nullable(),
  address_id: z.null(),
  zipcode: z.null(),
  lat: z.null(),
  long: z.null(),
  media_url: z.null(),
});

const service = z.object({
  service_code: z.string(),
  service_name: z.string(),
  description: z.string(),
  metadata: z.boolean(),
  type: z.enum(['realtime', 'batch', 'blackbox']),
  keywords: z.string(),
  group: z.string(),
});

const jurisdictionQuery = z.object({ jurisdiction_id: z.string().optional() });

/** The most requests one answer holds (and the page size when none is asked for). */
const MAX_REQUESTS = 1000;

/** A GeoReport datetime (W3C, e.g. 2026-11-23T08:00:00Z or with an offset) as the store's ISO time. */
const datetime = z
  .string()
  .max(40)
  .refine((value) => /^\d{4}-\d{2}-\d{2}(T|$)/.test(value) && !Number.isNaN(Date.parse(value)), 'expected a W3C datetime, e.g. 2026-11-23T08:00:00Z')
  .transform((value) => new Date(value).toISOString());

const requestsQuery = jurisdictionQuery.extend({
  status: z.enum(['open', 'closed']).optional(),
  service_code: z.string().optional(),
  start_date: datetime.optional().describe('requested at or after this datetime'),
  end_date: datetime.optional().describe('requested at or before this datetime'),
  page_size: z.coerce.number().int().min(1).max(MAX_REQUESTS).optional().describe(`requests per answer (at most and by default ${MAX_REQUESTS}); the Link header's rel="next" continues`),
  cursor: z.string().max(400).regex(/^[A-Za-z0-9_-]*$/, 'expected the cursor of a Link rel="next"').optional().describe('where the page before ended (from its Link header)'),
});

export function open311Routes(deps: Pick<StaffWebDeps, 'data' | 'store' | 'staff' | 'feedback' | 'limits' | 'maxTextChars'>): Route[] {
  const { data, store, staff } = deps;
  const jurisdictions = () => [...data.packs.keys()];
  const jurisdiction = (id: string | undefined): string => {
    if (!id || !data.packs.has(id)) throw new RouteError(404, 'NotFound', `jurisdiction_id must be one of: ${jurisdictions().join(', ')}`);
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

  const postBody = z.object({
    jurisdiction_id: z.string(),
    service_code: z.string(),
    description: z.string().min(10).max(deps.maxTextChars, `longer than ${deps.maxTextChars} characters; please shorten it`),
    address_string: z.string().max(200).optional(),
    lang: z.enum(['sv', 'en']).optional(),
    /** GeoReport v2: the key of the jurisdiction (`npm run staff -- apikey add`). */
    api_key: z.string().max(200).optional().describe('the jurisdiction\'s key (`npm run staff -- apikey add`); also accepted as a query parameter'),
  });

  return [
    route({
      method: 'get',
      path: '/open311/v2/services.json',
      summary: "Services: the jurisdiction's focus areas",
      tag: 'open311',
      auth: open,
      errors: 'open311',
      input: { query: jurisdictionQuery },
      responses: { 200: { description: 'the services', schema: z.array(service) }, 404: { description: 'unknown jurisdiction_id' } },
      handler: async ({ query }) => {
        const pack = staff.pack(jurisdiction(query.jurisdiction_id));
        return {
          status: 200,
          body: pack.focusAreas.map((area) => ({
            service_code: area.id,
            service_name: area.name.sv,
            description: area.description.sv,
            metadata: false,
            type: 'realtime',
            keywords: area.keywords.slice(0, 10).join(','),
            group: pack.municipality.strategy.title,
          })),
        };
      },
    }),
    route({
      method: 'get',
      path: '/open311/v2/requests.json',
      summary: `Service requests without personal data, newest first (at most ${MAX_REQUESTS}), filtered by status, service and requested datetime`,
      tag: 'open311',
      auth: open,
      errors: 'open311',
      input: { query: requestsQuery },
      responses: {
        200: {
          description: 'the requests; when more follow, a `Link: <…>; rel="next"` header names the next page',
          schema: z.array(serviceRequest),
          headers: { Link: 'rel="next": the URL of the next page, when there is one' },
        },
        404: { description: 'unknown jurisdiction_id' },
      },
      handler: async ({ query, req }) => {
        const id = jurisdiction(query.jurisdiction_id);
        const page = await store.feedback.publicRequests(
          id,
          { status: query.status, focusArea: query.service_code, from: query.start_date, to: query.end_date },
          { limit: query.page_size ?? MAX_REQUESTS, cursor: query.cursor },
        );
        const headers: Record<string, string> = {};
        if (page.next) {
          const next = new URLSearchParams(new URL(req.url ?? '', 'http://local').search);
          next.set('cursor', page.next);
          headers.Link = `</open311/v2/requests.json?${next.toString()}>; rel="next"`;
        }
        return { status: 200, body: page.items.map(request311), headers };
      },
    }),
    route({
      method: 'get',
      path: '/open311/v2/requests/:reference',
      summary: 'One service request (`<reference>.json`)',
      tag: 'open311',
      auth: open,
      errors: 'open311',
      input: { params: z.object({ reference: z.string() }), query: jurisdictionQuery },
      responses: { 200: { description: 'the request, as a list of one', schema: z.array(serviceRequest) }, 404: { description: 'unknown jurisdiction_id or reference' } },
      handler: async ({ params, query }) => {
        const id = jurisdiction(query.jurisdiction_id);
        const reference = params.reference.replace(/\.json$/, '');
        const item = await store.feedback.getByReference(id, reference);
        if (!item) throw new RouteError(404, 'NotFound', `no request ${reference}`);
        return { status: 200, body: [request311(item)] };
      },
    }),
    route({
      method: 'post',
      path: '/open311/v2/requests.json',
      summary: 'Posts a service request: masked, tagged and routed like a suggestion from the chat',
      tag: 'open311',
      auth: open311ApiKey({ apiKeys: store.apiKeys, jurisdictions }),
      rateLimit: { what: 'requests from this address', take: (req) => deps.limits.publicWrite(req) },
      errors: 'open311',
      input: { body: postBody, bodyTypes: ['application/x-www-form-urlencoded', 'application/json'] },
      responses: {
        201: { description: 'stored', schema: z.array(z.object({ service_request_id: z.string(), service_notice: z.null(), account_id: z.null() })) },
        202: { description: 'stored locally while the store is unavailable; registered when it is back', schema: z.array(z.object({ token: z.string(), service_notice: z.string() })) },
        422: {
          description: 'a crisis text: help lines, nothing stored (answered whoever posts it)',
          schema: z.array(z.object({ code: z.literal(422), description: z.string(), help_lines: z.array(z.object({ name: z.string(), phone: z.string(), when: z.string() })) })),
        },
      },
      // A crisis text is answered with help lines and stored nowhere (only counted), key or not.
      screen: async ({ body }) => {
        if (!detectCrisis(`${body.description}\n${body.address_string ?? ''}`, data.shared.crisis)) return undefined;
        const lang = body.lang ?? 'sv';
        await store.backend.nextSequence(body.jurisdiction_id, 'crisis').catch(() => undefined);
        const lines = data.shared.crisis.helpLines;
        return {
          status: 422,
          body: [
            {
              code: 422,
              description: lines.map((line) => `${line.name[lang]}: ${line.phone} – ${line.when[lang]}`).join(' | '),
              help_lines: lines.map((line) => ({ name: line.name[lang], phone: line.phone, when: line.when[lang] })),
            },
          ],
        };
      },
      handler: async ({ body: input, who, req }) => {
        const id = who.jurisdiction;
        const pack = staff.pack(id);
        if (!pack.focusAreas.some((a) => a.id === input.service_code)) throw new RouteError(400, 'BadRequest', `service_code must be one of: ${pack.focusAreas.map((a) => a.id).join(', ')}`);
        const language = input.lang ?? 'sv';
        const result = await deps.feedback.capture({
          municipality: id,
          text: input.description,
          place: input.address_string,
          language,
          focusArea: input.service_code,
          origin: { user: { channelId: 'open311', userId: 'anonymous' }, sourceKey: `open311:${req.header('idempotency-key') ?? req.id()}` },
        });
        if (result.status === 'queued') return { status: 202, body: [{ token: result.outboxId, service_notice: 'stored locally; registered when storage is back' }] };
        return { status: 201, body: [{ service_request_id: result.item.reference, service_notice: null, account_id: null }] };
      },
    }),
  ];
}
