import {
  Alert,
  createTheme,
  Loader,
  MantineProvider,
  Modal,
  NavLink,
  Notification,
  type CSSVariablesResolver,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { SessionGate } from './components/session-gate';
import { createQueryClient } from './query-client';

const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8: white text on the filled buttons reaches 4.5:1 contrast (the default shade 6 doesn't).
  primaryShade: 8,
  // A focus ring on keyboard focus, never only on hover: every control shows where you are.
  focusRing: 'auto',
  defaultRadius: 'sm',
  components: {
    Notification: Notification.extend({
      // Its close button is an icon: say what it does.
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      // Under a title the message is gray-6 by default, below 4.5:1 contrast.
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    }),
    // A dialog's close button is an icon: say what it does.
    // A spinner is a <span>, where a name alone is not allowed: as a status it is announced.
    Loader: Loader.extend({ defaultProps: { role: 'status' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A light alert's title in its own colour falls below 4.5:1 on green and yellow; the colour
    // stays in the background and the border.
    Alert: Alert.extend({ styles: { title: { color: 'var(--mantine-color-text)' } } }),
    // The active page's link filled: the light variant's hover falls below 4.5:1 contrast.
    NavLink: NavLink.extend({ defaultProps: { variant: 'filled' } }),
  },
});

/** Secondary text (descriptions, "Never", counts) one shade darker than Mantine's, for 4.5:1 contrast. */
const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // A field's error text and border: red 6 is 3.3:1 on white, red 8 passes 4.5:1.
    '--mantine-color-error': 'var(--mantine-color-red-8)',
  },
  dark: {},
});

/** The providers every page relies on: components and theme, server state, notifications. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
      {/* Bottom right: the header's sign-out button lives top right. */}
      <Notifications position="bottom-right" />
      <QueryClientProvider client={queryClient}>
        <SessionGate />
      </QueryClientProvider>
    </MantineProvider>
  );
}
