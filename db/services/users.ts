import { QueryTypes } from 'sequelize';
import { z } from 'zod';
import type { Database } from '../connection';
import { userRoles, type UserRole } from '../models/enums';
import { UserFacingError } from '../user-facing-error';

/** A user as lists show them: no secret columns. */
export interface UserSummary {
  id: string;
  email: string;
  fullName: string;
  role: UserRole;
  isActive: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  version: number;
}

/** One page of users, and the cursor of the next page (null on the last one). */
export interface UserPage {
  items: UserSummary[];
  nextCursor: string | null;
}

export const listUsersInputSchema = z.object({
  /** Matches anywhere in the name or email (trigram index), case-insensitively. */
  search: z.string().trim().max(200).optional(),
  role: z.enum(userRoles).optional(),
  isActive: z.boolean().optional(),
  cursor: z.string().max(1000).optional(),
  limit: z.number().int().min(1).max(500).default(50),
});
export type ListUsersInput = z.input<typeof listUsersInputSchema>;

/** Users are listed by email, which is unique, so the last email seen is the whole cursor. */
const cursorSchema = z.object({ afterEmail: z.string() });

function encodeCursor(afterEmail: string): string {
  return Buffer.from(JSON.stringify({ afterEmail })).toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
      .afterEmail;
  } catch {
    throw new UserFacingError('That page cursor is not valid: start again from the first page.');
  }
}

/** Escapes LIKE wildcards so a search for "50%" means those characters. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** Lists users a page at a time with a keyset cursor (never OFFSET), filtered and searched. */
export async function listUsers(db: Database, input: ListUsersInput = {}): Promise<UserPage> {
  const { search, role, isActive, cursor, limit } = listUsersInputSchema.parse(input);
  const conditions: string[] = [];
  const bind: unknown[] = [];
  const param = (value: unknown): string => {
    bind.push(value);
    return `$${bind.length}`;
  };
  if (search) {
    const pattern = param(likePattern(search));
    conditions.push(`(full_name ILIKE ${pattern} OR email ILIKE ${pattern})`);
  }
  if (role) conditions.push(`role = ${param(role)}`);
  if (isActive !== undefined) conditions.push(`is_active = ${param(isActive)}`);
  if (cursor) conditions.push(`email > ${param(decodeCursor(cursor))}`);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  // One row more than the page tells whether a next page exists without counting.
  const rows = await db.sequelize.query<{
    id: string;
    email: string;
    full_name: string;
    role: UserRole;
    is_active: boolean;
    last_login_at: Date | null;
    created_at: Date;
    version: number;
  }>(
    `SELECT id, email, full_name, role, is_active, last_login_at, created_at, version
       FROM users ${where} ORDER BY email LIMIT ${param(limit + 1)}`,
    { bind, type: QueryTypes.SELECT },
  );
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      id: row.id,
      email: row.email,
      fullName: row.full_name,
      role: row.role,
      isActive: row.is_active,
      lastLoginAt: row.last_login_at,
      createdAt: row.created_at,
      version: row.version,
    })),
    nextCursor: rows.length > limit && last ? encodeCursor(last.email) : null,
  };
}
