/**
 * Health (/health, /liveness, /readiness), Prometheus metrics (/metrics), the token-protected JSON
 * API, the operator's console and the tracker's pages. The composition root starts it with `startHttp`.
 */
export { startHttp } from './server.js';
export type { HttpOptions, RunningHttp } from './server.js';
export { addressTemplates, issueAddress, personalAddresses, serviceDeskAddress } from './addresses.js';
export type { AddressTemplates, PersonalAddresses } from './addresses.js';
export type { HealthReport, PollerReport } from './health.js';
export type { HttpSources, OutboxReader, RoutingHealth } from './types.js';
