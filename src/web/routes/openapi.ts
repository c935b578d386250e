/**
 * The OpenAPI 3.1 document, generated from the route table: paths and parameters from each route's
 * zod input, response bodies from its zod output per status (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1, by zod's own z.toJSONSchema), security schemes from its auth, 429 where it has a
 * rate limit. Response schemas are components, one per route and status, so a test can compile
 * each and validate live answers against it.
 */
import { z } from 'zod';
import { implicitErrors, responseSchema, type Route } from './table';

type Json = Record<string, unknown>;

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const toJson = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return rest;
};

/** `/api/staff/items/:municipality/:id` → `/api/staff/items/{municipality}/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** operationId of a route: method and path in camel case (getApiStaffItemsMunicipalityId). */
export function operationId(route: Route): string {
  const words = route.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return route.method + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

/** The components key of a route's response schema for a status. */
export const responseComponent = (route: Route, status: number): string => `${operationId(route)}${status}`;

const statusText: Record<number, string> = {
  400: 'the input is not valid; `details` (or each GeoReport error) names the field',
  401: 'not signed in',
  403: 'not allowed',
  404: 'not found',
  409: 'changed by someone else meanwhile; read it again',
  429: 'too many requests; wait for Retry-After seconds',
  500: 'the request failed',
  503: 'unavailable',
};

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const json = toJson(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set(Array.isArray(json.required) ? json.required.map(String) : []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || required.has(name), schema: rest, ...(typeof description === 'string' ? { description } : {}) };
  });
}

export function openApiDocument(routes: readonly Route[], info: OpenApiInfo): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const schemas: Record<string, Json> = {};
  const securitySchemes: Record<string, Json> = {};
  for (const route of routes) {
    const responses: Record<string, Json> = {};
    const statuses = [...Object.keys(route.responses).map(Number), ...implicitErrors(route)].sort((a, b) => a - b);
    for (const status of statuses) {
      const spec = route.responses[status];
      const schema = responseSchema(route, status);
      const description = spec?.description ?? statusText[status] ?? String(status);
      const declared = Object.entries(spec?.headers ?? {}).map(([name, said]) => [name, { description: said, schema: { type: 'string' } }] as const);
      const headers = status === 429 ? { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } } : declared.length > 0 ? Object.fromEntries(declared) : undefined;
      const content: Record<string, Json> = {};
      if (schema) {
        const key = responseComponent(route, status);
        schemas[key] = toJson(schema, 'output');
        content['application/json'] = { schema: { $ref: `#/components/schemas/${key}` } };
      }
      for (const type of spec?.streams ?? []) content[type] = { schema: { type: 'string' } };
      responses[String(status)] = { description, ...(headers ? { headers } : {}), ...(Object.keys(content).length > 0 ? { content } : {}) };
    }
    const operation: Json = {
      operationId: operationId(route),
      summary: route.summary,
      tags: [route.tag],
      parameters: [...parameters(route.input.params, 'path'), ...parameters(route.input.query, 'query')],
      responses,
    };
    if (route.input.body) {
      const body = toJson(route.input.body, 'input');
      operation.requestBody = { required: route.method === 'post', content: Object.fromEntries((route.input.bodyTypes ?? ['application/json']).map((type) => [type, { schema: body }])) };
    }
    if (route.auth.scheme) {
      securitySchemes[route.auth.scheme.name] = route.auth.scheme.definition;
      operation.security = [{ [route.auth.scheme.name]: [] }];
    }
    if (route.rateLimit) operation['x-rate-limit'] = route.rateLimit.what;
    const path = openApiPath(route.path);
    paths[path] = { ...(paths[path] ?? {}), [route.method]: operation };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: { schemas, securitySchemes },
  };
}
