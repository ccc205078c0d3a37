import { Command, Option } from 'commander';
import { SYSTEM, ROLES, type Role } from '../kernel/index.ts';
import { departments, users } from '../identity/index.ts';
import { dataDirOption, withPlatform } from './common.ts';

export function userCommands() {
  const cmd = new Command('user').description('用户管理 / manage users');
  cmd.command('add')
    .description('新建用户 / add a user')
    .requiredOption('--username <name>')
    .requiredOption('--password <pw>', '至少 10 位、非常见密码、不含用户名 / at least 10 characters, not a common password, not containing the username (or GOVHUB_NEW_USER_PASSWORD)')
    .option('--display-name <name>')
    .addOption(new Option('--role <role>').choices(ROLES).default('analyst'))
    .option('--department <code>', '部门代码 / department code')
    .addOption(dataDirOption())
    .action(async (o: { username: string; password: string; displayName?: string; role: Role; department?: string; dataDir?: string }) => {
      await withPlatform({ dataDir: o.dataDir }, async (p) => {
        let departmentId: string | null = null;
        if (o.department) {
          const d = await departments.byCode(p, o.department);
          if (!d) throw new Error(`no department with code ${o.department}`);
          departmentId = d.id;
        }
        const u = await users.create(p, SYSTEM, { username: o.username, password: o.password, displayName: o.displayName ?? o.username, role: o.role, departmentId });
        process.stdout.write(`created user ${u.username} (${u.role}) id=${u.id}\n`);
      });
    });
  return cmd;
}
