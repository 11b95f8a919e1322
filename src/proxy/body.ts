// Reading bodies: size limits before and after decompression (bombs → 413), strict UTF-8, JSON with
// a depth cap. Everything here fails with a ProxyFailure carrying the right code and status.
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, inflateRaw, type ZlibOptions } from 'node:zlib';
import type { Json } from '../providers/types.js';
import { ProxyFailure } from './failure.js';
import { jsonTooDeep } from './json-depth.js';

type Decoder = (buf: Buffer, opts: ZlibOptions) => Promise<Buffer>;
const gunzipAsync = promisify(gunzip) as Decoder;
const inflateAsync = promisify(inflate) as Decoder;
const inflateRawAsync = promisify(inflateRaw) as Decoder;
const brotliAsync = promisify(brotliDecompress) as Decoder;

export interface BodyLimits {
  /** Max bytes, both as received and after decompression. */
  maxBytes: number;
  /** Max decompressed/compressed ratio. */
  maxRatio: number;
  /**
   * Gateway-wide admission (body-budget.ts): asked for every chunk as it arrives and for the decoded
   * size; false refuses the body with a 503 'overloaded'. Absent: no shared bound.
   */
  admit?: (bytes: number) => boolean;
}

function overloaded(): ProxyFailure {
  return new ProxyFailure(
    'LG_ERR_OVERLOADED',
    'overloaded',
    'the gateway is holding as many request bytes as it is allowed to (server.maxBufferedBytes); retry shortly',
  );
}

function tooLarge(what: string, limit: number): ProxyFailure {
  return new ProxyFailure('LG_ERR_BODY_TOO_LARGE', 'too_large', `${what} exceeds the limit of ${limit} bytes`);
}

/** Collects a stream into one Buffer, failing as soon as it passes `limit` bytes (event-driven: no async iterator). */
export function collect(stream: Readable, limit: number, what: string, admit?: (bytes: number) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        done();
        reject(tooLarge(what, limit));
        return;
      }
      if (admit !== undefined && !admit(chunk.length)) {
        done();
        reject(overloaded());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

/** Decodes a Content-Encoding ('' / identity → unchanged); the output is capped (bombs → 413). */
export async function decodeContent(raw: Buffer, encoding: string, limits: BodyLimits, what: string): Promise<Buffer> {
  const enc = encoding.trim().toLowerCase();
  if (enc === '' || enc === 'identity') return raw;
  const cap = Math.max(1, Math.min(limits.maxBytes, Math.ceil(raw.length * limits.maxRatio)));
  const opts: ZlibOptions = { maxOutputLength: cap };
  try {
    switch (enc) {
      case 'gzip':
      case 'x-gzip':
        return await gunzipAsync(raw, opts);
      case 'br':
        return await brotliAsync(raw, opts);
      case 'deflate':
        // RFC 9110 deflate is zlib-wrapped; some clients send raw deflate.
        return await inflateAsync(raw, opts).catch((err: unknown) => {
          if (isOverCap(err)) throw err;
          return inflateRawAsync(raw, opts);
        });
      default:
        throw new ProxyFailure('LG_ERR_DECOMPRESS', 'bad_request', `unsupported content-encoding '${enc}'`);
    }
  } catch (err) {
    if (err instanceof ProxyFailure) throw err;
    if (isOverCap(err)) {
      throw new ProxyFailure('LG_ERR_DECOMPRESS', 'too_large', `${what} decompresses past the cap of ${cap} bytes`);
    }
    throw new ProxyFailure('LG_ERR_DECOMPRESS', 'bad_request', `${what} is not valid ${enc} data`, { cause: err });
  }
}

function isOverCap(err: unknown): boolean {
  return err instanceof RangeError || (err as NodeJS.ErrnoException | null)?.code === 'ERR_BUFFER_TOO_LARGE';
}

/** Reads the request body: Content-Length checked up front, bytes counted while reading, then decoded. */
export async function readRequestBody(req: IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) throw tooLarge('request body', limits.maxBytes);
  const raw = await collect(req, limits.maxBytes, 'request body', limits.admit);
  const enc = req.headers['content-encoding'];
  if (enc === undefined) return raw;
  const decoded = await decodeContent(raw, enc, limits, 'request body');
  if (decoded !== raw && limits.admit !== undefined && !limits.admit(decoded.length)) throw overloaded();
  return decoded;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decode: invalid sequences are a 400, never silently replaced. */
export function decodeUtf8(buf: Buffer, what: string): string {
  try {
    return utf8.decode(buf);
  } catch {
    throw new ProxyFailure('LG_ERR_BODY_MALFORMED', 'bad_request', `${what} is not valid UTF-8`);
  }
}

/** JSON.parse with a nesting-depth cap. */
export function parseJson(text: string, maxDepth: number, what: string): Json {
  if (jsonTooDeep(text, maxDepth)) {
    throw new ProxyFailure('LG_ERR_BODY_MALFORMED', 'bad_request', `${what} nests deeper than ${maxDepth} levels`);
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    // V8's message quotes the body; keep only the position so no body text reaches logs.
    const at = /position (\d+)/.exec((err as Error).message)?.[1];
    throw new ProxyFailure('LG_ERR_BODY_MALFORMED', 'bad_request', `${what} is not valid JSON${at ? ` (at position ${at})` : ''}`);
  }
}

/** application/json and any +json media type. */
export function isJsonType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const mt = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return mt === 'application/json' || mt.endsWith('+json');
}

export function isEventStream(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return (contentType.split(';')[0] ?? '').trim().toLowerCase() === 'text/event-stream';
}

/**
 * The label of a media type that cannot carry scannable text (audio, images, video, opaque files),
 * else null. These stream through unscanned by deliberate choice (counted in
 * leakgate_unscanned_responses_total and named in the request log line): scanning them would mean
 * buffering megabytes of media for nothing, and OpenAI's audio speech and file content downloads use
 * them. Every other type — text/*, none at all, XML, NDJSON… — is scanned as text.
 */
export function binaryTypeLabel(contentType: string | undefined): 'audio' | 'image' | 'video' | 'octet-stream' | null {
  if (!contentType) return null;
  const mt = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  if (mt === 'application/octet-stream') return 'octet-stream';
  const slash = mt.indexOf('/');
  if (slash <= 0 || slash === mt.length - 1) return null;
  switch (mt.slice(0, slash)) {
    case 'audio':
      return 'audio';
    case 'image':
      // SVG is XML text and can carry anything: scanned.
      return mt === 'image/svg+xml' ? null : 'image';
    case 'video':
      return 'video';
    default:
      return null;
  }
}
