import type { Channel, ChannelInput, ChannelOutput } from '../../electron/api/contract';
import type { ApiHarness } from './api-harness';

/** Calls a channel that must succeed and returns its data, typed by the contract; a failure fails the test with its message. */
export async function callOk<C extends Channel>(
  api: ApiHarness,
  channel: C,
  input: ChannelInput<C>,
  sessionId: string,
): Promise<ChannelOutput<C>> {
  const result = await api.call(channel, input, sessionId);
  if (!result.ok) {
    throw new Error(`${channel} failed with ${result.error.code}: ${result.error.message}`);
  }
  // The router parsed the data with this channel's output schema before answering.
  return result.data as ChannelOutput<C>;
}
