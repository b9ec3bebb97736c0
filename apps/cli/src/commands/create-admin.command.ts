import { Command, CommandRunner, Option } from 'nest-commander';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { UsersService } from '@app/users';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Who ran the command, for the audit event (some containers have no passwd entry). */
function osUser(): string | null {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? null;
  }
}

/**
 * `users:create-admin --email E`: the first admin. The password comes from standard input when
 * it is piped (`printf '%s' "$PW" | npm run cli -- users:create-admin --email E`), otherwise one
 * is generated and printed once.
 */
@Command({ name: 'users:create-admin', description: 'Create an admin account (password from stdin, or generated and printed once)' })
export class CreateAdminCommand extends CommandRunner {
  constructor(private readonly users: UsersService) {
    super();
  }

  async run(_args: string[], options: { email?: string }): Promise<void> {
    if (!options.email) throw new Error('Usage: npm run cli -- users:create-admin --email <address>');
    const piped = !process.stdin.isTTY;
    const given = piped ? await readStdin() : '';
    const password = given || randomBytes(18).toString('base64url');
    const admin = await this.users.createAdmin(options.email, password, { via: 'cli', osUser: osUser(), host: hostname() });
    process.stdout.write(`Created admin ${admin.email} (${admin.id})\n`);
    if (!given) process.stdout.write(`Password (shown once, store it now): ${password}\n`);
  }

  @Option({ flags: '--email <address>', description: 'The admin’s e-mail address' })
  parseEmail(value: string): string {
    return value;
  }
}
