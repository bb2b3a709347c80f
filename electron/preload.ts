/**
 * The Electron window's only way out: `window.lms.invoke` for contract channels (and cancelling
 * one's own call) and `window.lms.on('progress', …)`. Nothing of `ipcRenderer` itself is exposed, so
 * a script in the page can't reach any other IPC message. Loaded only by Electron; a sandboxed
 * preload can't import files, so it is bundled (the contract it imports is zod and schemas).
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isChannel, type ApiProgress, type ApiResult } from './api/contract';
import {
  CANCEL_CHANNEL,
  PROGRESS_EVENT,
  PROGRESS_MESSAGE,
  type InvokeOptions,
  type LmsBridge,
} from './transport';

const bridge: LmsBridge = {
  invoke(channel: unknown, input: unknown, options?: InvokeOptions): Promise<ApiResult<unknown>> {
    // The page's script picks `channel` at run time; the type alone doesn't stop it sending anything.
    if (typeof channel !== 'string' || !(isChannel(channel) || channel === CANCEL_CHANNEL)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'NOT_FOUND', message: `There is no API channel "${String(channel)}".` },
      });
    }
    return ipcRenderer.invoke(channel, input, options);
  },
  on(event: unknown, callback: (progress: ApiProgress) => void): () => void {
    if (event !== PROGRESS_EVENT) {
      throw new Error(
        `window.lms.on: unknown event "${String(event)}"; the only event is "${PROGRESS_EVENT}".`,
      );
    }
    // The IPC event object stays here: handing it to the page would hand over `sender`.
    const listener = (_event: IpcRendererEvent, progress: ApiProgress): void => callback(progress);
    ipcRenderer.on(PROGRESS_MESSAGE, listener);
    return () => {
      ipcRenderer.removeListener(PROGRESS_MESSAGE, listener);
    };
  },
};

contextBridge.exposeInMainWorld('lms', bridge);
