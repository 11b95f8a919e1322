// OpenAI wire formats: chat completions, Responses API, legacy completions, embeddings (and any
// OpenAI-compatible server). Route kind comes from the path's tail, so '/v1/...' and Azure-style
// '/openai/deployments/<d>/chat/completions' both match.
import type { Segment } from '../detect/types.js';
import { ERROR_STATUS, JSON_CONTENT_TYPE } from './error-status.js';
import { asArray, asIndex, asObject, asString, eventObject, type JsonObject } from './json-narrow.js';
import { WHOLE_PREFIX } from './channels.js';
import { childPath } from './json-path.js';
import { allStrings, SegmentList } from './segments.js';
import type { ErrorKind, Json, ProviderAdapter, ProviderError, SseEvent, StreamSegment } from './types.js';

type Route = 'chat' | 'responses' | 'completions' | 'embeddings' | 'other';

function routeOf(subpath: string): Route {
  let p = subpath;
  const q = p.indexOf('?');
  if (q !== -1) p = p.slice(0, q);
  while (p.endsWith('/')) p = p.slice(0, -1);
  if (p.endsWith('/chat/completions')) return 'chat';
  if (p.endsWith('/embeddings')) return 'embeddings';
  if (p.endsWith('/completions')) return 'completions';
  if (/\/responses(\/[^/]+(\/cancel)?)?$/.test(p)) return 'responses';
  return 'other';
}

/* ---------------- requests ---------------- */

/** parent[key] given as a string or as content parts ({type, text} / {type: 'refusal', refusal}). */
function contentParts(list: SegmentList, parent: JsonObject, key: string, at: string): void {
  const content = parent[key];
  if (typeof content === 'string') {
    list.field(parent, key, at);
    return;
  }
  if (!Array.isArray(content)) return;
  const base = childPath(at, key);
  content.forEach((p, j) => {
    const part = asObject(p);
    if (!part) return;
    const pp = `${base}[${j}]`;
    list.field(part, 'text', pp);
    list.field(part, 'refusal', pp);
  });
}

/** tool_calls[].function.arguments and legacy function_call.arguments of one message (or delta-free message). */
function toolCalls(list: SegmentList, msg: JsonObject, at: string): void {
  const calls = msg['tool_calls'];
  if (Array.isArray(calls)) {
    calls.forEach((tc, j) => list.field(asObject(asObject(tc)?.['function']), 'arguments', `${at}.tool_calls[${j}].function`));
  }
  list.field(asObject(msg['function_call']), 'arguments', `${at}.function_call`);
}

function chatRequest(list: SegmentList, body: JsonObject): void {
  asArray(body['messages']).forEach((m, i) => {
    const msg = asObject(m);
    if (!msg) return;
    const at = `messages[${i}]`;
    contentParts(list, msg, 'content', at);
    toolCalls(list, msg, at);
    list.field(msg, 'refusal', at);
  });
}

/** One Responses item (input item or output item) at path `at`. */
function responsesItem(list: SegmentList, item: JsonObject, at: string): void {
  const type = asString(item['type']);
  if (type === 'function_call') list.field(item, 'arguments', at);
  else if (type === 'custom_tool_call') list.field(item, 'input', at);
  else if (type === 'function_call_output' || type === 'custom_tool_call_output') contentParts(list, item, 'output', at);
  else if (type === 'reasoning') {
    contentParts(list, item, 'summary', at);
    contentParts(list, item, 'content', at);
  } else if (type === 'message' || type === undefined) {
    contentParts(list, item, 'content', at);
  }
}

/** parent[key] as a list of Responses items. */
function responsesItems(list: SegmentList, parent: JsonObject, key: string, at: string): void {
  const items = parent[key];
  if (!Array.isArray(items)) return;
  const base = childPath(at, key);
  items.forEach((it, i) => {
    const item = asObject(it);
    if (item) responsesItem(list, item, `${base}[${i}]`);
  });
}

function responsesRequest(list: SegmentList, body: JsonObject): void {
  list.field(body, 'instructions', '');
  list.field(body, 'input', '');
  responsesItems(list, body, 'input', '');
}

/** body[key] as a string or an array of strings (token arrays carry no text and are left alone). */
function stringOrStrings(list: SegmentList, body: JsonObject, key: string): void {
  const v = body[key];
  if (typeof v === 'string') list.field(body, key, '');
  else if (Array.isArray(v)) v.forEach((_s, i) => list.field(v, i, key));
}

/* ---------------- responses ---------------- */

function chatResponse(list: SegmentList, body: JsonObject): void {
  asArray(body['choices']).forEach((c, i) => {
    const msg = asObject(asObject(c)?.['message']);
    if (!msg) return;
    const at = `choices[${i}].message`;
    contentParts(list, msg, 'content', at);
    list.field(msg, 'refusal', at);
    list.field(msg, 'reasoning_content', at);
    list.field(msg, 'reasoning', at);
    toolCalls(list, msg, at);
  });
}

/* ---------------- streams ---------------- */

function seg(path: string, text: Json | undefined, channel: string, out: StreamSegment[]): void {
  if (typeof text === 'string') out.push({ path, text, channel });
}

const DELTA_TEXT_KEYS = ['content', 'refusal', 'reasoning_content', 'reasoning'] as const;

function chatChunkSegments(data: JsonObject, out: StreamSegment[]): void {
  asArray(data['choices']).forEach((c, k) => {
    const choice = asObject(c);
    if (!choice) return;
    const ch = `choices[${asIndex(choice['index'], k)}]`;
    // Legacy completions stream: the text sits on the choice itself.
    seg(`choices[${k}].text`, choice['text'], `${ch}.text`, out);
    const delta = asObject(choice['delta']);
    if (!delta) return;
    const base = `choices[${k}].delta`;
    for (const key of DELTA_TEXT_KEYS) seg(`${base}.${key}`, delta[key], `${ch}.${key}`, out);
    asArray(delta['tool_calls']).forEach((t, j) => {
      const tc = asObject(t);
      if (!tc) return;
      // Channel by the tool call's own index: a chunk's array position says nothing about which call it continues.
      seg(`${base}.tool_calls[${j}].function.arguments`, asObject(tc['function'])?.['arguments'],
        `${ch}.tool_calls[${asIndex(tc['index'], j)}].arguments`, out);
    });
    seg(`${base}.function_call.arguments`, asObject(delta['function_call'])?.['arguments'], `${ch}.function_call.arguments`, out);
  });
}

function wholeSegments(list: SegmentList, out: StreamSegment[]): void {
  for (const s of list.segments) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
}

function responsesEventSegments(data: JsonObject, out: StreamSegment[]): void {
  const type = asString(data['type']) ?? '';
  const oi = asIndex(data['output_index'], 0);
  const ci = asIndex(data['content_index'], 0);
  const out0 = `output[${oi}]`;
  switch (type) {
    case 'response.output_text.delta':
    case 'response.refusal.delta':
      seg('delta', data['delta'], `${out0}.content[${ci}]`, out);
      return;
    case 'response.function_call_arguments.delta':
      seg('delta', data['delta'], `${out0}.arguments`, out);
      return;
    case 'response.custom_tool_call_input.delta':
      seg('delta', data['delta'], `${out0}.input`, out);
      return;
    case 'response.reasoning_summary_text.delta':
      seg('delta', data['delta'], `${out0}.summary[${asIndex(data['summary_index'], 0)}]`, out);
      return;
    case 'response.reasoning_text.delta':
      seg('delta', data['delta'], `${out0}.reasoning[${ci}]`, out);
      return;
    default:
      break;
  }
  // Events repeating whole texts: scanned whole (inspectWhole), never pushed into a channel.
  const list = new SegmentList();
  switch (type) {
    case 'response.output_text.done':
    case 'response.reasoning_summary_text.done':
    case 'response.reasoning_text.done':
      list.field(data, 'text', '');
      break;
    case 'response.refusal.done':
      list.field(data, 'refusal', '');
      break;
    case 'response.function_call_arguments.done':
      list.field(data, 'arguments', '');
      break;
    case 'response.custom_tool_call_input.done':
      list.field(data, 'input', '');
      break;
    case 'response.content_part.added':
    case 'response.content_part.done':
    case 'response.reasoning_summary_part.added':
    case 'response.reasoning_summary_part.done': {
      const part = asObject(data['part']);
      list.field(part, 'text', 'part');
      list.field(part, 'refusal', 'part');
      break;
    }
    case 'response.output_item.added':
    case 'response.output_item.done': {
      const item = asObject(data['item']);
      if (item) responsesItem(list, item, 'item');
      break;
    }
    default: {
      // response.created / in_progress / completed / incomplete / failed carry the response object.
      const resp = asObject(data['response']);
      if (resp) responsesItems(list, resp, 'output', 'response');
    }
  }
  wholeSegments(list, out);
}

function isDone(event: SseEvent): boolean {
  return event.data.trim() === '[DONE]';
}

/* ---------------- flush / ends ---------------- */

const CHAT_CHANNEL = /^choices\[(\d+)\]\.(content|refusal|reasoning_content|reasoning|text)$/;
const TOOL_CHANNEL = /^choices\[(\d+)\]\.tool_calls\[(\d+)\]\.arguments$/;
const FUNC_CHANNEL = /^choices\[(\d+)\]\.function_call\.arguments$/;

function chatFlush(last: JsonObject, channel: string, text: string): JsonObject | undefined {
  let index: number;
  let delta: JsonObject;
  let onChoice: JsonObject | undefined;
  let m = CHAT_CHANNEL.exec(channel);
  if (m) {
    index = Number(m[1]);
    if (m[2] === 'text') onChoice = { text };
    delta = { [m[2] as string]: text };
  } else if ((m = TOOL_CHANNEL.exec(channel))) {
    index = Number(m[1]);
    delta = { tool_calls: [{ index: Number(m[2]), function: { arguments: text } }] };
  } else if ((m = FUNC_CHANNEL.exec(channel))) {
    index = Number(m[1]);
    delta = { function_call: { arguments: text } };
  } else {
    return undefined;
  }
  const choice: JsonObject = onChoice ? { ...onChoice, index, finish_reason: null } : { index, delta, finish_reason: null };
  const out: JsonObject = {};
  for (const k of Object.keys(last)) {
    // usage and obfuscation padding belong to the original chunk, not to released text.
    if (k !== 'usage' && k !== 'obfuscation') out[k] = k === 'choices' ? [choice] : (last[k] as Json);
  }
  out['choices'] = [choice];
  return out;
}

const RESPONSES_DELTA_TYPE: ReadonlyArray<[RegExp, string]> = [
  [/^output\[(\d+)\]\.content\[(\d+)\]$/, 'response.output_text.delta'],
  [/^output\[(\d+)\]\.arguments$/, 'response.function_call_arguments.delta'],
  [/^output\[(\d+)\]\.input$/, 'response.custom_tool_call_input.delta'],
  [/^output\[(\d+)\]\.summary\[(\d+)\]$/, 'response.reasoning_summary_text.delta'],
  [/^output\[(\d+)\]\.reasoning\[(\d+)\]$/, 'response.reasoning_text.delta'],
];

function responsesFlush(last: JsonObject, channel: string, text: string): JsonObject | undefined {
  const lastType = asString(last['type']);
  if (lastType?.endsWith('.delta')) {
    const out: JsonObject = {};
    for (const k of Object.keys(last)) {
      if (k === 'obfuscation') continue;
      out[k] = k === 'delta' ? text : k === 'logprobs' ? [] : (last[k] as Json);
    }
    out['delta'] = text;
    return out;
  }
  for (const [re, type] of RESPONSES_DELTA_TYPE) {
    const m = re.exec(channel);
    if (!m) continue;
    const out: JsonObject = { type, output_index: Number(m[1]) };
    if (type === 'response.output_text.delta' || type === 'response.reasoning_text.delta') out['content_index'] = Number(m[2]);
    if (type === 'response.reasoning_summary_text.delta') out['summary_index'] = Number(m[2]);
    if (last['item_id'] !== undefined) out['item_id'] = last['item_id'] as Json;
    out['delta'] = text;
    return out;
  }
  return undefined;
}

/* ---------------- errors ---------------- */

const ERROR_CODE: Readonly<Record<ErrorKind, string>> = {
  blocked: 'leakgate_blocked',
  bad_request: 'leakgate_bad_request',
  not_found: 'leakgate_not_found',
  too_large: 'leakgate_too_large',
  upstream_unreachable: 'leakgate_upstream_unreachable',
  upstream_timeout: 'leakgate_upstream_timeout',
  scan_failed: 'leakgate_scan_failed',
  audit_failed: 'leakgate_audit_failed',
  overloaded: 'leakgate_overloaded',
  internal: 'leakgate_internal',
};

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

function errorObject(type: string, message: string, code: string): JsonObject {
  return { message, type, param: null, code };
}

export const openaiAdapter: ProviderAdapter = {
  api: 'openai',

  requestSegments(subpath: string, body: Json): Segment[] {
    const route = routeOf(subpath);
    const obj = asObject(body);
    if (route === 'other' || !obj) return allStrings(body);
    const list = new SegmentList();
    if (route === 'chat') chatRequest(list, obj);
    else if (route === 'responses') responsesRequest(list, obj);
    else if (route === 'completions') stringOrStrings(list, obj, 'prompt');
    else stringOrStrings(list, obj, 'input');
    list.residual(body);
    return list.segments;
  },

  responseSegments(subpath: string, body: Json): Segment[] {
    const route = routeOf(subpath);
    const obj = asObject(body);
    if (route === 'other' || !obj) return allStrings(body);
    const list = new SegmentList();
    if (route === 'chat') chatResponse(list, obj);
    else if (route === 'responses') responsesItems(list, obj, 'output', '');
    else if (route === 'completions') asArray(obj['choices']).forEach((c, i) => list.field(asObject(c), 'text', `choices[${i}]`));
    return list.segments;
  },

  wantsStream(_subpath: string, _query: URLSearchParams, body: Json | undefined): boolean {
    return asObject(body)?.['stream'] === true;
  },

  streamSegments(subpath: string, event: SseEvent, data: Json): StreamSegment[] {
    if (isDone(event)) return [];
    const obj = asObject(data);
    const out: StreamSegment[] = [];
    if (!obj) return out;
    if (obj['error'] !== undefined) return out;
    const route = routeOf(subpath);
    if (route === 'chat' || route === 'completions') chatChunkSegments(obj, out);
    else if (route === 'responses') responsesEventSegments(obj, out);
    else for (const s of allStrings(data)) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
    return out;
  },

  flushEvent(subpath: string, channel: string, lastEventForChannel: SseEvent, text: string): SseEvent {
    const last = eventObject(lastEventForChannel.data);
    const route = routeOf(subpath);
    const data = route === 'responses' ? responsesFlush(last, channel, text) : chatFlush(last, channel, text);
    if (!data) throw new Error(`openai adapter: no delta shape for channel ${JSON.stringify(channel)}`);
    const ev: SseEvent = { data: JSON.stringify(data) };
    if (lastEventForChannel.event !== undefined) ev.event = lastEventForChannel.event;
    return ev;
  },

  endsChannels(subpath: string, event: SseEvent, data: Json | null): string[] {
    if (isDone(event)) return ['*'];
    const obj = asObject(data);
    if (!obj) return [];
    if (obj['error'] !== undefined || event.event === 'error') return ['*'];
    const route = routeOf(subpath);
    if (route === 'responses') {
      const oi = asIndex(obj['output_index'], 0);
      const ci = asIndex(obj['content_index'], 0);
      switch (asString(obj['type'])) {
        case 'response.output_text.done':
        case 'response.refusal.done':
        case 'response.content_part.done':
          return [`output[${oi}].content[${ci}]`];
        case 'response.function_call_arguments.done':
          return [`output[${oi}].arguments`];
        case 'response.custom_tool_call_input.done':
          return [`output[${oi}].input`];
        case 'response.reasoning_summary_text.done':
          return [`output[${oi}].summary[${asIndex(obj['summary_index'], 0)}]`];
        case 'response.reasoning_text.done':
          return [`output[${oi}].reasoning[${ci}]`];
        case 'response.output_item.done':
          return [`output[${oi}].*`];
        case 'response.completed':
        case 'response.incomplete':
        case 'response.failed':
        case 'error':
          return ['*'];
        default:
          return [];
      }
    }
    const ends: string[] = [];
    asArray(obj['choices']).forEach((c, k) => {
      const choice = asObject(c);
      if (choice && typeof choice['finish_reason'] === 'string') ends.push(`choices[${asIndex(choice['index'], k)}].*`);
    });
    return ends;
  },

  error(kind: ErrorKind, message: string, status?: number): ProviderError {
    const st = status ?? ERROR_STATUS[kind];
    return {
      status: st,
      contentType: JSON_CONTENT_TYPE,
      body: JSON.stringify({ error: errorObject(errorType(st), message, ERROR_CODE[kind]) }),
    };
  },

  streamErrorEvent(message: string, subpath?: string): SseEvent {
    const err = errorObject(errorType(403), message, ERROR_CODE.blocked);
    if (subpath !== undefined && routeOf(subpath) === 'responses') {
      // The Responses stream's own error event, plus the nested `error` object the SDKs throw on.
      return {
        event: 'error',
        data: JSON.stringify({ type: 'error', code: ERROR_CODE.blocked, message, param: null, error: err }),
      };
    }
    // Chat/completions streams report errors as a data event carrying an `error` object.
    return { data: JSON.stringify({ error: err }) };
  },
};
