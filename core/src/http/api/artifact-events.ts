import type { EventBus } from '../../engine/index.js';
import type { ArtifactLogFields } from '../request-context.js';

/**
 * The events an artifact request stands for, read off what it answered (cache status and HTTP
 * status), so the engine's paths need no event code: a MISS is a fetch, REVALIDATED and STALE
 * are what they say, a 502/503/504 is an upstream error, a 451 a quarantine decision and a
 * firewall denial a firewall one. Hits send nothing. Called only while someone listens.
 */
export function emitArtifactEvent(events: EventBus, artifact: ArtifactLogFields, status: number, code: string | undefined): void {
  const base = { repo: artifact.repo, path: artifact.path, status, ...(artifact.bytes !== undefined ? { bytes: artifact.bytes } : {}) };
  if (status === 451) events.emit({ type: 'quarantine', ...base, action: 'deny', ...(code ? { message: code } : {}) });
  else if (code === 'AAPI_ERR_FIREWALL_DENIED') events.emit({ type: 'firewall', ...base, action: 'deny', message: code });
  else if (status === 502 || status === 503 || status === 504) {
    events.emit({ type: 'upstream_error', ...base, message: code ?? `upstream status ${artifact.upstreamStatus ?? 'none'}` });
  } else if (artifact.cache === 'MISS') events.emit({ type: 'fetch', ...base });
  else if (artifact.cache === 'REVALIDATED') events.emit({ type: 'revalidate', ...base });
  else if (artifact.cache === 'STALE') {
    events.emit({ type: 'stale', ...base, ...(artifact.upstreamStatus !== undefined ? { message: `upstream status ${artifact.upstreamStatus}` } : {}) });
  }
}
