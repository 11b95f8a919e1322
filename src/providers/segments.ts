// Collects a body's segments: first the fields an adapter knows hold text (precise, ordered paths),
// then every other string value of a request ("residual"), so text in a field the adapter does not
// model (tool descriptions, metadata, new content-part types) is never passed unscanned.
import type { Segment } from '../detect/types.js';
import { childPath, collectStrings, type PathStep } from './json-path.js';
import type { JsonObject } from './json-narrow.js';
import type { Json } from './types.js';

type Container = JsonObject | Json[];

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
  // Inline binary (base64 images, audio, files): not text; scanning megabytes of it only finds noise.
  if (key === 'file_data') return true;
  if (key === 'data' && (parent['type'] === 'base64' || 'mimeType' in parent || 'mime_type' in parent || 'format' in parent)) {
    return true;
  }
  return value.startsWith('data:') && value.slice(0, 128).includes(';base64,');
}

function valueAt(parent: Container, key: PathStep): Json | undefined {
  if (Array.isArray(parent)) return typeof key === 'number' ? parent[key] : undefined;
  return typeof key === 'string' && Object.hasOwn(parent, key) ? parent[key] : undefined;
}

export class SegmentList {
  readonly segments: Segment[] = [];
  // What the adapter took, by container identity and key: the residual pass skips it without
  // building or hashing its path.
  readonly #covered = new Map<Container, Set<PathStep>>();

  #mark(parent: Container, key: PathStep): void {
    let keys = this.#covered.get(parent);
    if (!keys) {
      keys = new Set();
      this.#covered.set(parent, keys);
    }
    keys.add(key);
  }

  /** Adds parent[key] when it is a string; `at` is the parent's path. */
  field(parent: Container | undefined, key: PathStep, at: string): void {
    if (!parent) return;
    const v = valueAt(parent, key);
    if (typeof v !== 'string') return;
    this.#mark(parent, key);
    this.segments.push({ path: childPath(at, key), text: v });
  }

  /** Adds every string under parent[key] (tool arguments objects, function responses), whatever its keys. */
  subtree(parent: Container | undefined, key: PathStep, at: string): void {
    if (!parent) return;
    const v = valueAt(parent, key);
    if (v === undefined) return;
    this.#mark(parent, key);
    collectStrings(v, childPath(at, key), this.segments);
  }

  /** Adds every string of `body` not yet added, leaving out structural fields. Call it last. */
  residual(body: Json): void {
    const covered = this.#covered;
    collectStrings(body, '', this.segments, {
      skip: isStructural,
      covered: covered.size === 0 ? undefined : (parent, key) => covered.get(parent)?.has(key) === true,
    });
  }
}

/** Every string value of `body`, for routes an adapter does not model. */
export function allStrings(body: Json, base = ''): Segment[] {
  const out: Segment[] = [];
  collectStrings(body, base, out);
  return out;
}
