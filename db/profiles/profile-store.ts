import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { idSchema } from '../schemas/common';
import {
  profileSummarySchema,
  type ProfileChange,
  type ProfileList,
  type ProfileSummary,
} from '../schemas/connection-profiles';
import { ServiceError, staleVersionError } from '../services/service-error';
import type { SecretBox } from './secret-box';

const PROFILES_FILE = 'connection-profiles.json';
const CA_FOLDER = 'connection-profile-cas';

const storedProfileSchema = profileSummarySchema
  .omit({ hasPassword: true })
  .extend({ encryptedPassword: z.string().optional() });
type StoredProfile = z.infer<typeof storedProfileSchema>;

const profilesFileSchema = z.object({
  formatVersion: z.literal(1),
  activeProfileId: idSchema.nullable(),
  profiles: z.array(storedProfileSchema),
});
type ProfilesFile = z.infer<typeof profilesFileSchema>;

const EMPTY_FILE: ProfilesFile = { formatVersion: 1, activeProfileId: null, profiles: [] };

/** A stored profile with its password decrypted: what a connection needs, never sent to the UI. */
export interface ProfileCredentials {
  profile: ProfileSummary;
  password: string | undefined;
  /** The CA certificate's file, for node-postgres' `sslrootcert`. */
  caFile: string | undefined;
}

/**
 * The connection profiles of this machine, in one JSON file beside the embedded database (mode
 * 0600, passwords encrypted by a SecretBox). Writes go through a temporary file and a rename, so
 * a crash never leaves half a file, and each profile carries a `version` so two windows editing
 * the same one can't silently overwrite each other.
 */
export class ProfileStore {
  private readonly filePath: string;
  /** Read-modify-write cycles of this process run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    /** What seals passwords on this computer (sync's remembered central password uses it too). */
    readonly secrets: SecretBox,
  ) {
    this.filePath = path.join(dataDir, PROFILES_FILE);
  }

  async list(): Promise<ProfileList> {
    const file = await this.read();
    return {
      profiles: file.profiles.map(summaryOf),
      activeProfileId: file.activeProfileId,
      passwordProtection: this.secrets.protection,
    };
  }

  /** Adds a profile (no id) or changes one (id and the version the edit started from). */
  save(input: ProfileChange): Promise<ProfileSummary> {
    return this.update(async (file) => {
      const clash = file.profiles.find(
        (profile) =>
          profile.id !== input.id && profile.name.toLowerCase() === input.name.toLowerCase(),
      );
      if (clash) {
        throw new ServiceError('VALIDATION', `A profile named "${clash.name}" already exists.`, {
          fields: { name: 'is already used by another profile' },
        });
      }
      const { id, version, password, ...fields } = input;
      const existing = id === undefined ? undefined : this.find(file, id);
      if (existing && existing.version !== version) {
        throw staleVersionError('connection profile', summaryOf(existing));
      }
      const encryptedPassword =
        password === undefined
          ? existing?.encryptedPassword
          : password === ''
            ? undefined
            : await this.secrets.encrypt(password);
      const saved: StoredProfile = {
        ...fields,
        id: existing?.id ?? crypto.randomUUID(),
        version: (existing?.version ?? 0) + 1,
        encryptedPassword,
      };
      await this.writeCaFile(saved);
      const profiles = existing
        ? file.profiles.map((profile) => (profile.id === saved.id ? saved : profile))
        : [...file.profiles, saved];
      return { file: { ...file, profiles }, result: summaryOf(saved) };
    });
  }

  /** Removes a profile; if it was the active one, the next start uses the embedded database. */
  remove(id: string): Promise<void> {
    return this.update(async (file) => {
      this.find(file, id);
      await fs.rm(this.caFileOf(id), { force: true });
      return {
        file: {
          ...file,
          activeProfileId: file.activeProfileId === id ? null : file.activeProfileId,
          profiles: file.profiles.filter((profile) => profile.id !== id),
        },
        result: undefined,
      };
    });
  }

  /** Chooses the database the next start connects to: a profile, or null for the embedded one. */
  activate(id: string | null): Promise<void> {
    return this.update((file) => {
      if (id !== null) this.find(file, id);
      return Promise.resolve({ file: { ...file, activeProfileId: id }, result: undefined });
    });
  }

  /** A profile by id or (case-insensitive) name, with what connecting to it takes. */
  async credentialsOf(idOrName: string): Promise<ProfileCredentials> {
    const file = await this.read();
    const wanted = idOrName.trim().toLowerCase();
    const profile = file.profiles.find(
      (candidate) => candidate.id === wanted || candidate.name.toLowerCase() === wanted,
    );
    if (!profile) {
      const names = file.profiles.map((candidate) => `"${candidate.name}"`).join(', ');
      throw new ServiceError(
        'NOT_FOUND',
        `No connection profile "${idOrName}". ${names ? `Profiles: ${names}.` : 'None is saved yet.'}`,
      );
    }
    return {
      profile: summaryOf(profile),
      password:
        profile.encryptedPassword === undefined
          ? undefined
          : await this.secrets.decrypt(profile.encryptedPassword),
      caFile: profile.caCertificate === undefined ? undefined : this.caFileOf(profile.id),
    };
  }

  /** The active profile's credentials, or undefined when the embedded database is the default. */
  async activeCredentials(): Promise<ProfileCredentials | undefined> {
    const { activeProfileId } = await this.read();
    return activeProfileId === null ? undefined : this.credentialsOf(activeProfileId);
  }

  /**
   * Lends what connecting to an unsaved draft takes, for a test before saving. A draft without a
   * password for a saved profile uses the stored one, as saving it would.
   */
  async withDraftCredentials<T>(
    draft: ProfileChange,
    work: (credentials: ProfileCredentials) => Promise<T>,
  ): Promise<T> {
    const stored = draft.id === undefined ? undefined : await this.credentialsOf(draft.id);
    const { id, version, password, ...fields } = draft;
    const caFile =
      fields.caCertificate === undefined
        ? undefined
        : path.join(this.dataDir, CA_FOLDER, `draft-${crypto.randomUUID()}.pem`);
    try {
      if (caFile !== undefined) {
        await fs.mkdir(path.dirname(caFile), { recursive: true, mode: 0o700 });
        await fs.writeFile(caFile, `${fields.caCertificate}\n`, { mode: 0o600 });
      }
      return await work({
        profile: {
          ...fields,
          id: id ?? crypto.randomUUID(),
          version: version ?? 1,
          hasPassword: false,
        },
        password: password === undefined ? stored?.password : password || undefined,
        caFile,
      });
    } finally {
      if (caFile !== undefined) await fs.rm(caFile, { force: true });
    }
  }

  private find(file: ProfilesFile, id: string): StoredProfile {
    const profile = file.profiles.find((candidate) => candidate.id === id);
    if (!profile) throw new ServiceError('NOT_FOUND', 'This connection profile no longer exists.');
    return profile;
  }

  private caFileOf(id: string): string {
    return path.join(this.dataDir, CA_FOLDER, `${idSchema.parse(id)}.pem`);
  }

  private async writeCaFile(profile: StoredProfile): Promise<void> {
    const caFile = this.caFileOf(profile.id);
    if (profile.caCertificate === undefined) {
      await fs.rm(caFile, { force: true });
      return;
    }
    await fs.mkdir(path.dirname(caFile), { recursive: true, mode: 0o700 });
    await fs.writeFile(caFile, `${profile.caCertificate}\n`, { mode: 0o600 });
  }

  private async read(): Promise<ProfilesFile> {
    let text: string;
    try {
      text = await fs.readFile(this.filePath, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_FILE;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ServiceError(
        'UNAVAILABLE',
        `The connection profiles file ${this.filePath} is not valid JSON; fix or remove it.`,
      );
    }
    const parsed = profilesFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ServiceError(
        'UNAVAILABLE',
        `The connection profiles file ${this.filePath} is damaged at ${issue?.path.join('.') || 'its top'}: ${issue?.message ?? 'unreadable'}. Fix or remove it.`,
      );
    }
    return parsed.data;
  }

  private update<T>(
    change: (file: ProfilesFile) => Promise<{ file: ProfilesFile; result: T }>,
  ): Promise<T> {
    const run = this.queue.then(async () => {
      const { file, result } = await change(await this.read());
      await fs.mkdir(this.dataDir, { recursive: true, mode: 0o700 });
      const temporary = `${this.filePath}.${process.pid}.tmp`;
      await fs.writeFile(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
      await fs.rename(temporary, this.filePath);
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function summaryOf({ encryptedPassword, ...profile }: StoredProfile): ProfileSummary {
  return { ...profile, hasPassword: encryptedPassword !== undefined };
}
