import { serverUrl } from '../api.js';
import { clientSetup } from '../client-setup.js';
import { CodeBlock } from '../components/code-block.js';
import { useAsync } from '../hooks.js';
import { useSession } from '../session-context.js';

interface Props {
  name: string;
  kind: 'remote' | 'local' | 'virtual';
  pkg: string;
  baseUrl?: string;
}

/** Copy-paste set-up for this repository's clients, with the URL the server itself reports for it. */
export function ClientSetup({ name, kind, pkg, baseUrl }: Props) {
  const { api } = useSession();
  const info = useAsync(() => api.serverInfo(), []);
  const path = `/api/v1/${kind === 'virtual' ? 'virtual' : 'remote'}/${encodeURIComponent(name)}/`;
  // GET / knows public_url and trusted proxies; the page's own server is the fallback.
  const listed = info.data && (kind === 'virtual' ? info.data.virtuals : info.data.repositories).find((r) => r.name === name)?.url;
  const url = listed ?? serverUrl(path);
  if (info.loading && !info.data) return <p class="muted">Loading…</p>;
  const snippets = clientSetup({ name, package: pkg, kind, url, baseUrl });
  return (
    <section class="card" aria-labelledby="setup-title">
      <h2 id="setup-title">Client set-up</h2>
      <p class="muted">
        Repository URL: <code class="select-all">{pkg === 'docker' ? `${new URL(url).host}/${name}/…` : url}</code>
      </p>
      <div class="snippets">
        {snippets.map((s, i) => (
          <CodeBlock key={i} caption={s.file ? `${s.client} · ${s.file}` : s.client} code={s.code} />
        ))}
      </div>
    </section>
  );
}
