import { useState } from 'preact/hooks';
import { Badge, Empty, type Tone } from '../components/feedback.js';
import { formatBytes, formatTime } from '../format.js';
import { usePageTitle, useStore } from '../hooks.js';
import { EVENT_TYPES } from '../live-events.js';
import { href } from '../router.js';
import { useSession } from '../session-context.js';
import type { LiveEvent } from '../types.js';

const TONE: Record<string, Tone> = {
  fetch: 'ok',
  revalidate: 'neutral',
  stale: 'warn',
  evict: 'warn',
  repository: 'neutral',
  upstream_error: 'bad',
  quarantine: 'bad',
  firewall: 'bad',
  job: 'neutral',
};

/** The live event stream, newest first, filterable by type. */
export function Events() {
  const heading = usePageTitle('Live events');
  const { feed } = useSession();
  useStore(feed);
  const [type, setType] = useState('');
  const [paused, setPaused] = useState<LiveEvent[] | null>(null);
  const source = paused ?? feed.events;
  const shown = type ? source.filter((e) => e.type === type) : source;
  return (
    <>
      <header class="page-head row">
        <div>
          <h1 ref={heading} tabIndex={-1}>
            Live events
          </h1>
          <p class="muted">
            Fetches, revalidations, stale serves, evictions, repository changes and upstream errors as they happen.{' '}
            <span class={`live ${feed.state}`} role="status">
              {feed.state === 'open' ? 'Connected' : feed.state === 'connecting' ? 'Connecting…' : 'Disconnected'}
            </span>
          </p>
        </div>
        <div class="actions">
          <label class="visually-hidden" for="event-type">
            Event type
          </label>
          <select id="event-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">All types</option>
            {EVENT_TYPES.filter((t) => t !== 'hit').map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <button type="button" class="button" aria-pressed={paused !== null} onClick={() => setPaused(paused ? null : feed.events)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" class="button ghost" onClick={() => feed.clear()}>
            Clear
          </button>
        </div>
      </header>
      <section class="card">
        {shown.length === 0 ? (
          <Empty>No events yet. Fetch something through a repository and it shows up here.</Empty>
        ) : (
          <ol class="events" aria-label="Events, newest first" aria-live={paused ? 'off' : 'polite'} aria-relevant="additions">
            {shown.map((e, i) => (
              <li key={`${e.time}-${shown.length - i}`} class="event">
                <time dateTime={e.time}>{formatTime(e.time)}</time>
                <Badge tone={TONE[e.type] ?? 'neutral'}>{e.type}</Badge>
                <span class="event-text">
                  {e.repo ? <a href={href('repositories', e.repo)}>{e.repo}</a> : null}
                  <EventDetail event={e} />
                  {e.job ? (
                    <span>
                      job {e.job.id}: {e.job.done}/{e.job.total}
                      {e.job.failed ? `, ${e.job.failed} failed` : ''}
                    </span>
                  ) : null}
                </span>
                <span class="event-meta muted">
                  {e.replica ? `replica ${e.replica.slice(0, 8)} · ` : ''}
                  {e.status !== undefined ? `${e.status}` : ''}
                  {e.bytes !== undefined ? ` · ${formatBytes(e.bytes)}` : ''}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

/** What happened, in words: the evicted path or prefix, the repository change, the upstream's message. */
function EventDetail({ event: e }: { event: LiveEvent }) {
  if (e.type === 'evict') {
    return (
      <>
        {e.action === 'prefix' ? <span>every path under</span> : null}
        {e.path ? <span class="mono">{e.path}</span> : null}
        {e.message ? <span class="muted">{e.message}</span> : null}
      </>
    );
  }
  if (e.type === 'repository') {
    return (
      <span>
        {e.message ? `${e.message} ` : ''}
        {e.action}
      </span>
    );
  }
  return (
    <>
      {e.path ? <span class="mono">{e.path}</span> : null}
      {e.action ? <span>{e.action}</span> : null}
      {e.message ? <span class="muted">{e.message}</span> : null}
    </>
  );
}
