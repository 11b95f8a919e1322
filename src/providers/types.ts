// The provider adapter contract. An adapter knows one wire format and nothing about detection:
// it lists the text segments a detector must see and writes changed text back.
import type { Segment } from '../detect/types.js';

export type ApiKind = 'openai' | 'anthropic' | 'gemini';

/** A JSON value as parsed by JSON.parse; adapters narrow it themselves (no `any`). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One server-sent event as it arrived (or as it will be written). */
export interface SseEvent {
  event?: string;
  id?: string;
  retry?: number;
  /** The data field, lines joined by '\n'. */
  data: string;
  /** Comment lines (': keep-alive'), preserved verbatim. */
  comments?: string[];
}

/**
 * A text segment of a streamed response. `channel` names the output stream the text belongs to
 * (e.g. 'choices[0].content', 'choices[0].tool_calls[1].arguments', 'content[2]'), so that a
 * secret split over many events in one channel is scanned as one text.
 */
export interface StreamSegment extends Segment {
  channel: string;
}

/** Provider-shaped error: what that provider's own API would send, so SDKs raise their typed errors. */
export interface ProviderError {
  status: number;
  contentType: string;
  body: string;
}

export type ErrorKind =
  | 'blocked' // policy blocked a secret (403)
  | 'bad_request' // malformed JSON, invalid UTF-8 (400)
  | 'not_found' // unknown route (404)
  | 'too_large' // body over limit (413)
  | 'upstream_unreachable' // 502
  | 'upstream_timeout' // 504
  | 'scan_failed' // fail-closed: scanning could not complete (403 by default)
  | 'audit_failed' // fail-closed: audit log could not be written (503)
  | 'overloaded' // (additive) request bodies in flight fill the gateway's memory budget (503 + Retry-After)
  | 'internal'; // 500

export interface ProviderAdapter {
  readonly api: ApiKind;
  /** Segments of a request body. `subpath` is the path after the route prefix (e.g. '/v1/chat/completions'). */
  requestSegments(subpath: string, body: Json): Segment[];
  /** Segments of a non-streamed response body. */
  responseSegments(subpath: string, body: Json): Segment[];
  /** Whether the client asked for an SSE stream (body flag or path, e.g. Gemini ':streamGenerateContent'). */
  wantsStream(subpath: string, query: URLSearchParams, body: Json | undefined): boolean;
  /** Segments of one parsed SSE event's data (JSON-parsed by the caller); [] for control events. */
  streamSegments(subpath: string, event: SseEvent, data: Json): StreamSegment[];
  /** Provider-shaped error body for `kind` with a human message (never a secret value). */
  error(kind: ErrorKind, message: string, status?: number): ProviderError;
  /**
   * A final SSE event that tells the client the stream was stopped (block mid-stream), in the provider's own shape.
   * `subpath` (optional, additive) picks the API's variant where they differ (OpenAI Responses uses `event: error`).
   */
  streamErrorEvent(message: string, subpath?: string): SseEvent;
  /**
   * A delta event for `channel` carrying `text`, derived from the last event seen on that channel but without its
   * non-delta fields (finish_reason, usage, stop reasons), so held-back text can be released before the channel
   * ends. `streamSegments` of the result yields exactly one segment: (`channel`, `text`).
   */
  flushEvent(subpath: string, channel: string, lastEventForChannel: SseEvent, text: string): SseEvent;
  /**
   * Channels this event closes, to be flushed before the event is written. Entries are exact channel names, or
   * patterns ending in '*' meaning every channel starting with what precedes it ('*' alone: all channels);
   * see channelMatches() in channels.ts. `data` is the parsed JSON, or null when the data is not JSON ('[DONE]').
   */
  endsChannels(subpath: string, event: SseEvent, data: Json | null): string[];
}
