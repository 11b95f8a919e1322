// Collects a body's segments: first the fields an adapter knows hold text (precise, ordered paths),
// then every other string value of a request ("residual"), so text in a field the adapter does not
// model (tool descriptions, metadata, new content-part types) is never passed unscanned.
import type { Segment } from '../detect/types.js';
import { childPath, collectStrings } from './json-path.js';
import type { JsonObject } from './json-narrow.js';
import type { Json } from './types.js';

// String fields that are structure, ids or opaque tokens, never user text. Redacting one of these would
// break the request (an id, a thinking signature), and ids are random enough to look like secrets.
const STRUCTURAL_KEYS: ReadonlySet<string> = new Set([
  'model', 'role', 'type', 'object', 'id', 'tool_call_id', 'call_id', 'item_id', 'previous_response_id',
  'tool_use_id', 'signature', 'encrypted_content', 'thoughtSignature', 'thought_signature', 'media_type',
  'mime_type', 'mimeType', 'detail', 'status', 'finish_reason', 'stop_reason', 'finishReason',
  'service_tier', 'reasoning_effort', 'encoding_format', 'effort', 'format', 'responseMimeType', 'response_mime_type',
]);

function isStructural(key: string, value: string, parent: JsonObject): boolean {
  if (STRUCTURAL_KEYS.has(key)) return true;
  // Inline binary (base64 images, files): not text; scanning megabytes of it only finds noise.
  if (key === 'file_data') return true;
  if (key === 'data' && (parent['type'] === 'base64' || 'mimeType' in parent || 'mime_type' in parent || 'format' in parent)) {
    return true;
  }
  return value.startsWith('data:') && value.slice(0, 128).includes(';base64,');
}

export class SegmentList {
  readonly segments: Segment[] = [];
  readonly #covered = new Set<string>();

  /** Adds `value` at `path` when it is a string. Adapters name each modelled path once. */
  text(path: string, value: Json | undefined): void {
    if (typeof value !== 'string') return;
    this.#covered.add(path);
    this.segments.push({ path, text: value });
  }

  /** Adds every string under `value` (tool arguments objects, function responses), keys included as paths. */
  strings(path: string, value: Json | undefined): void {
    const found: Segment[] = [];
    collectStrings(value, path, found);
    for (const s of found) this.text(s.path, s.text);
  }

  /** Adds every string of `body` not yet added, leaving out structural fields. Call it last. */
  residual(body: Json): void {
    collectStrings(body, '', this.segments, { covered: this.#covered, skip: isStructural });
  }
}

/** Every string value of `body`, for routes an adapter does not model. */
export function allStrings(body: Json, base = ''): Segment[] {
  const out: Segment[] = [];
  collectStrings(body, base, out);
  return out;
}

export { childPath };
