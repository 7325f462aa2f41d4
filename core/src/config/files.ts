import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Compiled to core/dist/src/config/. In the repository the config files live at the root (deploy/
// and docs/ use them too); a packed @artifactapi/core carries a copy in its own config/
// (scripts/pack.mjs), which wins when present.
const PACKAGE_CONFIG = new URL('../../../config/', import.meta.url);
const REPO_CONFIG = new URL('../../../../config/', import.meta.url);
const CONFIG_DIR = existsSync(new URL('schema.json', PACKAGE_CONFIG)) ? PACKAGE_CONFIG : REPO_CONFIG;

/** The bundled configuration `artifactapi serve` uses when no --config is given. */
export const DEFAULT_CONFIG_FILE: string = fileURLToPath(new URL('default.yaml', CONFIG_DIR));

/** The JSON Schema of the configuration file (also usable by editors). */
export const CONFIG_SCHEMA_FILE: string = fileURLToPath(new URL('schema.json', CONFIG_DIR));
