import { fileURLToPath } from 'node:url';

// Compiled to core/dist/src/config/, four levels below the repository root.
const ROOT = new URL('../../../../', import.meta.url);

/** The bundled configuration `artifactapi serve` uses when no --config is given. */
export const DEFAULT_CONFIG_FILE: string = fileURLToPath(new URL('config/default.yaml', ROOT));

/** The JSON Schema of the configuration file (also usable by editors). */
export const CONFIG_SCHEMA_FILE: string = fileURLToPath(new URL('config/schema.json', ROOT));
