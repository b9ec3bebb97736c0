/** @type {import('jest').Config} */
const swc = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    target: 'es2022',
    keepClassNames: true,
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

// ESM-only packages that the code loads with require() (Node >= 20.19 runs require(esm) natively;
// Jest's module system does not): compiled to CommonJS for the tests.
const ESM_PACKAGES = ['file-type', 'strtok3', 'token-types', '@tokenizer', 'uint8array-extras', '@borewit'];
const swcEsm = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } };

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swc], [`/node_modules/(${ESM_PACKAGES.join('|')})/.+\\.js$`]: ['@swc/jest', swcEsm] },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES.join('|')})/)`],
  moduleNameMapper: {
    // file-type's exports offer only `import`/`module-sync` under `node`, conditions Jest's require does not use.
    '^file-type$': '<rootDir>/node_modules/file-type/index.js',
    '^@app/([a-z-]+)$': '<rootDir>/libs/$1/src',
    '^@app/([a-z-]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
  },
  testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  // One PostgreSQL for the run (TEST_DATABASE_URL or an embedded one) and a migrated template
  // database; each test file clones its own database from it (see test/support/test-database.ts).
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  // A safety net against hangs, not an assertion: on a loaded machine (CI runners, several suites
  // at once) a test that waits for its conditions may take minutes. Specs wait with deadlines
  // (test/support/wait-for.ts) that fail sooner and say what they waited for.
  testTimeout: 180_000,
  maxWorkers: 2,
  // A worker whose heap has grown past this after a file is replaced before the next one, so one
  // file's leftovers (apps, models, caches) do not pile up over a long run.
  workerIdleMemoryLimit: '1GB',
  // How long a worker gets to exit once the run is over before Jest kills it and warns "a worker
  // process has failed to exit gracefully". Jest's 500 ms default is shorter than the teardown of
  // a worker's large heap on a loaded machine, even with nothing left open: on this 2-core VM at
  // load 16, a Node.js process with a 600 MB heap and an empty event loop took 1.3 to 1.8 s from
  // its 'exit' event to being gone (a small one 0.14 s), and the workers here reach 1 GB. A
  // handle really left open (timer, socket, server) still keeps a worker alive forever, so it
  // still gets the warning, 10 s later; `--detectOpenHandles` names it.
  workerGracefulExitTimeout: 10_000,
};
