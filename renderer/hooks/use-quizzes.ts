import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { request } from '../api';
import { conflictCurrent } from '../conflicts';
import { contract, type ChannelInput, type ChannelOutput } from '../../electron/api/contract';

export type QuizSummary = ChannelOutput<'quizzes.list'>['items'][number];
export type QuizDetail = ChannelOutput<'quizzes.get'>;

const PAGE_SIZE = 500;

export const quizzesKey = (courseId: string) => ['quizzes.list', courseId] as const;
export const quizKey = (id: string) => ['quizzes.get', id] as const;

/** A course's quizzes, by title: one page holds far more than a course has. */
export function useQuizzes(courseId: string) {
  return useQuery({
    queryKey: quizzesKey(courseId),
    queryFn: () => request('quizzes.list', { courseId, limit: PAGE_SIZE }),
  });
}

export function useQuiz(id: string, isEnabled = true) {
  return useQuery({
    queryKey: quizKey(id),
    queryFn: () => request('quizzes.get', { id }),
    enabled: isEnabled,
  });
}

function quizChanged(client: QueryClient, quiz: QuizDetail): void {
  client.setQueryData(quizKey(quiz.id), quiz);
  void client.invalidateQueries({ queryKey: quizzesKey(quiz.courseId) });
}

/** The quiz as it is now, from a CONFLICT error: the editor goes on from it, the person's work in hand. */
export function currentQuizOf(error: unknown): QuizDetail | undefined {
  return conflictCurrent(error, contract['quizzes.get'].output);
}

/** A quiz edit: the answer (the quiz in full) replaces the cached quiz; a CONFLICT's current quiz does too. */
function useQuizEdit<I>(call: (input: I) => Promise<QuizDetail>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (quiz) => quizChanged(client, quiz),
    onError: (error) => {
      const current = currentQuizOf(error);
      if (current) quizChanged(client, current);
    },
  });
}

export function useCreateQuiz() {
  return useQuizEdit((input: ChannelInput<'quizzes.create'>) => request('quizzes.create', input));
}

export function useAddQuestion() {
  return useQuizEdit((input: ChannelInput<'quizzes.addQuestion'>) =>
    request('quizzes.addQuestion', input),
  );
}

export function useUpdateQuestion() {
  return useQuizEdit((input: ChannelInput<'quizzes.updateQuestion'>) =>
    request('quizzes.updateQuestion', input),
  );
}

export function useRemoveQuestion() {
  return useQuizEdit((input: ChannelInput<'quizzes.removeQuestion'>) =>
    request('quizzes.removeQuestion', input),
  );
}

export function useMoveQuestion() {
  return useQuizEdit((input: ChannelInput<'quizzes.moveQuestion'>) =>
    request('quizzes.moveQuestion', input),
  );
}

/** A quiz's settings (title, pass score, lesson, type, shuffle), version-checked. */
export function useUpdateQuiz() {
  return useQuizEdit((input: ChannelInput<'quizzes.update'>) => request('quizzes.update', input));
}

/**
 * Publishes or unpublishes a quiz. A CONFLICT with the quiz still in the state the person saw
 * means someone changed something else: the switch alone is sent again at the new version, so it
 * overwrites nothing of theirs. If the quiz is already as asked, there is nothing to do.
 */
export function useSetQuizPublished() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (target: { id: string; version: number; isPublished: boolean }) => {
      try {
        return await request('quizzes.update', target);
      } catch (error) {
        const current = currentQuizOf(error);
        if (!current) throw error;
        if (current.isPublished === target.isPublished) return current;
        return request('quizzes.update', { ...target, version: current.version });
      }
    },
    onSuccess: (quiz) => quizChanged(client, quiz),
  });
}

/** What deleting the quiz would remove; asked only while the confirmation is open. */
export function useQuizDeletePreview(id: string, isEnabled: boolean) {
  return useQuery({
    queryKey: ['quizzes.deletePreview', id],
    queryFn: () => request('quizzes.deletePreview', { id }),
    enabled: isEnabled,
    // The counts must be those of now, not of the last time the dialog was open.
    staleTime: 0,
    gcTime: 0,
  });
}

export function useDeleteQuiz() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (target: ChannelInput<'quizzes.delete'>) => request('quizzes.delete', target),
    onSuccess: (removed) => {
      client.removeQueries({ queryKey: quizKey(removed.id) });
      void client.invalidateQueries({ queryKey: quizzesKey(removed.courseId) });
    },
  });
}

/**
 * Brings a deleted quiz back with the attempts its deletion took (admins only: it is an undelete
 * from the audit history, recorded there as a new change).
 */
export function useUndeleteQuiz() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (quiz: { id: string; courseId: string }) => {
      const deletions = await request('audit.list', {
        filter: { tableName: 'quizzes', recordId: quiz.id, action: 'DELETE' },
        limit: 1,
      });
      const deletion = deletions.items[0];
      if (!deletion) {
        throw new Error('The audit history has no deletion of this quiz, so it cannot be undone.');
      }
      return request('audit.undelete', { seq: deletion.seq, withCascaded: true });
    },
    onSuccess: (_restored, quiz) =>
      client.invalidateQueries({ queryKey: quizzesKey(quiz.courseId) }),
  });
}
