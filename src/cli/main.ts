// `leakgate <command>`: dispatches to the subcommand module (loaded on demand, so `scan` never pays
// for the server and `serve` never for the scanner). Exit codes: 0 ok, 1 findings/tampered, 2 usage or error.
import { LeakgateError } from '../errors.js';

const USAGE = `usage: leakgate <command> [options]

commands:
  serve [--config FILE]      run the gateway (default config: the embedded config/default.yaml)
  scan  [--format text|json|jsonl|sarif] [--redact] PATH…|-
                             scan files for secrets; exit 0 none, 1 genuine secrets found, 2 error
  audit <verify|export|tail|query|keys> …
                             inspect and verify the tamper-evident audit log

Run 'leakgate <command> --help' for a command's options.
`;

type Command = (argv: string[]) => Promise<number | void> | number | void;

/** Loads `export name` from a sibling module, naming the command when the module is not part of this build. */
async function load(spec: string, name: string, command: string): Promise<Command> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import(spec)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(spec.slice(2))) {
      throw new LeakgateError('LG_ERR_USAGE', `'leakgate ${command}' is not available in this build`);
    }
    throw err;
  }
  const fn = mod[name];
  if (typeof fn !== 'function') throw new LeakgateError('LG_ERR_USAGE', `'leakgate ${command}' is not available in this build`);
  return fn as Command;
}

async function commandFor(command: string): Promise<Command | null> {
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand;
    case 'scan':
      return load('./scan.js', 'scanCommand', 'scan');
    case 'audit':
      return load('./audit.js', 'auditCommand', 'audit');
    default:
      return null;
  }
}

export async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    process.exitCode = command === undefined ? 2 : 0;
    return;
  }
  try {
    const run = await commandFor(command);
    if (!run) {
      process.stderr.write(`leakgate: unknown command '${command}'\n\n${USAGE}`);
      process.exitCode = 2;
      return;
    }
    const code = await run(rest);
    if (typeof code === 'number') process.exitCode = code;
  } catch (err) {
    const msg = err instanceof LeakgateError ? `${err.code}: ${err.message}` : err instanceof Error ? err.message : String(err);
    process.stderr.write(`leakgate: ${msg}\n`);
    process.exitCode = 2;
  }
}
