export { classifyLine, extractEmbeddedEmail, trimReply, trimReplySplit } from "./trimmer.js";
export type { EmbeddedEmail, LineKind, TrimResult } from "./trimmer.js";
