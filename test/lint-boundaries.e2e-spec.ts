import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

interface Finding {
  file: string;
  messages: string[];
}

/**
 * Lints fixture sources with ESLint's Node API and the project's eslint.config.mjs, in a child
 * process (the flat config is an ES module, which Jest's module sandbox does not load).
 */
function lint(fixtures: Array<{ file: string; code: string }>): Finding[] {
  const script = `
    const { ESLint } = require('eslint');
    (async () => {
      const eslint = new ESLint({ cwd: process.cwd() });
      const out = [];
      for (const { file, code } of JSON.parse(process.argv[1])) {
        const [result] = await eslint.lintText(code, { filePath: file });
        out.push({ file, messages: result.messages.map((m) => m.ruleId + ': ' + m.message) });
      }
      process.stdout.write(JSON.stringify(out));
    })().catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  const run = spawnSync(process.execPath, ['-e', script, JSON.stringify(fixtures)], { cwd: resolve(__dirname, '..'), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`eslint failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Finding[];
}

describe('lint: lib boundaries', () => {
  const [service, repository, database, libImportsApp, common, app] = lint([
    { file: 'libs/users/src/fixture.service.ts', code: "import { Op } from 'sequelize';\nexport const op = Op.eq;\n" },
    { file: 'libs/users/src/fixture.repository.ts', code: "import { Op } from 'sequelize';\nexport const op = Op.eq;\n" },
    { file: 'libs/database/src/fixture.ts', code: "import { UsersModule } from '@app/users';\nexport const m = UsersModule;\n" },
    { file: 'libs/users/src/fixture.ts', code: "import { ALL_MODELS } from '../../../apps/composition/src';\nexport const m = ALL_MODELS;\n" },
    { file: 'libs/common/src/fixture.ts', code: "import { AppConfigService } from '@app/config';\nexport const c = AppConfigService;\n" },
    { file: 'apps/api/src/fixture.ts', code: "import { Sequelize } from 'sequelize-typescript';\nexport const s = Sequelize;\n" },
  ]);

  it('refuses sequelize in a service, allows it in a repository', () => {
    expect(service.messages).toEqual([expect.stringMatching(/^no-restricted-imports: 'sequelize' import is restricted/)]);
    expect(repository.messages).toEqual([]);
  });

  it('refuses a feature lib in libs/database (and common, config, observability), allows the infrastructure libs', () => {
    expect(database.messages).toEqual([expect.stringMatching(/^no-restricted-imports: '@app\/users'/)]);
    expect(common.messages).toEqual([]);
  });

  it('refuses an app imported by a lib, and sequelize in an app', () => {
    expect(libImportsApp.messages).toEqual([expect.stringMatching(/A lib never imports an app/)]);
    expect(app.messages).toEqual([expect.stringMatching(/'sequelize-typescript' import is restricted/)]);
  });
});
