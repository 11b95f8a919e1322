// leakgate as benchmarked: the real gateway (createGateway) with an allow-all Guard (no detection:
// this measures the proxy's own overhead — parsing, segmenting, SSE re-serialisation, headers, logging).
// Logs go to the process's stdout (discarded by the runner), as in production.
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../../src/config/load.js';
import { createGateway } from '../../src/main.js';
import type { Decision, Guard, GuardResult, RequestGuard, StreamGuard } from '../../src/policy/types.js';

const upstream = process.argv[2] as string;
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
const guard: Guard = { begin: () => request, readiness: () => ({ ready: true, components: {} }) };

const loaded = parseConfig(`server: { host: 127.0.0.1, port: 0 }\nupstreams:\n  openai: { url: "${upstream}", api: openai }\n`, 'bench.yaml', {});
const gw = createGateway(loaded, { guard });
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
