/**
 * Health (/health, /liveness), Prometheus metrics (/metrics) and the token-protected JSON API over
 * the embedded tracker and the spool's trace. The composition root starts it with `startHttp`.
 */
export { startHttp } from './server.js';
export type { HttpOptions, RunningHttp } from './server.js';
export { addressTemplates, issueAddress, personalAddresses, serviceDeskAddress } from './addresses.js';
export type { AddressTemplates, PersonalAddresses } from './addresses.js';
export { assessHealth } from './health.js';
export type { HealthReport, PollerReport } from './health.js';
export { renderMetrics } from './metrics.js';
export type { HttpDeps, HttpSpool } from './types.js';
