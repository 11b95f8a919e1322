// `leakgate serve [--config FILE]`: load and validate the config (an invalid file exits 2 naming the
// file, key path and expectation), start the gateway, drain on SIGTERM/SIGINT, exit 0.
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import { LeakgateError } from '../errors.js';
import { startFromConfig } from '../main.js';

const USAGE = `usage: leakgate serve [--config FILE]

  -c, --config FILE   YAML configuration (default: the embedded config/default.yaml)
  -h, --help          show this help

Environment overrides: LEAKGATE_HOST, LEAKGATE_PORT, LEAKGATE_UPSTREAM_OPENAI,
LEAKGATE_UPSTREAM_ANTHROPIC, LEAKGATE_UPSTREAM_GEMINI, LEAKGATE_AUDIT_DB, LEAKGATE_ACTION.
`;

export async function serveCommand(argv: string[]): Promise<number | void> {
  let values: { config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    process.stderr.write(`leakgate serve: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let loaded: LoadedConfig;
  try {
    loaded = values.config === undefined ? loadConfig() : loadConfig(values.config);
  } catch (err) {
    if (err instanceof LeakgateError) {
      process.stderr.write(`leakgate: ${err.code}: invalid configuration\n${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const started = await startFromConfig(loaded);
  await new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        // A second signal: stop waiting for streams.
        process.exit(1);
      }
      stopping = true;
      started.gateway.logger.info({ signal }, 'draining in-flight requests');
      started
        .stop()
        .catch((err: unknown) => started.gateway.logger.error({ err: (err as Error).message }, 'shutdown error'))
        .finally(() => {
          // If some handle outlives the drain (a stuck socket, a timer), do not hang the shutdown.
          setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
          resolve();
        });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
