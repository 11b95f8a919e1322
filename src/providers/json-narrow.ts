// Narrowing helpers for provider JSON (adapters never use `any`).
import type { Json } from './types.js';

export type JsonObject = { [key: string]: Json };

export function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: Json | undefined): JsonObject | undefined {
  return isObject(v) ? v : undefined;
}

export function asArray(v: Json | undefined): Json[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: Json | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asIndex(v: Json | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback;
}

/** Parses an SSE event's data as JSON; null when it is not JSON (e.g. '[DONE]'). */
export function parseEventData(data: string): Json | null {
  try {
    return JSON.parse(data) as Json;
  } catch {
    return null;
  }
}

/** An event's data as an object ({} when it is not a JSON object): the base a flush event is built from. */
export function eventObject(data: string): JsonObject {
  const v = parseEventData(data);
  return isObject(v ?? undefined) ? (v as JsonObject) : {};
}
