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

export function useQuiz(id: string) {
  return useQuery({ queryKey: quizKey(id), queryFn: () => request('quizzes.get', { id }) });
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
