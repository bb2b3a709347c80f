import { RENDERER_SECURITY_HEADERS } from '../../electron/content-security';

/** The headers every response carrying the renderer must have, lower-cased as fetch reports them. */
export const SECURITY_HEADER_NAMES = Object.keys(RENDERER_SECURITY_HEADERS).map((name) =>
  name.toLowerCase(),
);
