// @ts-check
import eslint from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// Lib boundaries (README, "Adding a feature lib"). One `no-restricted-imports` per file set:
// flat config replaces a rule's options rather than merging them, so each set gets the full list.
const SEQUELIZE = ['sequelize', 'sequelize-typescript'].map((name) => ({
  name,
  message: 'Only *.repository.ts and models/ touch Sequelize: put the query in the lib\'s repository.',
}));
const NO_APPS = { regex: '(^|/)apps/', message: 'A lib never imports an app (the composition root imports the libs).' };
const NO_FEATURES = {
  regex: '^@app/(?!(database|common|config|observability|redis)(/|$))',
  message: 'libs/database, common, config, observability and redis import no feature lib: have the feature register with them instead.',
};
const boundaries = ({ sequelize, features }) => [
  'error',
  { paths: sequelize ? SEQUELIZE : [], patterns: [NO_APPS, ...(features ? [NO_FEATURES] : [])] },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'bench/out/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: {
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  { files: ['libs/**/*.ts'], rules: { 'no-restricted-imports': boundaries({ sequelize: true, features: false }) } },
  { files: ['libs/**/*.repository.ts', 'libs/**/models/**/*.ts'], rules: { 'no-restricted-imports': boundaries({ sequelize: false, features: false }) } },
  { files: ['libs/{common,config,observability,redis}/**/*.ts'], rules: { 'no-restricted-imports': boundaries({ sequelize: true, features: true }) } },
  // The database lib is where Sequelize lives (connection, migrations, locks, drift check).
  { files: ['libs/database/**/*.ts'], rules: { 'no-restricted-imports': boundaries({ sequelize: false, features: true }) } },
  // Apps compose; the composition root may name model types.
  { files: ['apps/**/*.ts'], ignores: ['apps/composition/**'], rules: { 'no-restricted-imports': ['error', { paths: SEQUELIZE }] } },
  {
    files: ['**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['bench/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
);
