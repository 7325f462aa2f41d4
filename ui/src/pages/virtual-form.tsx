import { useEffect, useState } from 'preact/hooks';
import { ErrorNotice, Loading } from '../components/feedback.js';
import { describe, Field } from '../components/field.js';
import { formErrors, type FormErrors } from '../form-errors.js';
import { useAsync, usePageTitle } from '../hooks.js';
import { href, navigate } from '../router.js';
import { useSession } from '../session-context.js';

const FORM_KEYS = ['name', 'package', 'members', 'merge_remote_versions'] as const;

interface Draft {
  name: string;
  package: string;
  members: string[];
  merge: boolean;
}

/** Create (`name` undefined) or replace a virtual repository: an ordered list of members of one package type. */
export function VirtualForm({ name }: { name?: string }) {
  const editing = name !== undefined;
  const heading = usePageTitle(editing ? `Edit ${name}` : 'New virtual repository');
  const { api, notify } = useSession();
  const remotes = useAsync(() => api.remotes(), []);
  const existing = useAsync(() => (editing ? api.virtual(name) : Promise.resolve(undefined)), [name]);
  const [draft, setDraft] = useState<Draft>({ name: '', package: 'npm', members: [], merge: false });
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, rest: [] });
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const v = existing.data;
    if (v) setDraft({ name: v.name, package: v.package, members: v.members, merge: v.merge_remote_versions ?? false });
  }, [existing.data]);

  const candidates = (remotes.data ?? []).filter((r) => r.package === draft.package);
  const packages = [...new Set([draft.package, ...(remotes.data ?? []).map((r) => r.package)])].sort();
  const toggle = (member: string, on: boolean) => setDraft((d) => ({ ...d, members: on ? [...d.members, member] : d.members.filter((m) => m !== member) }));
  const move = (index: number, by: -1 | 1) =>
    setDraft((d) => {
      const members = [...d.members];
      const [m] = members.splice(index, 1);
      members.splice(index + by, 0, m!);
      return { ...d, members };
    });

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    const body = { name: draft.name.trim(), package: draft.package, members: draft.members, ...(draft.merge ? { merge_remote_versions: true } : {}) };
    try {
      const saved = editing ? await api.replaceVirtual(name, body) : await api.createVirtual(body);
      notify(editing ? `Saved ${saved.name}.` : `Created ${saved.name}.`);
      navigate(href('virtuals', saved.name));
    } catch (err) {
      setErrors(formErrors(err, [...FORM_KEYS]));
    } finally {
      setBusy(false);
    }
  };

  if (editing && existing.error) return <ErrorNotice error={existing.error} title={`Could not load ${name}`} />;
  if (editing && !existing.data) return <Loading what={name} />;
  const err = errors.fields;
  return (
    <>
      <header class="page-head">
        <p class="crumbs">
          <a href={href('repositories')}>Repositories</a>
        </p>
        <h1 ref={heading} tabIndex={-1}>
          {editing ? `Edit ${name}` : 'New virtual repository'}
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
        ) : null}
        <div class="grid-2">
          <Field id="name" label="Name" error={err.name}>
            <input {...describe('name', false, err.name)} required value={draft.name} onInput={(e) => setDraft((d) => ({ ...d, name: e.currentTarget.value }))} disabled={editing} autocomplete="off" spellcheck={false} />
          </Field>
          <Field id="package" label="Package type" error={err.package}>
            <select {...describe('package', false, err.package)} value={draft.package} onChange={(e) => setDraft((d) => ({ ...d, package: e.currentTarget.value, members: [] }))}>
              {packages.map((t) => (
                <option key={t} value={t}>
                  {t}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <fieldset class="field" aria-describedby="members-hint">
          <legend>Members</legend>
          <p id="members-hint" class="hint">
            Tried in this order; the first that has an artifact answers.
          </p>
          {remotes.error ? <ErrorNotice error={remotes.error} /> : null}
          {candidates.length === 0 ? <p class="muted">No {draft.package} repositories yet.</p> : null}
          <div class="checks">
            {candidates.map((r) => (
              <label key={r.name}>
                <input type="checkbox" checked={draft.members.includes(r.name)} onChange={(e) => toggle(r.name, e.currentTarget.checked)} /> {r.name} <span class="muted">({r.type ?? 'remote'})</span>
              </label>
            ))}
          </div>
          {draft.members.length > 0 ? (
            <ol class="order">
              {draft.members.map((m, i) => (
                <li key={m}>
                  <span>{m}</span>
                  <button type="button" class="button small ghost" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${m} up`}>
                    ↑
                  </button>
                  <button type="button" class="button small ghost" disabled={i === draft.members.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${m} down`}>
                    ↓
                  </button>
                </li>
              ))}
            </ol>
          ) : null}
          {err.members ? <p class="field-error">{err.members}</p> : null}
        </fieldset>
        {draft.package === 'npm' ? (
          <label class="check">
            <input type="checkbox" checked={draft.merge} onChange={(e) => setDraft((d) => ({ ...d, merge: e.currentTarget.checked }))} /> Merge versions from remote members into local packages' documents
          </label>
        ) : null}
        <div class="actions end">
          <a class="button ghost" href={href('repositories')}>
            Cancel
          </a>
          <button type="submit" class="button primary" disabled={busy}>
            {busy ? 'Saving…' : editing ? 'Save changes' : 'Create virtual repository'}
          </button>
        </div>
      </form>
    </>
  );
}
