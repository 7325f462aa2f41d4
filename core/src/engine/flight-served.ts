import { AapiError } from '../errors.js';
import type { EntryStore } from './entry-store.js';
import type { FlightOutcome } from './flight.js';
import type { Served } from './served.js';

/**
 * What a client of a flight is served: the stored entry it settled on, or the download in
 * progress, read from the growing file at the client's own pace.
 */
export async function servedFromFlight(entries: EntryStore, outcome: FlightOutcome): Promise<Served> {
  if (outcome.kind === 'entry') {
    const served = await entries.serve(outcome.entry, outcome.cache, outcome.source, outcome.upstreamStatus);
    if (!served) throw new AapiError('AAPI_ERR_STORAGE_UNAVAILABLE', 'stored blob disappeared');
    return served;
  }
  const { body } = outcome;
  body.retain();
  let held = true;
  const drop = () => {
    if (held) body.release();
    held = false;
  };
  return {
    cache: 'MISS',
    source: 'remote',
    upstreamStatus: outcome.upstreamStatus,
    size: body.declaredSize,
    contentType: outcome.contentType,
    lastModified: outcome.lastModified,
    etag: outcome.etag,
    open: async (range) => {
      try {
        await body.started();
      } catch (err) {
        drop();
        throw err;
      }
      const reader = body.createReader(range);
      drop();
      return reader;
    },
    discard: drop,
  };
}
