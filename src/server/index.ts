/** The HTTP server: assembles the modules' route plugins with auth, limits, headers and the error handler. */
export { buildApp, WEB_DIST, type AppOptions } from './app.ts';
