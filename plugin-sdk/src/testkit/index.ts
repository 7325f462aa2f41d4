export { startUpstream, UpstreamServer } from './upstream-server.js';
export type { RecordedRequest, UpstreamFile, UpstreamHandler, UpstreamServerOptions } from './upstream-server.js';
export { checkClassifications, testContext } from './classify-table.js';
export type { ClassifyMismatch, ClassifyRow } from './classify-table.js';
export { rewriteContext, runInspector, runRewriter } from './run-task.js';
