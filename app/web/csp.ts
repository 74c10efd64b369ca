// The one Content-Security-Policy of the UI, for every host: sent as a header by app/web/serve.ts
// and app/main's protocol handler, and repeated in app/renderer/index.html. No inline or eval'd
// script, no remote origin: the page talks only to where it came from.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ')
