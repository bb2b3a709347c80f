import { z } from 'zod';
import { idSchema, versionSchema } from './common';

/**
 * Connection profiles: the PostgreSQL servers LMS Admin can work on besides its embedded one.
 * Pure zod, shared by the API contract, the CLI and the profile file on disk.
 */

/**
 * libpq's SSL modes, with libpq's meaning (node-postgres is told `uselibpqcompat`): `require`
 * encrypts without checking the certificate, `verify-ca` checks it was signed by the CA,
 * `verify-full` also checks the host name.
 */
export const sslModes = ['disable', 'require', 'verify-ca', 'verify-full'] as const;
export const sslModeSchema = z.enum(sslModes);
export type SslMode = z.infer<typeof sslModeSchema>;

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;

/** A host name, IPv4 or IPv6 address: no scheme, path, user info or spaces that would bend the URL. */
const hostSchema = z
  .string()
  .trim()
  .min(1, { message: 'is required' })
  .max(255)
  .regex(/^(?:[A-Za-z0-9._-]+|\[?[0-9A-Fa-f:.]+\]?)$/, {
    message: 'must be a host name or IP address, without scheme, port or path',
  });

const profileFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(100),
  host: hostSchema,
  port: z.number().int().min(1).max(65_535).default(5432),
  database: z.string().trim().min(1, { message: 'is required' }).max(63),
  user: z.string().trim().min(1, { message: 'is required' }).max(63),
  sslMode: sslModeSchema.default('verify-full'),
  /** PEM text of the CA that signed the server's certificate; the system's CAs when absent. */
  caCertificate: z
    .string()
    .trim()
    .max(100_000)
    .regex(PEM_CERTIFICATE, { message: 'must be a PEM certificate (-----BEGIN CERTIFICATE-----…)' })
    .optional(),
};

/**
 * What a person types to add or change a profile. `password` left out keeps the stored one;
 * an empty string removes it (a server that trusts the client, or a .pgpass).
 */
export const profileInputSchema = z
  .object({
    /** Present when changing a profile, with the version the edit started from. */
    id: idSchema.optional(),
    version: versionSchema.optional(),
    ...profileFields,
    password: z.string().max(1000).optional(),
  })
  .strict()
  .refine((input) => (input.id === undefined) === (input.version === undefined), {
    message: 'id and version go together: both to change a profile, neither to add one',
    path: ['version'],
  })
  .refine((input) => input.sslMode !== 'verify-ca' || input.caCertificate !== undefined, {
    message: 'verify-ca needs the CA certificate that signed the server certificate',
    path: ['caCertificate'],
  });
export type ProfileInput = z.input<typeof profileInputSchema>;
/** A profile change once parsed: defaults filled in. */
export type ProfileChange = z.output<typeof profileInputSchema>;

/** A profile as the UI sees it: never the password, only whether one is stored. */
export const profileSummarySchema = z.object({
  id: idSchema,
  version: versionSchema,
  ...profileFields,
  hasPassword: z.boolean(),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

export const profileListSchema = z.object({
  profiles: z.array(profileSummarySchema),
  /** The profile the next start connects to; null for the embedded database. */
  activeProfileId: idSchema.nullable(),
  /** Where the passwords' key lives, in words: the OS keychain, or a file only this user reads. */
  passwordProtection: z.string(),
});
export type ProfileList = z.infer<typeof profileListSchema>;

export const profileRefSchema = z.object({ id: idSchema }).strict();
export const activateProfileInputSchema = z.object({ id: idSchema.nullable() }).strict();

/** Test a stored profile, or a draft before saving it (its password, or the stored one's). */
export const testProfileInputSchema = z.union([profileRefSchema, profileInputSchema]);

export const connectionTestResultSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    serverVersion: z.string(),
    isSsl: z.boolean(),
    /** Migrations the server has applied, and whether it has this app's schema at all. */
    appliedMigrations: z.number().int().min(0),
    latencyMs: z.number().min(0),
  }),
  z.object({ ok: z.literal(false), message: z.string() }),
]);
export type ConnectionTestResult = z.infer<typeof connectionTestResultSchema>;
