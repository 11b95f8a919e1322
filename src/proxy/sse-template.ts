// A cheap byte check before JSON.parse for the common streamed event: a token delta whose data is
// the previous delta's data with only its one text string changed (OpenAI chat chunks, Anthropic
// text_delta / input_json_delta, Gemini text parts all look like that for thousands of events).
//
// A template is learnt from a parsed event with exactly one text segment and no channel closed: the
// data is split around that string's literal into `pre` (up to and including its opening quote) and
// `post` (from its closing quote). It is kept only after a probe proves it: the same data with a
// different text in that slot, parsed and run through the adapter, must give exactly one segment,
// same channel and path, with the probe text, closing nothing. A later event then matches when its
// data is `pre` + a literal + `post` and the literal holds no quote, backslash or control character:
// JSON tokenises it exactly like the probe (a plain string token in the same place), so its value is
// the literal itself and the adapter would give the same single segment. Anything else (first
// event with the role, finish events, tool-call headers, escapes, other event names or fields) takes
// the full parse. Matching is a prefix/suffix compare and one scan of the literal.
import { isWholeChannel } from '../providers/channels.js';
import type { Json, ProviderAdapter, SseEvent, StreamSegment } from '../providers/types.js';

export interface EventTemplate {
  readonly event: string | undefined;
  readonly pre: string;
  readonly post: string;
  readonly channel: string;
  readonly path: string;
}

// Plain (nothing JSON escapes), non-empty, and unlike any text an adapter would treat specially.
const PROBE = 'lg probe \u2063 text';

/** The literal's text when `data` matches the template, else null. */
export function matchTemplate(t: EventTemplate, ev: SseEvent): string | null {
  if (ev.event !== t.event || ev.id !== undefined || ev.retry !== undefined || ev.comments !== undefined) return null;
  const d = ev.data;
  const end = d.length - t.post.length;
  if (end <= t.pre.length || !d.startsWith(t.pre) || !d.endsWith(t.post)) return null;
  for (let i = t.pre.length; i < end; i++) {
    const c = d.charCodeAt(i);
    if (c === 34 /* " */ || c === 92 /* \ */ || c < 32) return null;
  }
  return d.slice(t.pre.length, end);
}

/**
 * A template for events shaped like `ev` (already parsed: `data`, its segments and closed channels),
 * or null when `ev` is not a single-text delta or the probe does not confirm the slot.
 */
export function learnTemplate(
  adapter: ProviderAdapter,
  subpath: string,
  ev: SseEvent,
  ends: readonly string[],
  segments: readonly StreamSegment[],
): EventTemplate | null {
  if (ends.length > 0 || segments.length !== 1 || ev.id !== undefined || ev.retry !== undefined || ev.comments !== undefined) return null;
  const seg = segments[0] as StreamSegment;
  if (seg.text.length === 0 || isWholeChannel(seg.channel)) return null;
  const literal = JSON.stringify(seg.text);
  const at = ev.data.indexOf(literal);
  // The literal must be found exactly once (else the slot is ambiguous) and be plain (no escapes),
  // since a matching event's literal is taken as its text without decoding.
  if (at === -1 || ev.data.indexOf(literal, at + 1) !== -1 || literal.includes('\\')) return null;
  const pre = ev.data.slice(0, at + 1);
  const post = ev.data.slice(at + literal.length - 1);
  const probe: SseEvent = { data: `${pre}${PROBE}${post}` };
  if (ev.event !== undefined) probe.event = ev.event;
  let data: Json;
  try {
    data = JSON.parse(probe.data) as Json;
  } catch {
    return null;
  }
  if (adapter.endsChannels(subpath, probe, data).length > 0) return null;
  const got = adapter.streamSegments(subpath, probe, data);
  const one = got[0];
  if (got.length !== 1 || !one || one.text !== PROBE || one.channel !== seg.channel || one.path !== seg.path) return null;
  return { event: ev.event, pre, post, channel: seg.channel, path: seg.path };
}

/** The data of a matched event with its text replaced (the slot is a plain JSON string). */
export function spliceTemplate(t: EventTemplate, text: string): string {
  return t.pre + JSON.stringify(text).slice(1, -1) + t.post;
}
