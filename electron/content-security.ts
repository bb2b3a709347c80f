/**
 * The renderer's Content Security Policy and the response headers that go with it: one definition,
 * sent by both doors that serve the renderer (the loopback host in browser mode, the app protocol
 * in the Electron window).
 */

/**
 * Scripts, styles and connections only from the page's own origin; inline style attributes stay
 * allowed because React sets `style` props. No plugins, no framing, no `<base>` or form tricks.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sent with every response that carries the renderer: the policy, and no sniffing, framing or leaking its address. */
export const RENDERER_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=()',
};
