import { ConfirmButton } from '../components/confirm-button.js';
import { Badge, Empty, ErrorNotice, Loading } from '../components/feedback.js';
import { useAsync, usePageTitle } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session-context.js';
import type { Remote, Virtual } from '../types.js';

/** Every remote, local and virtual repository, with create, edit and delete. */
export function Repositories() {
  const heading = usePageTitle('Repositories');
  const { api, notify } = useSession();
  const lists = useAsync(async () => {
    const [remotes, virtuals] = await Promise.all([api.remotes(), api.virtuals()]);
    return { remotes, virtuals };
  }, []);
  const remove = async (kind: 'remote' | 'virtual', name: string) => {
    try {
      await (kind === 'remote' ? api.deleteRemote(name) : api.deleteVirtual(name));
      notify(`Deleted ${name}.`);
      lists.reload();
    } catch (err) {
      notify(`Could not delete ${name}: ${(err as Error).message}`, 'error');
    }
  };
  return (
    <>
      <header class="page-head row">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Repositories
          </h1>
          <p class="muted">Repositories from the config file are read-only here; those created here live in the metadata store.</p>
        </div>
        <div class="actions">
          <a class="button primary" href={href('repositories', 'new')}>
            New repository
          </a>
          <a class="button" href={href('virtuals', 'new')}>
            New virtual
          </a>
        </div>
      </header>
      {lists.error ? <ErrorNotice error={lists.error} title="Could not list repositories" /> : null}
      {!lists.data ? (
        lists.error ? null : <Loading what="repositories" />
      ) : (
        <>
          <section class="card" aria-labelledby="remotes-title">
            <h2 id="remotes-title">Remote and local</h2>
            {lists.data.remotes.length === 0 ? (
              <Empty>No repositories yet.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Package</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Upstream</th>
                      <th scope="col">Source</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {lists.data.remotes.map((r) => (
                      <RemoteRow key={r.name} remote={r} onDelete={() => remove('remote', r.name)} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
          <section class="card" aria-labelledby="virtuals-title">
            <h2 id="virtuals-title">Virtual</h2>
            {lists.data.virtuals.length === 0 ? (
              <Empty>No virtual repositories. A virtual puts one URL in front of several repositories of the same package type.</Empty>
            ) : (
              <div class="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Name</th>
                      <th scope="col">Package</th>
                      <th scope="col">Members, in order</th>
                      <th scope="col">Source</th>
                      <th scope="col">
                        <span class="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {lists.data.virtuals.map((v) => (
                      <VirtualRow key={v.name} virtual={v} onDelete={() => remove('virtual', v.name)} />
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        </>
      )}
    </>
  );
}

function SourceBadge({ source }: { source: string }) {
  return source === 'config' ? <Badge tone="neutral">config file</Badge> : <Badge tone="ok">API</Badge>;
}

function RowActions({ name, editHref, source, onDelete }: { name: string; editHref: string; source: string; onDelete(): Promise<void> }) {
  if (source === 'config') return <span class="muted small">declared in config</span>;
  return (
    <div class="actions">
      <a class="button small" href={editHref} aria-label={`Edit ${name}`}>
        Edit
      </a>
      <ConfirmButton label="Delete" ariaLabel={`Delete ${name}`} title={`Delete ${name}?`} confirmLabel="Delete" onConfirm={onDelete}>
        <p>
          The repository <strong>{name}</strong> is removed on every replica. Its cached objects are no longer served through it.
        </p>
      </ConfirmButton>
    </div>
  );
}

function RemoteRow({ remote, onDelete }: { remote: Remote; onDelete(): Promise<void> }) {
  const kind = remote.type ?? 'remote';
  return (
    <tr>
      <th scope="row">
        <a href={href('repositories', remote.name)}>{remote.name}</a>
      </th>
      <td>
        <Badge tone="neutral">{remote.package}</Badge>
      </td>
      <td>{kind}</td>
      <td class="truncate" title={remote.base_url}>
        {kind === 'local' ? <span class="muted">hosted here</span> : remote.base_url}
      </td>
      <td>
        <SourceBadge source={remote.source} />
      </td>
      <td class="end">
        <RowActions name={remote.name} editHref={href('repositories', remote.name, 'edit')} source={remote.source} onDelete={onDelete} />
      </td>
    </tr>
  );
}

function VirtualRow({ virtual, onDelete }: { virtual: Virtual; onDelete(): Promise<void> }) {
  return (
    <tr>
      <th scope="row">
        <a href={href('virtuals', virtual.name)}>{virtual.name}</a>
      </th>
      <td>
        <Badge tone="neutral">{virtual.package}</Badge>
      </td>
      <td>{virtual.members.join(' → ')}</td>
      <td>
        <SourceBadge source={virtual.source} />
      </td>
      <td class="end">
        <RowActions name={virtual.name} editHref={href('virtuals', virtual.name, 'edit')} source={virtual.source} onDelete={onDelete} />
      </td>
    </tr>
  );
}
