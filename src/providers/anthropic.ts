// Anthropic Messages API wire format (/v1/messages, /v1/messages/count_tokens) and its SSE stream.
import type { Segment } from '../detect/types.js';
import { WHOLE_PREFIX } from './channels.js';
import { ERROR_STATUS, JSON_CONTENT_TYPE } from './error-status.js';
import { asArray, asIndex, asObject, asString, eventObject, type JsonObject } from './json-narrow.js';
import { childPath } from './json-path.js';
import { allStrings, SegmentList } from './segments.js';
import type { ErrorKind, Json, ProviderAdapter, ProviderError, SseEvent, StreamSegment } from './types.js';

function isMessagesRoute(subpath: string): boolean {
  let p = subpath;
  const q = p.indexOf('?');
  if (q !== -1) p = p.slice(0, q);
  while (p.endsWith('/')) p = p.slice(0, -1);
  return p.endsWith('/messages') || p.endsWith('/messages/count_tokens');
}

// Nested content (tool_result content, search results, document content sources) is bounded by this
// depth so a hostile body cannot recurse without end; deeper strings still reach the residual scan.
const MAX_DEPTH = 8;

/** parent[key]: content given as a string or as a list of blocks. */
function content(list: SegmentList, parent: JsonObject | undefined, key: string, at: string, depth: number): void {
  const value = parent?.[key];
  if (typeof value === 'string') {
    list.field(parent, key, at);
    return;
  }
  if (!Array.isArray(value)) return;
  const base = childPath(at, key);
  value.forEach((b, i) => {
    const block = asObject(b);
    if (block) contentBlock(list, block, `${base}[${i}]`, depth);
  });
}

/** One content block at path `at`. */
function contentBlock(list: SegmentList, block: JsonObject, at: string, depth: number): void {
  if (depth > MAX_DEPTH) return;
  switch (asString(block['type'])) {
    case 'text':
      list.field(block, 'text', at);
      return;
    case 'thinking':
      list.field(block, 'thinking', at);
      return;
    case 'tool_use':
    case 'server_tool_use':
    case 'mcp_tool_use':
      // Every string in the tool input, keys and nesting kept in the path.
      list.subtree(block, 'input', at);
      return;
    case 'tool_result':
    case 'search_result':
      list.field(block, 'title', at);
      content(list, block, 'content', at, depth + 1);
      return;
    case 'document': {
      const source = asObject(block['source']);
      if (source?.['type'] === 'text') list.field(source, 'data', `${at}.source`);
      else if (source?.['type'] === 'content') content(list, source, 'content', `${at}.source`, depth + 1);
      list.field(block, 'title', at);
      list.field(block, 'context', at);
      return;
    }
    default:
      return;
  }
}

/* ---------------- stream ---------------- */

function blockStartSegments(index: number, block: JsonObject, out: StreamSegment[]): void {
  const type = asString(block['type']);
  const text = type === 'text' ? block['text'] : type === 'thinking' ? block['thinking'] : undefined;
  if (typeof text === 'string') {
    // Usually '' (the text follows in deltas); an empty push would only make noise.
    if (text !== '') out.push({ path: `content_block.${type}`, text, channel: `content[${index}]` });
    return;
  }
  // A tool_use start carries its (usually empty) input whole; its strings are complete texts.
  const list = new SegmentList();
  contentBlock(list, block, 'content_block', 0);
  for (const s of list.segments) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
}

function deltaSegments(index: number, delta: JsonObject, out: StreamSegment[]): void {
  switch (asString(delta['type'])) {
    case 'text_delta':
      if (typeof delta['text'] === 'string') out.push({ path: 'delta.text', text: delta['text'], channel: `content[${index}]` });
      return;
    case 'thinking_delta':
      if (typeof delta['thinking'] === 'string') {
        out.push({ path: 'delta.thinking', text: delta['thinking'], channel: `content[${index}]` });
      }
      return;
    case 'input_json_delta':
      if (typeof delta['partial_json'] === 'string') {
        out.push({ path: 'delta.partial_json', text: delta['partial_json'], channel: `content[${index}].input` });
      }
      return;
    case 'citations_delta': {
      const cited = asObject(delta['citation'])?.['cited_text'];
      if (typeof cited === 'string') out.push({ path: 'delta.citation.cited_text', text: cited, channel: `${WHOLE_PREFIX}content[${index}].citation` });
      return;
    }
    default:
      return;
  }
}

const TEXT_CHANNEL = /^content\[(\d+)\]$/;
const INPUT_CHANNEL = /^content\[(\d+)\]\.input$/;

/* ---------------- errors ---------------- */

function errorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

function errorBody(status: number, message: string): string {
  return JSON.stringify({ type: 'error', error: { type: errorType(status), message } });
}

export const anthropicAdapter: ProviderAdapter = {
  api: 'anthropic',

  requestSegments(subpath: string, body: Json): Segment[] {
    const obj = asObject(body);
    if (!obj || !isMessagesRoute(subpath)) return allStrings(body);
    const list = new SegmentList();
    content(list, obj, 'system', '', 0);
    asArray(obj['messages']).forEach((m, i) => content(list, asObject(m), 'content', `messages[${i}]`, 0));
    list.residual(body);
    return list.segments;
  },

  responseSegments(subpath: string, body: Json): Segment[] {
    const obj = asObject(body);
    if (!obj || !isMessagesRoute(subpath)) return allStrings(body);
    const list = new SegmentList();
    content(list, obj, 'content', '', 0);
    return list.segments;
  },

  wantsStream(_subpath: string, _query: URLSearchParams, body: Json | undefined): boolean {
    return asObject(body)?.['stream'] === true;
  },

  streamSegments(subpath: string, _event: SseEvent, data: Json): StreamSegment[] {
    const obj = asObject(data);
    const out: StreamSegment[] = [];
    if (!obj) return out;
    if (!isMessagesRoute(subpath)) {
      for (const s of allStrings(data)) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
      return out;
    }
    const index = asIndex(obj['index'], 0);
    switch (asString(obj['type'])) {
      case 'content_block_start': {
        const block = asObject(obj['content_block']);
        if (block) blockStartSegments(index, block, out);
        break;
      }
      case 'content_block_delta': {
        const delta = asObject(obj['delta']);
        if (delta) deltaSegments(index, delta, out);
        break;
      }
      case 'message_start': {
        // Normally empty; any content it does carry is complete text.
        const list = new SegmentList();
        content(list, asObject(obj['message']), 'content', 'message', 0);
        for (const s of list.segments) out.push({ ...s, channel: WHOLE_PREFIX + s.path });
        break;
      }
      default:
        break;
    }
    return out;
  },

  flushEvent(_subpath: string, channel: string, lastEventForChannel: SseEvent, text: string): SseEvent {
    let m = INPUT_CHANNEL.exec(channel);
    let delta: JsonObject;
    if (m) {
      delta = { type: 'input_json_delta', partial_json: text };
    } else if ((m = TEXT_CHANNEL.exec(channel))) {
      const last = eventObject(lastEventForChannel.data);
      const thinking =
        asObject(last['delta'])?.['type'] === 'thinking_delta' || asObject(last['content_block'])?.['type'] === 'thinking';
      delta = thinking ? { type: 'thinking_delta', thinking: text } : { type: 'text_delta', text };
    } else {
      throw new Error(`anthropic adapter: no delta shape for channel ${JSON.stringify(channel)}`);
    }
    return {
      event: 'content_block_delta',
      data: JSON.stringify({ type: 'content_block_delta', index: Number(m[1]), delta }),
    };
  },

  endsChannels(_subpath: string, event: SseEvent, data: Json | null): string[] {
    const obj = asObject(data);
    const type = asString(obj?.['type']) ?? event.event;
    switch (type) {
      case 'content_block_stop': {
        const i = asIndex(obj?.['index'], 0);
        return [`content[${i}]`, `content[${i}].input`];
      }
      case 'message_delta':
      case 'message_stop':
      case 'error':
        return ['*'];
      default:
        return [];
    }
  },

  error(kind: ErrorKind, message: string, status?: number): ProviderError {
    const st = status ?? ERROR_STATUS[kind];
    return { status: st, contentType: JSON_CONTENT_TYPE, body: errorBody(st, message) };
  },

  streamErrorEvent(message: string): SseEvent {
    return { event: 'error', data: errorBody(ERROR_STATUS.blocked, message) };
  },
};
