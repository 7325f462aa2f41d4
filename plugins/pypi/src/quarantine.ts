import { looseVersion, parseDistFilename } from './names.js';
import type { SimpleProject } from './simple-model.js';

/**
 * Leaves out the files uploaded after `cutoff` (ms since epoch), and the `versions` entries
 * whose files were all left out, so resolvers pick an older version. Files without an upload
 * time (HTML upstreams) stay: there is nothing to judge them by.
 */
export function withoutQuarantined(project: SimpleProject, cutoff: number): SimpleProject {
  const kept: typeof project.files = [];
  const dropped = new Set<string>();
  const keptVersions = new Set<string>();
  for (const file of project.files) {
    const version = parseDistFilename(file.filename)?.version;
    const uploaded = file.uploadTime === undefined ? NaN : Date.parse(file.uploadTime);
    if (uploaded > cutoff) {
      if (version !== undefined) dropped.add(looseVersion(version));
      continue;
    }
    if (version !== undefined) keptVersions.add(looseVersion(version));
    kept.push(file);
  }
  const versions = project.versions?.filter((v) => {
    const loose = looseVersion(v);
    return !dropped.has(loose) || keptVersions.has(loose);
  });
  return { ...project, files: kept, versions };
}
