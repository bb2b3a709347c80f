import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** Encrypts the passwords of connection profiles before they touch the disk. */
export interface SecretBox {
  /** Where the key lives, in words for the person: shown beside the password field. */
  readonly protection: string;
  /** Prefixes what it encrypts, so another box (the CLI's, the app's) knows it can't open it. */
  readonly kind: 'keychain' | 'key-file';
  encrypt(plainText: string): Promise<string>;
  decrypt(cipherText: string): Promise<string>;
}

/** Seals with a box's own cipher under its kind; opens only what that kind sealed. */
function labelled(
  kind: SecretBox['kind'],
  protection: string,
  seal: (plainText: string) => Promise<Buffer>,
  open: (sealed: Buffer) => Promise<string>,
): SecretBox {
  return {
    kind,
    protection,
    encrypt: async (plainText) => `${kind}:${(await seal(plainText)).toString('base64')}`,
    decrypt: async (cipherText) => {
      const [sealedBy] = cipherText.split(':', 1);
      if (sealedBy !== kind) {
        throw new Error(
          sealedBy === 'keychain'
            ? 'This password is sealed in the operating system keychain, which only the desktop app can open. Enter it again here, or pass the URL with --database-url.'
            : 'This password was sealed without the keychain (browser mode or the CLI). Enter it again in the app.',
        );
      }
      return open(Buffer.from(cipherText.slice(kind.length + 1), 'base64'));
    },
  };
}

/** The part of Electron's `safeStorage` a box needs; typed here so this layer never imports electron. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/** In Electron: the OS keychain (Keychain, DPAPI, libsecret) holds the key. */
export function safeStorageSecretBox(safeStorage: SafeStorageLike): SecretBox {
  return labelled(
    'keychain',
    'encrypted with a key kept in the operating system keychain',
    (plainText) => Promise.resolve(safeStorage.encryptString(plainText)),
    (sealed) => Promise.resolve(safeStorage.decryptString(sealed)),
  );
}

const KEY_FILE = 'profile-key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Without Electron (browser mode, CLI): AES-256-GCM under a random key in a file only this user
 * may read. It keeps passwords out of the profile file, its backups and screenshots of it; it
 * can't stop someone who can already read the user's files, which only a keychain could.
 */
export function keyFileSecretBox(dataDir: string): SecretBox {
  const keyPath = path.join(dataDir, KEY_FILE);
  let key: Promise<Buffer> | undefined;
  const loadKey = (): Promise<Buffer> => (key ??= readOrCreateKey(keyPath));
  return labelled(
    'key-file',
    `encrypted with a key in ${keyPath}, readable only by you`,
    async (plainText) => {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', await loadKey(), iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async (sealed) => {
      const decipher = crypto.createDecipheriv(
        'aes-256-gcm',
        await loadKey(),
        sealed.subarray(0, IV_BYTES),
      );
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      try {
        return Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new Error(
          `A stored database password can't be decrypted with the key in ${keyPath} (was the key replaced?). Enter the password again.`,
        );
      }
    },
  );
}

async function readOrCreateKey(keyPath: string): Promise<Buffer> {
  try {
    const existing = await fs.readFile(keyPath);
    if (existing.length === KEY_BYTES) return existing;
    throw new Error(`The key file ${keyPath} is damaged (${existing.length} bytes, expected 32).`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await fs.mkdir(path.dirname(keyPath), { recursive: true, mode: 0o700 });
  const created = crypto.randomBytes(KEY_BYTES);
  try {
    // `wx`: another process creating it at the same moment wins, and both then use its key.
    await fs.writeFile(keyPath, created, { mode: 0o600, flag: 'wx' });
    return created;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFile(keyPath);
    throw error;
  }
}

/** The keychain where Electron offers one (on Linux it needs a secret service), else the key file. */
export function secretBoxFor(dataDir: string, safeStorage?: SafeStorageLike): SecretBox {
  return safeStorage?.isEncryptionAvailable()
    ? safeStorageSecretBox(safeStorage)
    : keyFileSecretBox(dataDir);
}
