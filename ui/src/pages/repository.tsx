import { Badge, ErrorNotice, Loading } from '../components/feedback.js';
import { usePageTitle, useAsync } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session-context.js';
import type { Remote, Virtual } from '../types.js';
import { ClientSetup } from './client-setup-view.js';
import { ObjectBrowser } from './object-browser.js';

interface Props {
  kind: 'remote' | 'virtual';
  name: string;
  tab: 'objects' | 'setup';
}

/** One repository: its cached objects (remotes and locals) and copy-paste client set-up. */
export function RepositoryPage({ kind, name, tab }: Props) {
  const heading = usePageTitle(name);
  const { api } = useSession();
  const repo = useAsync<Remote | Virtual>(() => (kind === 'remote' ? api.remote(name) : api.virtual(name)), [kind, name]);
  const remote = kind === 'remote' ? (repo.data as Remote | undefined) : undefined;
  const virtual = kind === 'virtual' ? (repo.data as Virtual | undefined) : undefined;
  const shown = kind === 'virtual' ? 'setup' : tab;
  const base = kind === 'remote' ? 'repositories' : 'virtuals';
  return (
    <>
      <header class="page-head row">
        <div>
          <p class="crumbs">
            <a href={href('repositories')}>Repositories</a>
          </p>
          <h1 ref={heading} tabIndex={-1}>
            {name}
          </h1>
          {repo.data ? (
            <p class="facts">
              <Badge tone="neutral">{repo.data.package}</Badge>
              <span>{virtual ? 'virtual' : (remote?.type ?? 'remote')}</span>
              {remote?.base_url && remote.type !== 'local' ? <span class="mono truncate">{remote.base_url}</span> : null}
              {virtual ? <span>members: {virtual.members.join(' → ')}</span> : null}
              <span class="muted">{repo.data.source === 'config' ? 'from the config file' : 'created through the API'}</span>
            </p>
          ) : null}
        </div>
        {repo.data && repo.data.source !== 'config' ? (
          <div class="actions">
            <a class="button" href={href(base, name, 'edit')}>
              Edit
            </a>
          </div>
        ) : null}
      </header>
      {repo.error ? <ErrorNotice error={repo.error} title={`Could not load ${name}`} /> : null}
      {!repo.data && !repo.error ? <Loading what={name} /> : null}
      {repo.data ? (
        <>
          {kind === 'remote' ? (
            <nav class="tabs" aria-label="Repository views">
              <a href={href('repositories', name)} aria-current={shown === 'objects' ? 'page' : undefined}>
                Cached objects
              </a>
              <a href={href('repositories', name, 'setup')} aria-current={shown === 'setup' ? 'page' : undefined}>
                Client set-up
              </a>
            </nav>
          ) : null}
          {shown === 'objects' ? (
            <ObjectBrowser repo={name} local={remote?.type === 'local'} />
          ) : (
            <ClientSetup name={name} kind={virtual ? 'virtual' : remote?.type === 'local' ? 'local' : 'remote'} pkg={repo.data.package} baseUrl={remote?.base_url} />
          )}
        </>
      ) : null}
    </>
  );
}
