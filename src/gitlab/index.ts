export { resultOfAnswer, resultOfFailure, type GitlabAnswer } from './answer.js';
export { MAILROOM_JWT_HEADER, MAILROOM_JWT_ISSUER, mailroomJwt } from './jwt.js';
export { MailroomSecretError, readMailroomSecret } from './mailroomSecret.js';
export { DEFAULT_POSTBACK_TIMEOUT_MS } from './postbackTimeout.js';
export {
  createGitlabPostback,
  gitlabPostbackFor,
  mailroomEndpoint,
  type GitlabPostback,
  type GitlabPostbackOptions,
} from './postback.js';
export { gitlabProcessor, type GitlabMailboxes } from './processor.js';
export { MAILROOM_MAILBOX_TYPES, type MailroomMailboxType, type PostbackResult } from './types.js';
export { gitlabKeyDirectory, type GitlabDirectoryOptions } from './projectDirectory.js';
