import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { SessionGate } from './components/session-gate';
import { createQueryClient } from './query-client';

const theme = createTheme({
  primaryColor: 'indigo',
  // A focus ring on keyboard focus, never only on hover: every control shows where you are.
  focusRing: 'auto',
  defaultRadius: 'sm',
});

/** The providers every page relies on: components and theme, server state, notifications. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme}>
      {/* Bottom right: the header's sign-out button lives top right. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <SessionGate />
      </QueryClientProvider>
    </MantineProvider>
  );
}
