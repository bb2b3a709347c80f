import { randomUUID } from 'node:crypto';
import { QueryTypes, type Transaction } from 'sequelize';
import { ZodError, type z } from 'zod';
import type { ChangeSource, Database } from '../../db/connection';
import type { SessionUser } from '../../db/schemas/auth';
import { loadSessionUser } from '../../db/services/auth';
import { UNSTORABLE_CHARACTER } from '../../db/schemas/storable-text';
import { translateDatabaseError } from '../../db/services/database-errors';
import { ServiceError } from '../../db/services/service-error';
import { SignInThrottle } from '../../db/services/sign-in-throttle';
import { resolveDataDir } from '../../db/data-dir';
import { ProfileStore } from '../../db/profiles/profile-store';
import { secretBoxFor } from '../../db/profiles/secret-box';
import { UserFacingError } from '../../db/user-facing-error';
import {
  contract,
  isChannel,
  type ApiErrorBody,
  type ApiProgress,
  type ApiResult,
  type ChannelSpec,
  isReadChannel,
  type OwnedCourseRef,
} from './contract';
import type { HandlerContext } from './handlers/handler';
import { handlers } from './handlers';
import { SessionStore } from './sessions';

/** How one call arrives: through which door, from whom. */
export interface CallOptions {
  /** The caller's session id (cookie or window), null when not signed in. */
  sessionId: string | null;
  ip: string | null;
  source: ChangeSource;
  /** Identifies a long call's progress events and its cancellation. */
  callId?: string;
  signal?: AbortSignal;
  onProgress?: (progress: ApiProgress) => void;
}

/** A call's answer, and what the door must do with the caller's session. */
export interface CallOutcome {
  result: ApiResult<unknown>;
  session?: { kind: 'start'; id: string } | { kind: 'end' };
}

/** A record of an unexpected failure, for the log: never shown to the caller. */
export interface InternalErrorLog {
  errorId: string;
  channel: string;
  error: unknown;
}

export interface RouterOptions {
  db: Database;
  sessions?: SessionStore;
  throttle?: SignInThrottle;
  /** Default: the profiles beside the embedded database, passwords under the key-file box. */
  profiles?: ProfileStore;
  logInternalError?: (entry: InternalErrorLog) => void;
}

const SQL_COURSE_OWNER: Record<OwnedCourseRef['via'], string> = {
  course: `SELECT instructor_id FROM courses WHERE id = $1`,
  courseSlug: `SELECT instructor_id FROM courses WHERE slug = $1`,
  lesson: `SELECT c.instructor_id FROM lessons l JOIN courses c ON c.id = l.course_id WHERE l.id = $1`,
  quiz: `SELECT c.instructor_id FROM quizzes q JOIN courses c ON c.id = q.course_id WHERE q.id = $1`,
  enrollment: `SELECT c.instructor_id FROM enrollments e JOIN courses c ON c.id = e.course_id WHERE e.id = $1`,
  attempt: `SELECT c.instructor_id FROM quiz_attempts a JOIN enrollments e ON e.id = a.enrollment_id JOIN courses c ON c.id = e.course_id WHERE a.id = $1`,
};

/**
 * How long a read may rely on the signed-in user as last confirmed by the database: a user
 * deactivated or demoted meanwhile can still read for at most this long, and never write.
 */
const RECENT_USER_MAX_AGE_MS = 2_000;

function defaultProfileStore(): ProfileStore {
  const dataDir = resolveDataDir();
  return new ProfileStore(dataDir, secretBoxFor(dataDir));
}

function defaultLog({ errorId, channel, error }: InternalErrorLog): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`[lms-admin] internal error ${errorId} in ${channel}: ${detail}\n`);
}

/** Zod's issues as `path → message`, the `fields` of a VALIDATION error. */
function fieldsOf(error: ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.map(String).join('.') || '(input)';
    fields[path] ??= issue.message;
  }
  return fields;
}

/**
 * The path of the first string in `input` that PostgreSQL can't store as given, or undefined.
 * The database driver would silently write a NUL as the two characters `\0` and a lone surrogate
 * as U+FFFD, so the text read back would not be the text sent. Walks with a stack, not recursion.
 */
function firstUnstorableText(input: unknown): string | undefined {
  const pending: { value: unknown; path: string[] }[] = [{ value: input, path: [] }];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const { value, path } = item;
    if (typeof value === 'string') {
      if (UNSTORABLE_CHARACTER.test(value)) return path.join('.') || '(input)';
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, element] of Object.entries(value)) {
        pending.push({ value: element, path: [...path, key] });
      }
    }
  }
  return undefined;
}

function failure(error: ApiErrorBody): ApiResult<never> {
  return { ok: false, error };
}

/**
 * The one way into the API: parse → authenticate → authorize (role, then course ownership) →
 * handler in one transaction carrying actor, IP and source → parse output → result envelope.
 * Every door (IPC, loopback HTTP, CLI, tests) calls this.
 */
export class Router {
  readonly db: Database;
  readonly sessions: SessionStore;
  private readonly throttle: SignInThrottle;
  private readonly profiles: ProfileStore;
  private readonly logInternalError: (entry: InternalErrorLog) => void;

  constructor(options: RouterOptions) {
    this.db = options.db;
    this.sessions = options.sessions ?? new SessionStore();
    this.throttle = options.throttle ?? new SignInThrottle();
    this.profiles = options.profiles ?? defaultProfileStore();
    this.logInternalError = options.logInternalError ?? defaultLog;
  }

  async call(channelName: string, rawInput: unknown, options: CallOptions): Promise<CallOutcome> {
    if (!isChannel(channelName)) {
      return {
        result: failure({
          code: 'NOT_FOUND',
          message: `There is no API channel "${channelName}".`,
        }),
      };
    }
    const spec: ChannelSpec = contract[channelName];
    const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
    if (!parsed.success) {
      return {
        result: failure({
          code: 'VALIDATION',
          message: `Invalid input for ${channelName}.`,
          fields: fieldsOf(parsed.error),
        }),
      };
    }
    const unstorable = firstUnstorableText(parsed.data);
    if (unstorable !== undefined) {
      return {
        result: failure({
          code: 'VALIDATION',
          message: `Invalid input for ${channelName}: ${unstorable} holds a character that can't be stored (a NUL or a lone surrogate); remove it.`,
          fields: { [unstorable]: 'must not contain NUL characters or lone surrogates' },
        }),
      };
    }
    try {
      const isRead = isReadChannel(spec);
      // A read may trust who the caller was a moment ago; a write always asks the database.
      const actor = await this.authenticate(options.sessionId, isRead ? RECENT_USER_MAX_AGE_MS : 0);
      if (spec.roles !== 'anonymous') {
        if (!actor) {
          return {
            result: failure({
              code: 'UNAUTHENTICATED',
              message: 'Sign in to continue: your session has ended.',
            }),
          };
        }
        if (!spec.roles.includes(actor.role)) {
          return {
            result: failure({
              code: 'FORBIDDEN',
              message: `A ${actor.role} may not use ${channelName}.`,
            }),
          };
        }
      }
      const signal = options.signal ?? new AbortController().signal;
      const run = async (transaction: Transaction | undefined): Promise<unknown> => {
        if (actor && spec.ownedCourse) {
          await this.authorizeCourse(actor, spec.ownedCourse, parsed.data, transaction);
        }
        const context: HandlerContext = {
          db: this.db,
          transaction,
          actor,
          ip: options.ip,
          throttle: this.throttle,
          profiles: this.profiles,
          signal,
          progress: (done, total, message) => {
            if (options.callId && options.onProgress) {
              options.onProgress({
                callId: options.callId,
                done,
                ...(total !== undefined && { total }),
                ...(message && { message }),
              });
            }
          },
        };
        const handler = handlers[channelName] as (
          input: unknown,
          context: HandlerContext,
        ) => Promise<unknown>;
        const result = await handler(parsed.data, context);
        signal.throwIfAborted();
        return result;
      };
      const data = isRead
        ? await run(undefined)
        : await this.db.withTransaction(
            { actorId: actor?.id ?? null, actorIp: options.ip, source: options.source },
            run,
          );
      const output = (spec.output as z.ZodType).safeParse(data);
      if (!output.success)
        return { result: failure(this.internalError(channelName, output.error)) };
      return {
        result: { ok: true, data: output.data },
        ...this.sessionChange(spec, output.data, options.sessionId),
      };
    } catch (error) {
      return { result: failure(this.describeFailure(channelName, error, options.signal)) };
    }
  }

  private async authenticate(
    sessionId: string | null,
    maxAgeMs: number,
  ): Promise<SessionUser | null> {
    const session = this.sessions.resolve(sessionId, maxAgeMs);
    if (!session || sessionId === null) return null;
    if (session.recentUser) return session.recentUser;
    const user = await loadSessionUser(this.db, session.userId);
    // Deactivated, deleted or made a student since signing in: the session is over.
    if (!user) this.sessions.end(sessionId);
    else this.sessions.confirm(sessionId, user);
    return user;
  }

  /** Instructors act only on courses they own; admins on all; support only reaches read channels. */
  private async authorizeCourse(
    actor: SessionUser,
    ref: OwnedCourseRef,
    input: unknown,
    transaction: Transaction | undefined,
  ): Promise<void> {
    const key = (input as Record<string, unknown>)[ref.field];
    if (typeof key !== 'string') return;
    const rows = await this.db.sequelize.query<{ instructor_id: string | null }>(
      SQL_COURSE_OWNER[ref.via],
      {
        bind: [key],
        type: QueryTypes.SELECT,
        transaction,
      },
    );
    const row = rows[0];
    if (!row)
      throw new ServiceError(
        'NOT_FOUND',
        `No ${ref.via === 'courseSlug' ? 'course' : ref.via} "${key}" exists.`,
      );
    if (actor.role === 'instructor' && row.instructor_id !== actor.id) {
      throw new ServiceError('FORBIDDEN', 'You can only work on courses you instruct.');
    }
  }

  private sessionChange(
    spec: ChannelSpec,
    output: unknown,
    sessionId: string | null,
  ): Pick<CallOutcome, 'session'> {
    if (spec.session === 'start') {
      this.sessions.end(sessionId);
      return { session: { kind: 'start', id: this.sessions.start((output as SessionUser).id) } };
    }
    if (spec.session === 'end') {
      this.sessions.end(sessionId);
      return { session: { kind: 'end' } };
    }
    return {};
  }

  private describeFailure(
    channelName: string,
    error: unknown,
    signal: AbortSignal | undefined,
  ): ApiErrorBody {
    // A service that knows what a cancel left behind (migrations: those already applied) says so.
    if (error instanceof ServiceError)
      return { code: error.code, message: error.message, ...error.details };
    if (signal?.aborted) return { code: 'CANCELLED', message: 'Cancelled: nothing was changed.' };
    const known = translateDatabaseError(error);
    if (known) return { code: known.code, message: known.message, ...known.details };
    if (error instanceof ZodError) {
      return { code: 'VALIDATION', message: 'Some values are not valid.', fields: fieldsOf(error) };
    }
    if (error instanceof UserFacingError) return { code: 'CONFLICT', message: error.message };
    return this.internalError(channelName, error);
  }

  /** A bug: logged under a fresh id that the caller gets instead of any detail. */
  private internalError(channelName: string, error: unknown): ApiErrorBody {
    const errorId = randomUUID();
    this.logInternalError({ errorId, channel: channelName, error });
    return {
      code: 'INTERNAL',
      message: `Something went wrong on our side (error ${errorId}). Nothing was changed; the log has the details.`,
      errorId,
    };
  }
}
