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
};
