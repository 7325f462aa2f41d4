import { useEffect } from 'preact/hooks';
import { Badge, ErrorNotice, Loading, type Tone } from '../components/feedback.js';
import { LineChart } from '../components/line-chart.js';
import { formatBytes, formatCount, formatPercent, hitRatio, plural } from '../format.js';
import { useAsync, usePageTitle, useStore } from '../hooks.js';
import { href } from '../router.js';
import { useSession } from '../session-context.js';
import type { BreakerState, Health } from '../types.js';

const BREAKER: Record<BreakerState, { tone: Tone; text: string }> = {
  closed: { tone: 'ok', text: 'healthy' },
  'half-open': { tone: 'warn', text: 'recovering' },
  open: { tone: 'bad', text: 'down' },
};

/** Hit ratio, bytes served, requests over time, upstream and backend health. */
export function Dashboard() {
  const heading = usePageTitle('Dashboard');
  const { api, history } = useSession();
  useStore(history);
  const health = useAsync(() => api.health(), []);
  useEffect(() => {
    const timer = setInterval(health.reload, 10_000);
    return () => clearInterval(timer);
  }, [health.reload]);
  const stats = history.latest;
  const total = stats?.total;
  return (
    <>
      <header class="page-head">
        <h1 ref={heading} tabIndex={-1}>
          Dashboard
        </h1>
        <p class="muted">Counters since the server started, refreshed every 5 seconds.</p>
      </header>
      {history.error && !stats ? <ErrorNotice error={history.error} title="Statistics unavailable" /> : null}
      {!stats ? (
        <Loading what="statistics" />
      ) : (
        <>
          <section class="tiles" aria-label="Totals">
            <Tile label="Hit ratio" value={formatPercent(hitRatio(total!.hits, total!.misses))} detail={`${plural(total!.hits, 'hit')} · ${plural(total!.misses, 'miss', 'misses')}`} />
            <Tile label="Bytes served" value={formatBytes(total!.bytes_served)} detail={plural(total!.hits + total!.misses, 'request')} />
            <Tile label="Cached" value={formatBytes(stats.blobs.bytes)} detail={`${plural(total!.objects, 'object')} · ${plural(stats.blobs.count, 'blob')}`} />
            <Tile label="Upstream errors" value={formatCount(total!.upstream_errors)} detail="502, 504 and unreachable" tone={total!.upstream_errors > 0 ? 'warn' : undefined} />
          </section>
          <section class="card" aria-labelledby="chart-title">
            <h2 id="chart-title">Requests over time</h2>
            <p class="muted small">Requests (hits and misses) per 5 seconds, sampled while this tab is open.</p>
            <LineChart points={history.requestRate()} label="Requests per 5 seconds" unit="requests" />
          </section>
        </>
      )}
      <div class="columns">
        <section class="card" aria-labelledby="upstreams-title">
          <h2 id="upstreams-title">Upstream health</h2>
          {health.error && !health.data ? <ErrorNotice error={health.error} title="Health unavailable" /> : null}
          {health.data ? <UpstreamTable health={health.data} /> : health.error ? null : <Loading what="health" />}
        </section>
        <section class="card" aria-labelledby="backends-title">
          <h2 id="backends-title">Backends</h2>
          {health.data ? <BackendList health={health.data} /> : null}
        </section>
      </div>
      {stats ? (
        <section class="card" aria-labelledby="per-repo-title">
          <h2 id="per-repo-title">Per repository</h2>
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Repository</th>
                  <th scope="col" class="num">Objects</th>
                  <th scope="col" class="num">Cached</th>
                  <th scope="col" class="num">Hit ratio</th>
                  <th scope="col" class="num">Served</th>
                  <th scope="col" class="num">Upstream errors</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(stats.repositories).map(([name, c]) => (
                  <tr key={name}>
                    <th scope="row">
                      <a href={href('repositories', name)}>{name}</a>
                    </th>
                    <td class="num">{formatCount(c.objects)}</td>
                    <td class="num">{formatBytes(c.bytes)}</td>
                    <td class="num">{formatPercent(hitRatio(c.hits, c.misses))}</td>
                    <td class="num">{formatBytes(c.bytes_served)}</td>
                    <td class="num">{formatCount(c.upstream_errors)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </>
  );
}

function Tile({ label, value, detail, tone }: { label: string; value: string; detail: string; tone?: Tone }) {
  return (
    <div class={`tile${tone ? ` ${tone}` : ''}`}>
      <div class="tile-label">{label}</div>
      <div class="tile-value">{value}</div>
      <div class="tile-detail">{detail}</div>
    </div>
  );
}

function UpstreamTable({ health }: { health: Health }) {
  const entries = Object.entries(health.upstreams ?? {});
  if (entries.length === 0) return <p class="muted">No remote repositories.</p>;
  return (
    <ul class="status-list">
      {entries.map(([name, { state }]) => {
        const look = BREAKER[state] ?? { tone: 'neutral' as Tone, text: state };
        return (
          <li key={name}>
            <a href={href('repositories', name)}>{name}</a>
            <Badge tone={look.tone}>{look.text}</Badge>
          </li>
        );
      })}
    </ul>
  );
}

function BackendList({ health }: { health: Health }) {
  return (
    <ul class="status-list">
      <li>
        <span>Overall</span>
        <Badge tone={health.status === 'ok' ? 'ok' : 'warn'}>{health.status}</Badge>
      </li>
      {Object.entries(health.backends ?? {}).map(([role, backend]) => (
        <li key={role}>
          <span>
            {role} <span class="muted">({backend.kind})</span>
          </span>
          <Badge tone={backend.ok ? 'ok' : 'bad'}>{backend.ok ? 'ok' : 'failing'}</Badge>
        </li>
      ))}
    </ul>
  );
}
