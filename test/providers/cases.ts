// The conformance table: every adapter, its recorded fixtures, and what its error bodies must look like.
// Fixtures are hand-written from the providers' documented wire formats (test/providers/fixtures/<api>/).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterFor } from '../../src/providers/registry.js';
import type { ApiKind, Json, ProviderAdapter } from '../../src/providers/types.js';

export interface Fixture {
  name: string;
  subpath: string;
  query?: string;
  request: Json;
  wantsStream: boolean;
  /** path -> text the request segments must contain. */
  expectRequest: Record<string, string>;
  /** Paths that must not be segments (ids, signatures, base64 payloads, structural fields). */
  notRequest?: string[];
  expectRequestCount?: number;
  response?: Json;
  expectResponse?: Record<string, string>;
  notResponse?: string[];
  expectResponseCount?: number;
  /** SSE fixture text (file named by the JSON's "stream"). */
  stream?: string;
  /** channel -> concatenated text of its pushed segments. */
  expectChannels?: Record<string, string>;
  /** [channel, text] of every whole-text segment, in order. */
  expectWhole?: [string, string][];
  /** event index -> endsChannels() result; every other event ends nothing. */
  expectEnds?: Record<string, string[]>;
}

/** Expected error `type`/`status` string per HTTP status, and how to read it from a body. */
export interface ErrorShape {
  types: Record<number, string>;
  read(body: Json): { type: unknown; message: unknown };
  /** The body's keys, top level and inside the error object, in order. */
  keys: { top: string[]; error: string[] };
}

export interface AdapterCase {
  api: ApiKind;
  adapter: ProviderAdapter;
  fixtures: Fixture[];
  errors: ErrorShape;
}

const here = dirname(fileURLToPath(import.meta.url));

function obj(v: Json | undefined): Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}

function load(api: ApiKind): Fixture[] {
  const dir = join(here, 'fixtures', api);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture & { stream?: string };
      const stream = raw.stream ? readFileSync(join(dir, raw.stream), 'utf8') : undefined;
      return { ...raw, name: `${api}/${f}`, stream };
    });
}

export const CASES: AdapterCase[] = [
  {
    api: 'openai',
    adapter: adapterFor('openai'),
    fixtures: load('openai'),
    errors: {
      types: { 400: 'invalid_request_error', 403: 'invalid_request_error', 404: 'invalid_request_error', 413: 'invalid_request_error', 500: 'api_error', 502: 'api_error', 503: 'api_error', 504: 'api_error' },
      read: (b) => ({ type: obj(obj(b)['error'])['type'], message: obj(obj(b)['error'])['message'] }),
      keys: { top: ['error'], error: ['message', 'type', 'param', 'code'] },
    },
  },
  {
    api: 'anthropic',
    adapter: adapterFor('anthropic'),
    fixtures: load('anthropic'),
    errors: {
      types: { 400: 'invalid_request_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 500: 'api_error', 502: 'api_error', 503: 'overloaded_error', 529: 'overloaded_error', 504: 'timeout_error' },
      read: (b) => ({ type: obj(obj(b)['error'])['type'], message: obj(obj(b)['error'])['message'] }),
      keys: { top: ['type', 'error'], error: ['type', 'message'] },
    },
  },
  {
    api: 'gemini',
    adapter: adapterFor('gemini'),
    fixtures: load('gemini'),
    errors: {
      types: { 400: 'INVALID_ARGUMENT', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED' },
      read: (b) => ({ type: obj(obj(b)['error'])['status'], message: obj(obj(b)['error'])['message'] }),
      keys: { top: ['error'], error: ['code', 'message', 'status'] },
    },
  },
];
