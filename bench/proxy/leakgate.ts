// leakgate as benchmarked: the real gateway (createGateway) with an allow-all Guard (no detection:
// this measures the proxy's own overhead — parsing, segmenting, SSE scanning loop, headers, logging),
// or with `real` as second argument the production guard (packs + model + SQLite audit in a temp dir),
// or with `rules` every rule stage of the production guard with the classifier and the audit log off
// (issue 4's "all rule stages on": what detection itself costs on the live path).
// Logs go to the process's stdout (discarded by the runner), as in production.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { parseConfig as ParseConfig } from '../../src/config/load.js';
import type { buildGuard as BuildGuard, createGateway as CreateGateway } from '../../src/main.js';
import type { createLogger as CreateLogger } from '../../src/proxy/log.js';
import { load, parseBuild } from '../lib/build.js';
import type { Decision, Guard, GuardResult, RequestGuard, StreamGuard } from '../../src/policy/types.js';

const upstream = process.argv[2] as string;
// LEAKGATE_BENCH_BUILD: dist (default, what `npm start` runs) or src (through tsx); see bench/lib/build.ts.
const build = parseBuild(process.env.LEAKGATE_BENCH_BUILD);
const { parseConfig } = await load<{ parseConfig: typeof ParseConfig }>(build, 'config/load');
const { buildGuard, createGateway } = await load<{ buildGuard: typeof BuildGuard; createGateway: typeof CreateGateway }>(build, 'main');
const { createLogger } = await load<{ createLogger: typeof CreateLogger }>(build, 'proxy/log');
const ALLOW: Decision = { action: 'allow', shadow: false, findings: [] };
const RESULT: GuardResult = { decision: ALLOW, rewrites: new Map() };
const stream: StreamGuard = {
  push: (_c, text) => ({ text, action: 'allow' }),
  flush: () => ({ text: '', action: 'allow' }),
  inspectWhole: () => RESULT,
  end: () => Promise.resolve(ALLOW),
};
const request: RequestGuard = {
  tenant: 'default',
  inspect: () => Promise.resolve(RESULT),
  failure: () => Promise.resolve(ALLOW),
  openStream: () => stream,
};
const allowAll: Guard = { begin: () => request, readiness: () => ({ ready: true, components: {} }) };

const mode = process.argv[3] ?? 'allow';
const real = mode === 'real' || mode === 'rules';
const auditDb = join(mkdtempSync(join(tmpdir(), 'lg-bench-')), 'audit.db');
// LEAKGATE_BENCH_YAML: extra top-level YAML keys for exploring one stage at a time (e.g. `model: { enabled: false }`).
const extra = mode === 'rules' ? 'model: { enabled: false }\naudit: { enabled: false }' : (process.env.LEAKGATE_BENCH_YAML ?? '');
const yaml = `server: { host: 127.0.0.1, port: 0 }\nupstreams:\n  openai: { url: "${upstream}", api: openai }\ndetect: { watch: false }\n${extra.includes('audit:') ? '' : `audit: { db: "${auditDb}" }\n`}${extra}\n`;
const loaded = parseConfig(yaml, join(process.cwd(), 'config', 'bench.yaml'), {});
const logger = createLogger('info');
const guard = real ? (await buildGuard(loaded, logger)).guard : allowAll;
const gw = createGateway(loaded, { guard, logger });
gw.server.keepAliveTimeout = 60_000;
process.on("SIGINT", () => process.exit(0));
void gw.listen().then(() => process.send?.({ port: (gw.server.address() as AddressInfo).port }));

// The runner asks for CPU time around each load phase: CPU per request is robust to a busy machine.
process.on('message', (m) => {
  if (m === 'cpu') {
    const u = process.cpuUsage();
    process.send?.({ cpuUs: u.user + u.system });
  }
});
