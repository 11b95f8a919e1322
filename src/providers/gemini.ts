// Google Gemini API wire format: models/<m>:generateContent, :streamGenerateContent, :countTokens.
// The REST API accepts both camelCase and snake_case field names; both are read.
//
// Streaming: only `:streamGenerateContent?alt=sse` is an SSE stream. Without `alt=sse` Gemini streams
// one JSON array of GenerateContentResponse objects; wantsStream() is false for it, so the proxy treats
// it as a non-streamed JSON body (buffered, size-capped) and responseSegments() reads the array.
import type { Segment } from '../detect/types.js';
import { WHOLE_PREFIX } from './channels.js';
import { ERROR_STATUS, JSON_CONTENT_TYPE } from './error-status.js';
import { asArray, asIndex, asObject, eventObject, isObject, type JsonObject } from './json-narrow.js';
import { childPath } from './json-path.js';
import { allStrings, SegmentList } from './segments.js';
import type { ErrorKind, Json, ProviderAdapter, ProviderError, SseEvent, StreamSegment } from './types.js';

function actionOf(subpath: string): string {
  let p = subpath;
  const q = p.indexOf('?');
  if (q !== -1) p = p.slice(0, q);
  const slash = p.lastIndexOf('/');
  const colon = p.lastIndexOf(':');
  return colon > slash ? p.slice(colon + 1) : '';
}

function isGenerateRoute(subpath: string): boolean {
  const a = actionOf(subpath);
  return a === 'generateContent' || a === 'streamGenerateContent' || a === 'countTokens';
}

function field(o: JsonObject, camel: string, snake: string): { key: string; value: Json | undefined } {
  if (o[camel] !== undefined) return { key: camel, value: o[camel] };
  return { key: snake, value: o[snake] };
}

/** One Content object's parts (at path `at`): text, function call arguments, function responses, code. */
function parts(list: SegmentList, contentValue: Json | undefined, at: string): void {
  const c = asObject(contentValue);
  if (!c) return;
  asArray(c['parts']).forEach((p, j) => {
    const part = asObject(p);
    if (!part) return;
    const pp = `${at}.parts[${j}]`;
    list.field(part, 'text', pp);
    callArgs(list, part, pp);
    const resp = field(part, 'functionResponse', 'function_response');
    list.subtree(asObject(resp.value), 'response', childPath(pp, resp.key));
    generatedCode(list, part, pp);
  });
}

/** Every string of a function call's arguments. */
function callArgs(list: SegmentList, part: JsonObject, pp: string): void {
  const call = field(part, 'functionCall', 'function_call');
  list.subtree(asObject(call.value), 'args', childPath(pp, call.key));
}

/** Code the model wrote and ran (code execution tool): output text like any other. */
function generatedCode(list: SegmentList, part: JsonObject, pp: string): void {
  const code = field(part, 'executableCode', 'executable_code');
  list.field(asObject(code.value), 'code', childPath(pp, code.key));
  const result = field(part, 'codeExecutionResult', 'code_execution_result');
  list.field(asObject(result.value), 'output', childPath(pp, result.key));
}

function responseBody(list: SegmentList, body: JsonObject, at: string): void {
  const base = childPath(at, 'candidates');
  asArray(body['candidates']).forEach((c, i) => parts(list, asObject(c)?.['content'], `${base}[${i}].content`));
}

function errorStatusName(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  }
}

function errorJson(status: number, message: string): string {
  return JSON.stringify({ error: { code: status, message, status: errorStatusName(status) } });
}

const CANDIDATE_CHANNEL = /^candidates\[(\d+)\]\.(text|thought)$/;

export const geminiAdapter: ProviderAdapter = {
  api: 'gemini',

  requestSegments(subpath: string, body: Json): Segment[] {
    const obj = asObject(body);
    if (!obj || !isGenerateRoute(subpath)) return allStrings(body);
    const list = new SegmentList();
    const sys = field(obj, 'systemInstruction', 'system_instruction');
    parts(list, sys.value, sys.key);
    asArray(obj['contents']).forEach((c, i) => parts(list, c, `contents[${i}]`));
    list.residual(body);
    return list.segments;
  },

  responseSegments(subpath: string, body: Json): Segment[] {
    if (!isGenerateRoute(subpath)) return allStrings(body);
    const list = new SegmentList();
    if (Array.isArray(body)) {
      // streamGenerateContent without alt=sse: a JSON array of responses.
      body.forEach((r, k) => {
        const o = asObject(r);
        if (o) responseBody(list, o, `[${k}]`);
      });
    } else if (isObject(body)) {
      responseBody(list, body, '');
    }
    return list.segments;
  },

  wantsStream(subpath: string, query: URLSearchParams): boolean {
    return actionOf(subpath) === 'streamGenerateContent' && query.get('alt') === 'sse';
  },

  streamSegments(subpath: string, _event: SseEvent, data: Json): StreamSegment[] {
    const out: StreamSegment[] = [];
    const obj = asObject(data);
    if (!obj || obj['error'] !== undefined) return out;
    if (!isGenerateRoute(subpath)) {
      for (const s of allStrings(data)) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
      return out;
    }
    asArray(obj['candidates']).forEach((c, k) => {
      const cand = asObject(c);
      if (!cand) return;
      // Each chunk is a new response whose text sits in parts[0]: the channel is the candidate, not the part,
      // so a candidate's text across chunks is one stream.
      const ch = `candidates[${asIndex(cand['index'], k)}]`;
      asArray(asObject(cand['content'])?.['parts']).forEach((p, j) => {
        const part = asObject(p);
        if (!part) return;
        const path = `candidates[${k}].content.parts[${j}]`;
        const text = part['text'];
        if (typeof text === 'string') out.push({ path: `${path}.text`, text, channel: `${ch}.${part['thought'] === true ? 'thought' : 'text'}` });
        // Function calls and executed code arrive complete in one chunk: scanned whole.
        const list = new SegmentList();
        callArgs(list, part, path);
        generatedCode(list, part, path);
        for (const s of list.segments) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
      });
    });
    return out;
  },

  flushEvent(_subpath: string, channel: string, lastEventForChannel: SseEvent, text: string): SseEvent {
    const m = CANDIDATE_CHANNEL.exec(channel);
    if (!m) throw new Error(`gemini adapter: no delta shape for channel ${JSON.stringify(channel)}`);
    const last = eventObject(lastEventForChannel.data);
    const part: JsonObject = m[2] === 'thought' ? { text, thought: true } : { text };
    const candidate: JsonObject = { content: { parts: [part], role: 'model' }, index: Number(m[1]) };
    const out: JsonObject = {};
    for (const k of Object.keys(last)) {
      // usage and prompt feedback belong to the original chunk, not to released text.
      if (k !== 'usageMetadata' && k !== 'promptFeedback') out[k] = k === 'candidates' ? [candidate] : (last[k] as Json);
    }
    out['candidates'] = [candidate];
    const ev: SseEvent = { data: JSON.stringify(out) };
    if (lastEventForChannel.event !== undefined) ev.event = lastEventForChannel.event;
    return ev;
  },

  endsChannels(_subpath: string, _event: SseEvent, data: Json | null): string[] {
    const obj = asObject(data);
    if (!obj) return [];
    if (obj['error'] !== undefined) return ['*'];
    const ends: string[] = [];
    asArray(obj['candidates']).forEach((c, k) => {
      const cand = asObject(c);
      if (cand && typeof cand['finishReason'] === 'string') ends.push(`candidates[${asIndex(cand['index'], k)}].*`);
    });
    return ends;
  },

  error(kind: ErrorKind, message: string, status?: number): ProviderError {
    const st = status ?? ERROR_STATUS[kind];
    return { status: st, contentType: JSON_CONTENT_TYPE, body: errorJson(st, message) };
  },

  streamErrorEvent(message: string): SseEvent {
    // Gemini reports a failure inside an SSE stream as a data event carrying the error object.
    return { data: errorJson(ERROR_STATUS.blocked, message) };
  },
};
