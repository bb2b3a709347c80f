import { testConnection } from '../../../db/profiles/connection-test';
import { profileUrl } from '../../../db/profiles/profile-url';
import type { HandlerTable } from './handler';

type ProfileChannel =
  'profiles.list' | 'profiles.save' | 'profiles.remove' | 'profiles.activate' | 'profiles.test';

export const connectionProfileHandlers: HandlerTable<ProfileChannel> = {
  'profiles.list': (_input, { profiles }) => profiles.list(),
  'profiles.save': (input, { profiles }) => profiles.save(input),
  'profiles.remove': async ({ id }, { profiles }) => {
    await profiles.remove(id);
    return profiles.list();
  },
  'profiles.activate': async ({ id }, { profiles }) => {
    await profiles.activate(id);
    return profiles.list();
  },
  'profiles.test': async (input, { profiles }) =>
    'name' in input
      ? profiles.withDraftCredentials(input, (credentials) =>
          testConnection(profileUrl(credentials)),
        )
      : testConnection(profileUrl(await profiles.credentialsOf(input.id))),
};
