import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { cliEnv } from './helpers/cli-env.js';
import type { Teardown } from './helpers/teardown.js';
import { tempDir } from './helpers/temp-dir.js';

/**
 * A terminal for driving a full-screen command the way a person does: Debian's tmux on a private
 * socket (no user's tmux server or config is touched), keys in with `send-keys`, the screen out
 * with `capture-pane`. Panes stay after their command exits, so its last words can still be read;
 * the exit status is printed after them by the shell that runs the command (tmux's own
 * `pane_dead_status` is sometimes left empty when the pane's end is seen before the child is reaped).
 */

const run = promisify(execFile);
const EXIT_MARK = '[command exited with status ';
export const TMUX_BIN = process.env.TMUX_BIN ?? 'tmux';

export interface TerminalOptions {
  columns?: number;
  rows?: number;
  env?: Record<string, string>;
}

export class Terminal {
  private constructor(
    private readonly socket: string,
    readonly name: string,
  ) {}

  /** Runs `argv` in a new tmux session of `columns`×`rows`; the server is killed at teardown. */
  static async start(t: Teardown, argv: readonly string[], options: TerminalOptions = {}): Promise<Terminal> {
    const dir = await tempDir(t, 'aapi-tmux-');
    const socket = join(dir, 'socket');
    const conf = join(dir, 'tmux.conf');
    await writeFile(conf, 'set -g remain-on-exit on\nset -g status off\n');
    const name = 'tui';
    const term = new Terminal(socket, name);
    t.teardown(() => term.tmux(['kill-server']).catch(() => undefined));
    const env: NodeJS.ProcessEnv = { ...cliEnv(options.env), TERM: 'xterm-256color' };
    delete env.TMUX;
    const command = `${argv.map(shellQuote).join(' ')}; printf '\\n${EXIT_MARK}%d]\\n' $?`;
    await run(TMUX_BIN, ['-S', socket, '-f', conf, 'new-session', '-d', '-s', name, '-x', String(options.columns ?? 120), '-y', String(options.rows ?? 40), command], { env });
    return term;
  }

  /**
   * The screen as text, wrapped lines joined, trailing blanks cut. The lines scrolled above it are
   * included: a command that prints before the pane has its final size may have pushed some there.
   */
  async screen(): Promise<string> {
    const { stdout } = await this.tmux(['capture-pane', '-p', '-J', '-S', '-', '-t', this.name]);
    return stdout.replace(/\s+$/, '');
  }

  /** Sends tmux key names (`Down`, `Enter`, `Escape`) or literal text, one key at a time. */
  async press(...keys: string[]): Promise<void> {
    for (const key of keys) {
      await this.tmux(['send-keys', '-t', this.name, key]);
      // One read per key, as typed: the app gets each key on its own.
      await sleep(50);
    }
  }

  /**
   * Polls the screen until `match` holds; fails with the last screen when `timeoutMs` passes.
   * The bounds are generous on purpose: on a loaded 2-core machine Node alone takes seconds to start.
   */
  async waitFor(match: string | RegExp | ((screen: string) => boolean), timeoutMs = 45_000): Promise<string> {
    const test = typeof match === 'function' ? match : typeof match === 'string' ? (s: string) => s.includes(match) : (s: string) => match.test(s);
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = await this.screen();
      if (test(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`the screen did not show ${String(match)} within ${timeoutMs} ms; it shows:\n${screen}`);
      await sleep(150);
    }
  }

  /** The command's exit status once it has exited; undefined while it runs. */
  async exitStatus(): Promise<number | undefined> {
    const screen = await this.screen();
    const at = screen.lastIndexOf(EXIT_MARK);
    return at === -1 ? undefined : Number.parseInt(screen.slice(at + EXIT_MARK.length), 10);
  }

  /** Waits for the command to exit and resolves to its status. */
  async waitForExit(timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.exitStatus();
      if (status !== undefined) return status;
      if (Date.now() > deadline) throw new Error(`still running after ${timeoutMs} ms; the screen shows:\n${await this.screen()}`);
      await sleep(150);
    }
  }

  private tmux(args: readonly string[]) {
    return run(TMUX_BIN, ['-S', this.socket, ...args]);
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Rejects when tmux cannot run here; for the service gate of the tests. */
export async function probeTmux(): Promise<void> {
  await run(TMUX_BIN, ['-V']);
}
