import { Center, Loader } from '@mantine/core';
import { useAuthState } from '../hooks/use-session';
import { SetupPage } from '../pages/setup-page';
import { SignInPage } from '../pages/sign-in-page';
import { AppLayout } from './app-layout';
import { ErrorAlert } from './error-alert';

/** Shows first-run setup, sign-in or the app, as the API says the session stands. */
export function SessionGate() {
  const state = useAuthState();
  if (state.isPending) {
    return (
      <Center mih="100vh">
        <Loader aria-label="Starting LMS Admin" />
      </Center>
    );
  }
  if (state.isError) {
    return (
      <Center mih="100vh" p="md">
        <ErrorAlert
          title="LMS Admin couldn't start"
          error={state.error}
          onRetry={() => void state.refetch()}
        />
      </Center>
    );
  }
  if (state.data.needsSetup) return <SetupPage />;
  if (!state.data.user) return <SignInPage />;
  return <AppLayout user={state.data.user} />;
}
