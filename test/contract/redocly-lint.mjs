// Lints an OpenAPI document with Redocly (@redocly/openapi-core is ESM only, so the e2e spec
// runs this in a child process): `node redocly-lint.mjs <document.json> <redocly.yaml>`.
// Prints the problems as JSON: [{ rule, severity, message, pointer }].
import { lint, loadConfig } from '@redocly/openapi-core';

const [document, configPath] = process.argv.slice(2);
const config = await loadConfig({ configPath });
const problems = await lint({ ref: document, config });
process.stdout.write(
  JSON.stringify(
    problems.map((p) => ({ rule: p.ruleId, severity: p.severity, message: p.message, pointer: p.location?.[0]?.pointer ?? null })),
  ),
);
