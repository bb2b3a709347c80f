import { useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { request } from '../api';
import { conflictCurrent } from '../conflicts';
import { contract, type ChannelInput, type ChannelOutput } from '../../electron/api/contract';
import { useKeysetList, type KeysetPage } from './use-keyset-list';
import { useLongCall } from './use-long-call';

export type QuestionRow = ChannelOutput<'quizzes.bulk.search'>['items'][number];
export type BulkOperation = ChannelInput<'quizzes.bulk.preview'>['operation'];
export type BulkPreview = ChannelOutput<'quizzes.bulk.preview'>;
export type BulkWriteResult = ChannelOutput<'quizzes.bulk.apply'>;
export type BulkOperationRecord = ChannelOutput<'quizzes.bulk.recent'>['items'][number];
export type QuestionRef = { quizId: string; questionId: string };
export type QuestionKind = NonNullable<ChannelInput<'quizzes.bulk.search'>['kind']>;

/** What narrows the question grid; empty strings and nulls filter nothing. */
export interface QuestionFilter {
  courseId: string | null;
  quizId: string | null;
  kind: QuestionKind | null;
  tag: string;
  text: string;
  jsonpath: string;
}

const SEARCH_KEY = 'quizzes.bulk.search';
/** A page per request: a tall screen twice over. */
const PAGE_SIZE = 200;

/** A question's row id in the grid: its quiz and its id there. */
export const questionRowId = (row: QuestionRow): string => `${row.quizId}/${row.questionId}`;

/** The questions matching a filter, a keyset page at a time (an instructor's own courses only: the API sees to it). */
export function useQuestionSearch(filter: QuestionFilter) {
  const tag = filter.tag.trim();
  const text = filter.text.trim();
  const jsonpath = filter.jsonpath.trim();
  return useKeysetList([SEARCH_KEY, { ...filter, tag, text, jsonpath }], (cursor) =>
    request('quizzes.bulk.search', {
      limit: PAGE_SIZE,
      ...(filter.courseId !== null && { courseId: filter.courseId }),
      ...(filter.quizId !== null && { quizId: filter.quizId }),
      ...(filter.kind !== null && { kind: filter.kind }),
      ...(tag !== '' && { tag }),
      ...(text !== '' && { text }),
      ...(jsonpath !== '' && { jsonpath }),
      ...(cursor !== null && { cursor }),
    }),
  );
}

type SearchData = InfiniteData<KeysetPage<QuestionRow>>;

/**
 * Puts a question's row as the API now has it into every loaded search, and its quiz's new
 * version into that quiz's other rows, so their next edit starts from it.
 */
function rowChanged(client: ReturnType<typeof useQueryClient>, changed: QuestionRow): void {
  client.setQueriesData<SearchData>({ queryKey: [SEARCH_KEY] }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((row) => {
              if (row.quizId !== changed.quizId) return row;
              return row.questionId === changed.questionId
                ? changed
                : { ...row, quizVersion: changed.quizVersion };
            }),
          })),
        }
      : data,
  );
}

/** The question as it is now, from a CONFLICT of an in-place edit. */
export function currentRowOf(error: unknown): QuestionRow | undefined {
  return conflictCurrent(error, contract['quizzes.bulk.editQuestion'].output);
}

/** Edits one question's fields in place; the grid shows the answer, or on CONFLICT the question as it is now. */
export function useEditQuestion() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'quizzes.bulk.editQuestion'>) =>
      request('quizzes.bulk.editQuestion', input),
    onSuccess: (row) => rowChanged(client, row),
    onError: (error) => {
      const current = currentRowOf(error);
      if (current) rowChanged(client, current);
    },
  });
}

export function useBulkPreview() {
  return useMutation({
    mutationFn: (input: ChannelInput<'quizzes.bulk.preview'>) =>
      request('quizzes.bulk.preview', input),
  });
}

const RECENT_KEY = 'quizzes.bulk.recent';
/** How many of one's latest operations the page offers to undo. */
const RECENT_COUNT = 5;

/** The signed-in person's latest bulk operations, as the database recorded them: undo outlives the page. */
export function useRecentBulkOperations() {
  return useQuery({
    queryKey: [RECENT_KEY],
    queryFn: () => request('quizzes.bulk.recent', { limit: RECENT_COUNT }),
  });
}

/**
 * A write as long work (progress in quizzes, Cancel rolls it all back). After it, or a failure,
 * every loaded search, quiz and the list of recent operations is read again: rows moved, vanished
 * or changed, and an undo may no longer be possible.
 */
function useBulkWrite<C extends 'quizzes.bulk.apply' | 'quizzes.bulk.undo'>(channel: C) {
  const client = useQueryClient();
  const refresh = async (): Promise<void> => {
    await client.invalidateQueries({ queryKey: [SEARCH_KEY] });
    await client.invalidateQueries({ queryKey: [RECENT_KEY] });
    await client.invalidateQueries({ queryKey: ['quizzes.get'] });
    await client.invalidateQueries({ queryKey: ['quizzes.list'] });
  };
  return useLongCall((input: ChannelInput<C>, hooks) => request(channel, input, hooks), {
    onSuccess: refresh,
    onError: refresh,
  });
}

export const useBulkApply = () => useBulkWrite('quizzes.bulk.apply');
export const useBulkUndo = () => useBulkWrite('quizzes.bulk.undo');
