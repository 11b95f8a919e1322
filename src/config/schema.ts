// One schema for the whole configuration: defaults here, strict objects everywhere (a typo in a
// key is an error, not a silently ignored setting). Validated once at start-up, then frozen.
import { z } from 'zod';

const action = z.enum(['allow', 'warn', 'redact', 'block']);
const failMode = z.enum(['closed', 'open']);

export const UpstreamSchema = z
  .strictObject({
    /** Base URL of the provider (scheme, host, optional path prefix). */
    url: z.url({ protocol: /^https?$/ }),
    /** Which adapter speaks this upstream's wire format. */
    api: z.enum(['openai', 'anthropic', 'gemini']),
    /** false: passed through unscanned (http-proxy-3), e.g. for WebSocket-only or binary routes. */
    scan: z.boolean().default(true),
    /** Decide and audit, but forward unchanged. */
    shadow: z.boolean().default(false),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    headersTimeoutMs: z.number().int().positive().default(300_000),
    bodyTimeoutMs: z.number().int().positive().default(300_000),
    connections: z.number().int().positive().default(128),
    /** Per-route policy overrides. */
    policy: z
      .strictObject({
        genuine: action.optional(),
        placeholder: action.optional(),
        benign: action.optional(),
        fail: failMode.optional(),
        reversibleRedaction: z.boolean().optional(),
      })
      .default({}),
  });

export const ConfigSchema = z.strictObject({
  server: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
      /** Max request body (bytes, after decompression). */
      maxBodyBytes: z.number().int().positive().default(10 * 1024 * 1024),
      /** Max non-streamed response body the gateway buffers to scan. */
      maxResponseBytes: z.number().int().positive().default(32 * 1024 * 1024),
      /**
       * Request-body bytes held in memory at once, all requests together; a body that would pass it gets a
       * 503 with Retry-After. null = an eighth of V8's heap limit.
       */
      maxBufferedBytes: z.number().int().positive().nullable().default(null),
      /** Cap on decompressed size relative to limits (bombs). */
      maxDecompressRatio: z.number().positive().default(100),
      maxJsonDepth: z.number().int().positive().default(256),
      maxHeaderBytes: z.number().int().positive().default(32 * 1024),
      /** Time allowed for in-flight requests and streams to finish on SIGTERM. */
      drainTimeoutMs: z.number().int().nonnegative().default(30_000),
      /** Separate listener for /metrics, /healthz, /readyz; null = serve them on the main port. */
      admin: z
        .strictObject({
          port: z.number().int().min(0).max(65535).nullable().default(null),
          host: z.string().default('127.0.0.1'),
          /** Bearer token required for /metrics when set. */
          token: z.string().min(16).nullable().default(null),
        })
        .default({ port: null, host: '127.0.0.1', token: null }),
    })
    .prefault({}),
  upstreams: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/), UpstreamSchema),
  detect: z
    .strictObject({
      /** Pack files or directories; relative paths resolve against the config file. */
      packs: z.array(z.string()).default([]),
      /** Hot reload packs and policy when files change. */
      watch: z.boolean().default(true),
      /** Decode and scan nested encodings (base64, URL, JSON escapes) up to this depth. */
      maxDecodeDepth: z.number().int().min(0).max(4).default(2),
    })
    .prefault({}),
  model: z
    .strictObject({
      enabled: z.boolean().default(true),
      /** ONNX file; relative to the package root when not absolute. */
      path: z.string().default('models/leakgate-classifier.onnx'),
      deadlineMs: z.number().int().positive().default(20),
      maxBatch: z.number().int().positive().default(64),
      threads: z.number().int().positive().default(1),
    })
    .prefault({}),
  policy: z
    .strictObject({
      genuine: action.default('redact'),
      placeholder: action.default('warn'),
      benign: action.default('allow'),
      fail: failMode.default('closed'),
      shadow: z.boolean().default(false),
      /** Status for a blocked request (the provider error shape is kept). */
      blockStatus: z.number().int().min(400).max(599).default(403),
      /** Per-type overrides, e.g. { 'generic-password': 'warn' }. */
      types: z.record(z.string(), action).default({}),
      /** Per-pack overrides and shadow flags. */
      packs: z.record(z.string(), z.strictObject({ genuine: action.optional(), placeholder: action.optional(), shadow: z.boolean().optional() })).default({}),
      tenants: z
        .strictObject({
          /** Header naming the tenant; when absent, a keyed fingerprint of the client's API key is used. */
          header: z.string().toLowerCase().nullable().default(null),
          overrides: z
            .record(z.string(), z.strictObject({ genuine: action.optional(), placeholder: action.optional(), shadow: z.boolean().optional() }))
            .default({}),
        })
        .prefault({}),
      /** Verdict cache for resent conversation history (entries). */
      cacheEntries: z.number().int().nonnegative().default(10_000),
      /** Max characters held back per stream channel while a secret may still be forming. */
      streamHoldbackChars: z.number().int().positive().default(4096),
      reversibleRedaction: z.boolean().default(false),
    })
    .prefault({}),
  audit: z
    .strictObject({
      enabled: z.boolean().default(true),
      db: z.string().default('data/audit.db'),
      /** Directory holding the Ed25519 signing key and HMAC fingerprint key (0600 files). */
      keyDir: z.string().nullable().default(null),
      synchronous: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
      checkpointEveryRows: z.number().int().positive().default(1000),
      checkpointEverySeconds: z.number().positive().default(60),
      /** Append each signed checkpoint to this file (keep it elsewhere: it proves no truncation). */
      checkpointSink: z.string().nullable().default(null),
      rotateBytes: z.number().int().positive().nullable().default(null),
      rotateSeconds: z.number().positive().nullable().default(null),
      fail: failMode.default('closed'),
    })
    .prefault({}),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Most bytes of log output held in memory while stdout is slower than the gateway; beyond it lines are dropped and counted. */
      maxBufferBytes: z.number().int().min(65_536).default(16 * 1024 * 1024),
    })
    .prefault({}),
});

export type Config = z.infer<typeof ConfigSchema>;
export type UpstreamConfig = z.infer<typeof UpstreamSchema>;
