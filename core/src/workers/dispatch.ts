/** Worker-side entry: loads the requested task module once and calls its export. */

interface DispatchRequest {
  module: string;
  export: string;
  input: unknown;
}

type TaskFn = (input: unknown) => unknown;

const loaded = new Map<string, Promise<Record<string, unknown>>>();

export default async function dispatch(request: DispatchRequest): Promise<unknown> {
  let mod = loaded.get(request.module);
  if (!mod) {
    mod = import(request.module) as Promise<Record<string, unknown>>;
    loaded.set(request.module, mod);
  }
  const fn = (await mod)[request.export];
  if (typeof fn !== 'function') throw new TypeError(`task ${request.module}#${request.export} is not a function`);
  return (fn as TaskFn)(request.input);
}
