import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ChannelInput, ChannelOutput } from '../../electron/api/contract';
import { request } from '../api';

export type ProfileList = ChannelOutput<'profiles.list'>;
export type ProfileSummary = ProfileList['profiles'][number];

const profilesKey = ['profiles.list'] as const;

/** This computer's connection profiles, and which one the next start uses. */
export function useConnectionProfiles() {
  return useQuery({ queryKey: profilesKey, queryFn: () => request('profiles.list', {}) });
}

/** Adds or changes a profile; the list is read afresh after. */
export function useSaveProfile() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<'profiles.save'>) => request('profiles.save', input),
    onSuccess: () => client.invalidateQueries({ queryKey: profilesKey }),
  });
}

/** Removes a profile, or chooses the database of the next start; both answer with the new list. */
export function useProfileListChange<C extends 'profiles.remove' | 'profiles.activate'>(
  channel: C,
) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ChannelInput<C>) => request(channel, input),
    onSuccess: (list) => client.setQueryData(profilesKey, list),
  });
}

/** Connects once, to a saved profile or a draft, and says what it found or why it failed. */
export function useTestConnection() {
  return useMutation({
    mutationFn: (input: ChannelInput<'profiles.test'>) => request('profiles.test', input),
  });
}
