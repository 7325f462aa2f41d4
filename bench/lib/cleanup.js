// Every child process a benchmark starts is registered here, so it is killed on normal exit,
// on an error, and on SIGINT/SIGTERM: a benchmark never leaves a server behind. Asynchronous
// undo steps (dropping a database, flushing a Redis db) run on a signal or a crash; on a normal
// run the code that set them up undoes them itself and deregisters them.
import { rmSync } from 'node:fs';

const children = new Set();
const dirs = new Set();
const undos = new Set();
let installed = false;

function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

/** Kills the children, then runs the pending undo steps (bounded: a dead backend must not hang exit). */
async function killAllThenUndo() {
  killAll();
  const pending = [...undos];
  undos.clear();
  let timer;
  const bound = new Promise((resolve) => {
    timer = setTimeout(resolve, 5000);
  });
  await Promise.race([Promise.allSettled(pending.map((undo) => undo())), bound]);
  clearTimeout(timer);
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      void killAllThenUndo().then(() => process.exit(130));
    });
  }
  for (const event of ['uncaughtException', 'unhandledRejection']) {
    process.on(event, (err) => {
      console.error(err);
      void killAllThenUndo().then(() => process.exit(1));
    });
  }
}

/** Registers a ChildProcess to be killed when this process ends; returns it. */
export function track(child) {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Registers a temp dir to be removed when this process ends; returns it. */
export function trackDir(dir) {
  install();
  dirs.add(dir);
  return dir;
}

/**
 * Registers an async undo step to run if the process is interrupted or crashes; returns a
 * function that deregisters it (call that once the step has run normally).
 */
export function onInterrupt(undo) {
  install();
  undos.add(undo);
  return () => undos.delete(undo);
}

/** Stops a tracked child gracefully (SIGTERM, then SIGKILL after `graceMs`). */
export async function stop(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
