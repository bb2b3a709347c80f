import { useQueryClient } from '@tanstack/react-query';
import { request } from '../api';
import { contract, type ChannelInput, type ChannelOutput } from '../../electron/api/contract';
import { useLongCall } from './use-long-call';
import { quizzesKey } from './use-quizzes';

export type ImportQuestionsInput = ChannelInput<'quizzes.import.preview'>;
export type ImportQuestionsResult = ChannelOutput<'quizzes.import.preview'>;
export type ExportQuestionsInput = ChannelInput<'quizzes.export'>;
export type ExportQuestionsResult = ChannelOutput<'quizzes.export'>;
export type QuestionFormat = ExportQuestionsInput['format'];
export type FileProblem = ImportQuestionsResult['problems'][number];

/** Each format as people know it, in the order the choosers list them. */
export const QUESTION_FORMAT_LABELS: Record<QuestionFormat, string> = {
  gift: 'GIFT',
  'moodle-xml': 'Moodle XML',
  aiken: 'Aiken',
  csv: 'CSV',
  json: 'JSON (LMS Admin)',
};

/** The file types the import's file chooser offers (any file may still be chosen). */
export const QUESTION_FILE_ACCEPT = '.gift,.txt,.aiken,.xml,.csv,.json';

/** The type a downloaded file is handed over as. */
export const QUESTION_FORMAT_MIME: Record<QuestionFormat, string> = {
  gift: 'text/plain;charset=utf-8',
  aiken: 'text/plain;charset=utf-8',
  'moodle-xml': 'application/xml;charset=utf-8',
  csv: 'text/csv;charset=utf-8',
  json: 'application/json;charset=utf-8',
};

/**
 * The loopback host's largest request body (electron/web-host.ts: MAX_BODY_BYTES). Only the
 * browser mode goes through it; the Electron window's IPC has no such limit.
 */
const LOOPBACK_MAX_BODY_BYTES = 20 * 1024 * 1024;

/** The loopback host is the door when there is no preload bridge. */
const isThroughLoopback = (): boolean => window.lms === undefined;

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/**
 * Why a file of this size can't be sent, before it is even read: in the browser, its text alone
 * would already be over the loopback host's limit. Null when it may fit.
 */
export function fileSizeProblem(file: { name: string; size: number }): string | null {
  if (isThroughLoopback() && file.size > LOOPBACK_MAX_BODY_BYTES) {
    return `${file.name} is ${megabytes(file.size)}, over the ${megabytes(LOOPBACK_MAX_BODY_BYTES)} the browser mode can send at once. Split it into smaller files (by category), or import it in the desktop app or with lms-admin quizzes import.`;
  }
  return null;
}

/**
 * Why an import can't be sent as it is, in words, or null: the channel's own input rules (its
 * size limit among them), and in the browser the loopback host's limit on the whole request.
 */
export function importInputProblem(input: ImportQuestionsInput): string | null {
  const checked = contract['quizzes.import.preview'].input.safeParse(input);
  if (!checked.success) {
    const [issue] = checked.error.issues;
    if (issue?.path[0] === 'content') return `The file ${issue.message}.`;
    return `${issue?.path.join('.') ?? 'The import'}: ${issue?.message ?? 'is not valid'}.`;
  }
  if (isThroughLoopback()) {
    const bytes = new Blob([JSON.stringify(input)]).size;
    if (bytes > LOOPBACK_MAX_BODY_BYTES) {
      return `The file makes a request of ${megabytes(bytes)}, over the ${megabytes(LOOPBACK_MAX_BODY_BYTES)} the browser mode can send at once. Split it into smaller files (by category), or import it in the desktop app or with lms-admin quizzes import.`;
    }
  }
  return null;
}

/** Reads a file through: what it would create and every problem at its line; writes nothing. */
export function useImportPreview(onChecked: (result: ImportQuestionsResult) => void) {
  return useLongCall(
    (input: ImportQuestionsInput, hooks) => request('quizzes.import.preview', input, hooks),
    { onSuccess: onChecked },
  );
}

/** Writes a file's questions, all or none; the course's quizzes and the question bank are then read again. */
export function useImportApply(onDone: (result: ImportQuestionsResult) => void) {
  const client = useQueryClient();
  return useLongCall(
    (input: ImportQuestionsInput, hooks) => request('quizzes.import.apply', input, hooks),
    {
      onSuccess: (result, input) => {
        if (result.isWritten) {
          void client.invalidateQueries({ queryKey: quizzesKey(input.courseId) });
          void client.invalidateQueries({ queryKey: ['quizzes.bulk.search'] });
        }
        onDone(result);
      },
    },
  );
}

/** Writes a selection of a course's questions in one format (the caller saves the file). */
export function useQuestionExport(onDone: (result: ExportQuestionsResult) => void) {
  return useLongCall(
    (input: ExportQuestionsInput, hooks) => request('quizzes.export', input, hooks),
    { onSuccess: onDone },
  );
}
