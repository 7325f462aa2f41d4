import { parseArgs } from 'node:util';
import { checkConfigCommand } from './check-config.js';
import { pluginsCommand } from './plugins.js';
import { serveCommand } from './serve.js';

const USAGE = `Usage: artifactapi <command> [options]

Commands:
  serve [--config FILE] [--listen HOST:PORT] [--data DIR]
                          run the proxy (defaults: bundled config/default.yaml, 0.0.0.0:8000, ./data)
  plugins                 list discovered package-type plugins and any that failed to load
  check-config FILE       validate a config file; exits non-zero naming each bad key
  tui --endpoint URL [--token T]
                          dashboard, repositories and live events of a running server in the
                          terminal (token also from ARTIFACTAPI_TOKEN)
  help                    show this text
`;

/** Runs a command and resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(parseArgs({
          args: rest,
          options: { config: { type: 'string' }, listen: { type: 'string' }, data: { type: 'string' } },
          strict: true,
        }).values);
      case 'plugins':
        return await pluginsCommand();
      case 'check-config': {
        const { positionals, values } = parseArgs({ args: rest, options: { data: { type: 'string' } }, allowPositionals: true });
        if (positionals.length !== 1) return usage('check-config takes exactly one FILE');
        return await checkConfigCommand(positionals[0]!, values.data);
      }
      case 'tui': {
        // Loaded on demand: serve never pays for the terminal UI library.
        const { tuiCommand } = await import('./tui/tui-command.js');
        return await tuiCommand(parseArgs({ args: rest, options: { endpoint: { type: 'string' }, token: { type: 'string' } }, strict: true }).values);
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        return usage(`unknown command "${command}"`);
    }
  } catch (err) {
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return usage((err as Error).message);
    throw err;
  }
}

function usage(problem: string): number {
  process.stderr.write(`artifactapi: ${problem}\n\n${USAGE}`);
  return 2;
}
