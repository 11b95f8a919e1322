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

// Each command's module is imported on first use only.
async function commandFor(command: string): Promise<Command | null> {
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).serveCommand;
    case 'scan':
      return (await import('./scan.js')).scanCommand;
    case 'audit':
      return (await import('./audit.js')).auditCommand;
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
