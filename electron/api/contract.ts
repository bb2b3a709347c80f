/**
 * The API contract: every channel the renderer, the IPC binding, the loopback host and the CLI
 * can call, with its input and output schemas and the roles that may call it (one file per
 * domain in `channels/`, merged here). It imports only zod and schema modules, so the renderer
 * bundles it without Sequelize or Node.
 */
import type { z } from 'zod';
import { auditChannels } from './channels/audit';
import { authChannels } from './channels/auth';
import { connectionProfileChannels } from './channels/connection-profiles';
import { courseChannels } from './channels/courses';
import { dashboardChannels } from './channels/dashboard';
import { enrollmentChannels } from './channels/enrollments';
import { migrationChannels } from './channels/migrations';
import { syncChannels } from './channels/sync';
import { questionFileChannels } from './channels/question-files';
import { quizBulkChannels } from './channels/quiz-bulk';
import { quizChannels } from './channels/quizzes';
import { userChannels } from './channels/users';

export const contract = {
  ...authChannels,
  ...auditChannels,
  ...courseChannels,
  ...quizChannels,
  ...quizBulkChannels,
  ...questionFileChannels,
  ...enrollmentChannels,
  ...dashboardChannels,
  ...userChannels,
  ...migrationChannels,
  ...syncChannels,
  ...connectionProfileChannels,
} as const;

export type Contract = typeof contract;
export type Channel = keyof Contract;
export const channels = Object.keys(contract) as Channel[];

/** What a caller sends (before parsing: defaults may be left out). */
export type ChannelInput<C extends Channel> = z.input<Contract[C]['input']>;
/** What a caller gets back (after parsing: dates are Dates). */
export type ChannelOutput<C extends Channel> = z.output<Contract[C]['output']>;

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(contract, name);
}

export * from './channel';
// What the renderer needs of the doors (`window.lms`, progress, cancel); it may import only this file.
export { CANCEL_CHANNEL, PROGRESS_EVENT, type LmsBridge } from '../transport';
