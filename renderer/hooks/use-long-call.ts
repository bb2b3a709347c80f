import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { ApiProgress } from '../../electron/api/contract';
import type { LongCallOptions } from '../api';

/** What a long call is given: where to report progress, and the signal that cancels it. */
export type LongCallHooks = Required<LongCallOptions>;

/**
 * A mutation for long work (migrations, imports, exports): its latest progress event, and
 * `cancel`, which asks the API to stop it. One run at a time.
 */
export function useLongCall<TInput, TOutput>(
  run: (input: TInput, hooks: LongCallHooks) => Promise<TOutput>,
  callbacks: Pick<UseMutationOptions<TOutput, Error, TInput>, 'onSuccess' | 'onError'> = {},
) {
  const [progress, setProgress] = useState<ApiProgress | null>(null);
  const controller = useRef<AbortController | null>(null);
  const mutation = useMutation({
    mutationFn: (input: TInput) => {
      const current = new AbortController();
      controller.current = current;
      setProgress(null);
      return run(input, { onProgress: setProgress, signal: current.signal });
    },
    ...callbacks,
    onSettled: () => {
      controller.current = null;
    },
  });
  return { ...mutation, progress, cancel: () => controller.current?.abort() };
}
