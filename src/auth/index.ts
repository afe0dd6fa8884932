export { startSenderAuthenticator, type SenderAuthenticator } from './authenticator.js';
export { authenticationResultsHeader, withoutClaimedResults } from './header.js';
export {
  dmarcRefusal,
  senderIdentity,
  standingOf,
  type IdentityRequirement,
  type IdentityRule,
  type SenderIdentity,
  type SenderPolicy,
} from './policy.js';
export { resultSummary, type AuthResult, type AuthResults } from './results.js';
