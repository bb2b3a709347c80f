import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { migrationModuleSchema, type MigrationModule } from './migration';
import { UserFacingError } from './user-facing-error';

/** The project's own migrations folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));

/** `NNNN_snake_name.ts` (or `.js`/`.mjs` once built); the name is the file name without its extension. */
const MIGRATION_FILE = /^(\d{4}_[a-z0-9]+(?:_[a-z0-9]+)*)\.(ts|mts|js|mjs)$/;
const SCRIPT_FILE = /\.(ts|mts|js|mjs|cjs|cts)$/;

/** A migration as found on disk. */
export interface MigrationFile {
  name: string;
  path: string;
  /** sha256 of the file, line endings normalized so a checkout with CRLF isn't a "change". */
  checksum: string;
}

/** What the folder holds: the migrations in order, and the files that look like one but aren't named as one. */
export interface MigrationListing {
  files: MigrationFile[];
  misnamed: string[];
}

export function checksumOf(content: string): string {
  return createHash('sha256').update(content.replace(/\r\n/g, '\n')).digest('hex');
}

/**
 * The first line of a migration compiled to JavaScript for the desktop app (tools/build-electron.ts):
 * it names the checksum of the TypeScript source, so the app and the CLI, which runs the source,
 * agree on what was applied.
 */
export const BUILT_FROM_PREFIX = '// lms-admin migration built from source sha256 ';

/** The checksum a migration file stands for: its source's when built, else its own. */
function migrationChecksumOf(content: string): string {
  if (content.startsWith(BUILT_FROM_PREFIX)) {
    const sourceChecksum = content.slice(BUILT_FROM_PREFIX.length).split(/\r?\n/, 1)[0] ?? '';
    if (/^[0-9a-f]{64}$/.test(sourceChecksum)) return sourceChecksum;
  }
  return checksumOf(content);
}

/** Reads a migrations folder. */
export class MigrationFolder {
  constructor(readonly dir: string = DEFAULT_MIGRATIONS_DIR) {}

  async list(): Promise<MigrationListing> {
    let entries: string[];
    try {
      entries = await fs.readdir(this.dir);
    } catch {
      throw new UserFacingError(`The migrations folder ${this.dir} can't be read: does it exist?`);
    }
    const misnamed: string[] = [];
    const found: { name: string; path: string }[] = [];
    for (const entry of entries.sort()) {
      if (entry.endsWith('.d.ts')) continue;
      const match = MIGRATION_FILE.exec(entry);
      if (match?.[1]) found.push({ name: match[1], path: path.join(this.dir, entry) });
      else if (SCRIPT_FILE.test(entry)) misnamed.push(entry);
    }
    const duplicate = found.find((file, index) => found[index - 1]?.name === file.name);
    if (duplicate) {
      throw new UserFacingError(
        `Two files in ${this.dir} define migration "${duplicate.name}": keep one.`,
      );
    }
    const files = await Promise.all(
      found.map(async (file) => ({
        ...file,
        checksum: migrationChecksumOf(await fs.readFile(file.path, 'utf8')),
      })),
    );
    return { files, misnamed };
  }

  /** Imports a migration file and checks that it exports `up` and `down`. */
  async load(file: MigrationFile): Promise<MigrationModule> {
    let exported: unknown;
    try {
      // Modules are cached by URL for the life of the process: keyed by content, a file edited
      // since (and accepted with `migrate repair`) runs as it is now, not as first imported.
      exported = await import(`${pathToFileURL(file.path).href}?checksum=${file.checksum}`);
    } catch (error) {
      // A syntax error comes from the TypeScript loader as several lines ("Transform failed with
      // 1 error:\n<file>:2:0: ERROR: …"); the CLI prints errors as one line.
      const reason = (error instanceof Error ? error.message : String(error))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '')
        .join(' ');
      throw new UserFacingError(
        `Migration ${file.name} (${file.path}) can't be loaded: ${reason}`,
        {
          cause: error,
        },
      );
    }
    const parsed = migrationModuleSchema.safeParse(exported);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserFacingError(
        `Migration ${file.name} (${file.path}): "${issue?.path.join('.')}" ${issue?.message}.`,
      );
    }
    return parsed.data;
  }

  /** Writes a new migration file (empty `up` and `down` unless `content` is given), numbered after the last one; returns its path. */
  async create(rawName: string, content: string = migrationTemplate()): Promise<string> {
    const name = rawName
      .trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
    if (!/^[a-z]/.test(name)) {
      throw new UserFacingError(
        `"${rawName}" can't name a migration: use words such as add_course_tags.`,
      );
    }
    const { files } = await this.list();
    const last = files.at(-1)?.name.slice(0, 4) ?? '0000';
    const next = String(Number(last) + 1).padStart(4, '0');
    const target = path.join(this.dir, `${next}_${name}.ts`);
    await fs.writeFile(target, content, { flag: 'wx' });
    return target;
  }
}

function migrationTemplate(): string {
  return `import type { MigrationDb } from '../db/migration';

/** Applies the change. Runs in one transaction with its ledger entry: it all lands, or none of it. */
export async function up(db: MigrationDb): Promise<void> {
  await db.query(\`\`);
}

/** Undoes \`up\` completely, leaving nothing behind. */
export async function down(db: MigrationDb): Promise<void> {
  await db.query(\`\`);
}
`;
}
