export default {
  files: ['test/dist/*.test.js'],
  timeout: '180s',
  workerThreads: false,
  concurrency: 2,
};
