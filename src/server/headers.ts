import type { FastifyHelmetOptions } from '@fastify/helmet';

/**
 * The Content-Security-Policy of every answer, the console's and the offline API docs' included.
 * The built console loads scripts only from its own files (Vite emits no inline script); Element
 * Plus sets inline styles, hence 'unsafe-inline' for styles only. Nothing is framed, nothing is
 * fetched from elsewhere (the platform runs air-gapped).
 */
export const CSP_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
};

/**
 * @fastify/helmet settings: the policy above, no framing, no referrer; helmet's other defaults stay
 * (nosniff, X-Powered-By removed, same-origin opener and resource policies).
 */
export const HELMET: FastifyHelmetOptions = {
  contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES },
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  // Browsers ignore it over plain http; behind TLS it pins this host (only) to https.
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
};
