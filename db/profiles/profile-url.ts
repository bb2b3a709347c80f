import type { ProfileCredentials } from './profile-store';

/**
 * The postgres:// URL of a profile, which every connection in the app takes (Sequelize, the
 * migrator, sync). `uselibpqcompat` gives `sslmode` libpq's meaning, which is what the profile
 * form describes: node-postgres otherwise treats `require` as `verify-full`.
 */
export function profileUrl({ profile, password, caFile }: ProfileCredentials): string {
  const url = new URL('postgres://placeholder');
  // A bracketed IPv6 address stays bracketed; a bare one gets its brackets here.
  url.hostname =
    profile.host.includes(':') && !profile.host.startsWith('[')
      ? `[${profile.host}]`
      : profile.host;
  url.port = String(profile.port);
  url.pathname = `/${encodeURIComponent(profile.database)}`;
  url.username = encodeURIComponent(profile.user);
  if (password !== undefined) url.password = encodeURIComponent(password);
  url.searchParams.set('uselibpqcompat', 'true');
  url.searchParams.set('sslmode', profile.sslMode);
  if (caFile !== undefined) url.searchParams.set('sslrootcert', caFile);
  return url.toString();
}
