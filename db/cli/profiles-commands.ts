import { Command, Option } from 'commander';
import { resolveDataDir } from '../data-dir';
import { testConnection } from '../profiles/connection-test';
import { ProfileStore } from '../profiles/profile-store';
import { profileUrl } from '../profiles/profile-url';
import { secretBoxFor } from '../profiles/secret-box';
import {
  profileInputSchema,
  sslModes,
  type ProfileChange,
  type ProfileSummary,
} from '../schemas/connection-profiles';
import { UserFacingError } from '../user-facing-error';
import { parseWith, wholeNumber, type CliOutput } from './context';
import { readPasswordFromStdin, readTextInput } from './terminal';

interface ProfileFlags {
  name: string;
  host: string;
  port?: number;
  database: string;
  user: string;
  sslMode?: (typeof sslModes)[number];
  caFile?: string;
  passwordStdin?: boolean;
}

function openStore(): ProfileStore {
  const dataDir = resolveDataDir();
  return new ProfileStore(dataDir, secretBoxFor(dataDir));
}

function describe(profile: ProfileSummary, activeId: string | null): string {
  const marker = profile.id === activeId ? '* ' : '  ';
  const password = profile.hasPassword ? 'password stored' : 'no password';
  return `${marker}${profile.name}  ${profile.user}@${profile.host}:${profile.port}/${profile.database}  sslmode=${profile.sslMode}  ${password}`;
}

/** The profile flags as the input schema wants them: the same checks as the app's form. */
async function changeOf(flags: ProfileFlags): Promise<ProfileChange> {
  const parsed = profileInputSchema.safeParse({
    name: flags.name,
    host: flags.host,
    port: flags.port,
    database: flags.database,
    user: flags.user,
    sslMode: flags.sslMode,
    caCertificate: flags.caFile === undefined ? undefined : await readTextInput(flags.caFile),
    password: flags.passwordStdin ? await readPasswordFromStdin() : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserFacingError(
      `${issue?.path.join('.') || 'profile'} ${issue?.message ?? 'is invalid'}.`,
    );
  }
  return parsed.data;
}

/** `lms-admin profiles …`: the servers the app and the CLI can use besides the embedded one. */
export function profilesCommand(output: CliOutput): Command {
  const profiles = new Command('profiles').description(
    'connection profiles: PostgreSQL servers to use instead of the embedded one (passwords stored encrypted)',
  );

  profiles
    .command('list')
    .description('list profiles; * marks the one used when no --database-url or --profile is given')
    .option('--json', 'print as JSON')
    .action(async (flags: { json?: boolean }) => {
      const list = await openStore().list();
      if (flags.json) {
        output.out(JSON.stringify(list, null, 2));
        return;
      }
      if (list.profiles.length === 0) {
        output.out('No connection profiles. Add one: lms-admin profiles add --name … --host …');
        return;
      }
      for (const profile of list.profiles) output.out(describe(profile, list.activeProfileId));
      if (list.activeProfileId === null) output.out('(the embedded database is the default)');
    });

  profiles
    .command('add')
    .description('add a profile')
    .requiredOption('--name <name>', 'what to call it, e.g. "Central"')
    .requiredOption('--host <host>', 'host name or IP address')
    .option('--port <port>', 'port (default 5432)', parseWith(wholeNumber(1)))
    .requiredOption('--database <name>', 'database name')
    .requiredOption('--user <user>', 'user name')
    .addOption(new Option('--ssl-mode <mode>', 'SSL mode (default verify-full)').choices(sslModes))
    .option('--ca-file <file>', "PEM file of the CA that signed the server's certificate")
    .option(
      '--password-stdin',
      `read the password from stdin: printf '%s\\n' "$PASSWORD" | lms-admin profiles add …`,
    )
    .action(async (flags: ProfileFlags) => {
      const saved = await openStore().save(await changeOf(flags));
      output.out(`Added profile "${saved.name}". Test it: lms-admin profiles test "${saved.name}"`);
    });

  profiles
    .command('remove <name>')
    .description('remove a profile (its stored password with it)')
    .action(async (name: string) => {
      const store = openStore();
      const { profile } = await store.credentialsOf(name);
      await store.remove(profile.id);
      output.out(`Removed profile "${profile.name}".`);
    });

  profiles
    .command('use <name>')
    .description('use a profile by default; "embedded" goes back to the embedded database')
    .action(async (name: string) => {
      const store = openStore();
      if (name.toLowerCase() === 'embedded') {
        await store.activate(null);
        output.out('The embedded database is the default again.');
        return;
      }
      const { profile } = await store.credentialsOf(name);
      await store.activate(profile.id);
      output.out(`Commands and the app now use "${profile.name}" by default.`);
    });

  profiles
    .command('test <name>')
    .description('connect once and report the server version, SSL and migrations applied')
    .option('--json', 'print as JSON')
    .action(async (name: string, flags: { json?: boolean }) => {
      const result = await testConnection(profileUrl(await openStore().credentialsOf(name)));
      if (flags.json) output.out(JSON.stringify(result, null, 2));
      if (!result.ok) throw new UserFacingError(result.message);
      if (!flags.json) {
        output.out(
          `Connected in ${result.latencyMs} ms: PostgreSQL ${result.serverVersion}, ${result.isSsl ? 'SSL' : 'no SSL'}, ${result.appliedMigrations} migration(s) applied.`,
        );
      }
    });

  return profiles;
}
