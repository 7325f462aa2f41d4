import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from '../components/feedback.js';
import { describe, Field } from '../components/field.js';
import { formErrors, type FormErrors } from '../form-errors.js';
import { useAsync, usePageTitle } from '../hooks.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session-context.js';
import type { Remote } from '../types.js';

/** The form's own keys; every other key of the block is edited as JSON under "More options". */
const FORM_KEYS = ['name', 'type', 'package', 'base_url', 'patterns', 'blocklist', 'quarantine_days', 'username', 'password'] as const;
const REDACTED = '********';

interface Draft {
  name: string;
  type: 'remote' | 'local';
  package: string;
  base_url: string;
  patterns: string;
  blocklist: string;
  quarantine_days: string;
  username: string;
  password: string;
  /** True when the stored block has a password the API does not show. */
  passwordSet: boolean;
  extra: string;
}

const EMPTY: Draft = { name: '', type: 'remote', package: 'npm', base_url: '', patterns: '', blocklist: '', quarantine_days: '', username: '', password: '', passwordSet: false, extra: '{}' };

/** Create (`name` undefined) or replace a remote or local repository. */
export function RemoteForm({ name }: { name?: string }) {
  const editing = name !== undefined;
  const heading = usePageTitle(editing ? `Edit ${name}` : 'New repository');
  const { api, notify } = useSession();
  const types = useAsync(() => api.packageTypes(), []);
  const existing = useAsync(() => (editing ? api.remote(name) : Promise.resolve(undefined)), [name]);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, rest: [] });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (existing.data) setDraft(toDraft(existing.data));
  }, [existing.data]);

  // After a refused save, the first field the server named takes the focus (and is read out).
  useEffect(() => {
    document.querySelector<HTMLElement>('.form [aria-invalid="true"]')?.focus();
  }, [errors]);

  const set = (key: keyof Draft) => (event: Event) => {
    const value = (event.currentTarget as HTMLInputElement).value;
    setDraft((d) => ({ ...d, [key]: value }));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    let body: Omit<Remote, 'source'>;
    try {
      body = toBody(draft);
    } catch (err) {
      setErrors({ fields: { extra: (err as Error).message }, rest: [] });
      return;
    }
    setBusy(true);
    try {
      const saved = editing ? await api.replaceRemote(name, body) : await api.createRemote(body);
      notify(editing ? `Saved ${saved.name}.` : `Created ${saved.name}.`);
      navigate(href('repositories', saved.name));
    } catch (err) {
      setErrors(formErrors(err, [...FORM_KEYS]));
    } finally {
      setBusy(false);
    }
  };

  if (editing && existing.error) return <ErrorNotice error={existing.error} title={`Could not load ${name}`} />;
  if (editing && !existing.data) return <Loading what={name} />;
  const err = errors.fields;
  const packageTypes = types.data ?? [draft.package];
  return (
    <>
      <header class="page-head">
        <p class="crumbs">
          <a href={href('repositories')}>Repositories</a>
          {editing ? (
            <>
              {' / '}
              <a href={href('repositories', name)}>{name}</a>
            </>
          ) : null}
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {editing ? `Edit ${name}` : 'New repository'}
        </h1>
      </header>
      <form class="card form" onSubmit={(e) => void submit(e)} noValidate>
        {errors.rest.length > 0 ? (
          <div class="notice error" role="alert">
            <strong>The server did not accept this repository</strong>
            <ul>
              {errors.rest.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          </div>
        ) : Object.keys(err).length > 0 ? (
          <p class="notice error" role="alert">
            Please correct the fields marked below.
          </p>
        ) : null}
        <div class="grid-2">
          <Field id="name" label="Name" hint="Letters, digits, dot, dash and underscore; part of every URL." error={err.name}>
            <input {...describe('name', true, err.name)} required pattern="[A-Za-z0-9._\-]+" value={draft.name} onInput={set('name')} disabled={editing} autocomplete="off" spellcheck={false} />
          </Field>
          <Field id="package" label="Package type" error={err.package}>
            <select {...describe('package', false, err.package)} value={draft.package} onChange={set('package')}>
              {[...new Set([...packageTypes, draft.package])].map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset class="field">
          <legend>Kind</legend>
          <div class="radios">
            <label>
              <input type="radio" name="type" value="remote" checked={draft.type === 'remote'} onChange={() => setDraft((d) => ({ ...d, type: 'remote' }))} /> Remote — a caching proxy of an upstream
            </label>
            <label>
              <input type="radio" name="type" value="local" checked={draft.type === 'local'} onChange={() => setDraft((d) => ({ ...d, type: 'local' }))} /> Local — artifacts are uploaded here
            </label>
          </div>
        </fieldset>
        {draft.type === 'remote' ? (
          <>
            <Field id="base_url" label="Upstream URL" hint="For example https://registry.npmjs.org" error={err.base_url}>
              <input {...describe('base_url', true, err.base_url)} type="url" required value={draft.base_url} onInput={set('base_url')} placeholder="https://" spellcheck={false} />
            </Field>
            <div class="grid-2">
              <Field id="username" label="Upstream user name" hint="Optional (Basic authentication)." error={err.username}>
                <input {...describe('username', true, err.username)} value={draft.username} onInput={set('username')} autocomplete="off" />
              </Field>
              <Field id="password" label="Upstream password or token" hint={draft.passwordSet ? 'A password is stored; leave empty to keep it.' : 'Optional. Never shown again.'} error={err.password}>
                <input {...describe('password', true, err.password)} type="password" value={draft.password} onInput={set('password')} autocomplete="new-password" />
              </Field>
            </div>
          </>
        ) : null}
        <div class="grid-2">
          <Field id="patterns" label="Allowed paths" hint="Regular expressions, one per line; empty allows every path." error={err.patterns}>
            <textarea {...describe('patterns', true, err.patterns)} rows={3} value={draft.patterns} onInput={set('patterns')} spellcheck={false} />
          </Field>
          <Field id="blocklist" label="Denied paths" hint="Regular expressions, one per line; checked first." error={err.blocklist}>
            <textarea {...describe('blocklist', true, err.blocklist)} rows={3} value={draft.blocklist} onInput={set('blocklist')} spellcheck={false} />
          </Field>
        </div>
        <Field id="quarantine_days" label="Quarantine days" hint="Hide versions published less than this many days ago; empty or 0 is off." error={err.quarantine_days}>
          <input {...describe('quarantine_days', true, err.quarantine_days)} type="number" min={0} step="any" inputMode="decimal" value={draft.quarantine_days} onInput={set('quarantine_days')} class="narrow" />
        </Field>
        <details class="more" open={err.extra !== undefined}>
          <summary>More options (JSON)</summary>
          <Field id="extra" label="Other keys of the repository block" hint={<>Cache lifetimes, timeouts, plugin options such as <code>files_url</code>; for example <code>{'{ "cache": { "mutable_ttl": 300 } }'}</code></>} error={err.extra}>
            <textarea {...describe('extra', true, err.extra)} class="mono" rows={Math.min(18, Math.max(4, draft.extra.split('\n').length))} value={draft.extra} onInput={set('extra')} spellcheck={false} />
          </Field>
        </details>
        <div class="actions end">
          <a class="button ghost" href={editing ? href('repositories', name) : href('repositories')}>
            Cancel
          </a>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create repository'}
          </button>
        </div>
      </form>
    </>
  );
}

function toDraft(remote: Remote): Draft {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(remote)) if (!(FORM_KEYS as readonly string[]).includes(key) && key !== 'source') extra[key] = value;
  return {
    name: remote.name,
    type: remote.type === 'local' ? 'local' : 'remote',
    package: remote.package,
    base_url: remote.base_url ?? '',
    patterns: (remote.patterns ?? []).join('\n'),
    blocklist: (remote.blocklist ?? []).join('\n'),
    quarantine_days: remote.quarantine_days ? String(remote.quarantine_days) : '',
    username: remote.username ?? '',
    password: '',
    passwordSet: typeof remote.password === 'string' && remote.password !== '',
    extra: JSON.stringify(extra, null, 2),
  };
}

function toBody(draft: Draft): Omit<Remote, 'source'> {
  let extra: unknown;
  try {
    extra = JSON.parse(draft.extra.trim() || '{}');
  } catch (err) {
    throw new Error(`not JSON: ${(err as Error).message}`);
  }
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) throw new Error('must be a JSON object: { "key": value }');
  const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter(Boolean);
  const body: Omit<Remote, 'source'> = { ...(extra as Record<string, unknown>), name: draft.name.trim(), type: draft.type, package: draft.package };
  if (draft.type === 'remote') {
    body.base_url = draft.base_url.trim();
    if (draft.username.trim()) body.username = draft.username.trim();
    // The API redacts a stored password; sending the placeholder back keeps it (an empty field means "unchanged").
    if (draft.password) body.password = draft.password;
    else if (draft.passwordSet) body.password = REDACTED;
  }
  if (lines(draft.patterns).length) body.patterns = lines(draft.patterns);
  if (lines(draft.blocklist).length) body.blocklist = lines(draft.blocklist);
  if (draft.quarantine_days.trim()) body.quarantine_days = Number(draft.quarantine_days);
  return body;
}
