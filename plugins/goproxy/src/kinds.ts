/** Index kind of `@v/list` (merged across a virtual repository's members). */
export const GO_LIST = 'go-list';
/** Index kind of a checksum database `lookup` answer (lists the h1: hashes of a version's files). */
export const SUMDB_LOOKUP = 'go-sumdb-lookup';
/** Index kind of a version's `.info` (its `Time`, for quarantine). */
export const GO_INFO = 'go-info';
/** Verifier of a module zip's `h1:` hash. */
export const ZIP_VERIFIER = 'go-zip-h1';
/** Verifier of a go.mod's `h1:` hash. */
export const MOD_VERIFIER = 'go-mod-h1';
