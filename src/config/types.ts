import type { SearchKey } from './searchCommand.js';

/** Postroom's validated configuration. YAML keys are snake_case; these are their typed forms. */

export type InboxMethod = 'imap' | 'microsoft_graph';

/**
 * GitLab's `delivery_method`. Postroom stores every message in its own spool and hands it to the
 * `sink`; it never pushes into Redis. With `sink: gitlab` it always delivers through GitLab's
 * internal mail_room API (what `webhook` / mail_room's `postback` name), whichever value is given;
 * with the embedded tracker the value has no effect.
 */
export type DeliveryMethod = 'webhook' | 'postback' | 'sidekiq';

/** mail_room's `ssl` hash (or `ssl: true`): how the server's certificate is checked. */
export interface SslOptions {
  verifyMode: 'none' | 'peer';
  /** PEM file of the CA(s) to trust instead of the system's. */
  caFile?: string;
}

/** GitLab's `incoming_email` / `service_desk_email` section, key for key. */
export interface MailboxConfig {
  enabled: boolean;
  /** Address template, e.g. `incoming+%{key}@example.com`; null when the mailbox is off. */
  address: string | null;
  user?: string;
  password?: string;
  host?: string;
  port: number;
  ssl: boolean;
  /** Certificate checks for implicit TLS and STARTTLS alike. */
  sslOptions: SslOptions;
  startTls: boolean;
  mailbox: string;
  idleTimeoutSeconds: number;
  deleteAfterDelivery: boolean;
  expungeDeleted: boolean;
  /** At most this many messages per IMAP pass (0: all), as mail_room's limit_max_unread. */
  limitMaxUnread: number;
  inboxMethod: InboxMethod;
  inboxOptions?: Record<string, unknown>;
  /** UID SEARCH keys, ANDed. */
  searchCommand: SearchKey[];
  /** As given; absent when the section does not say. */
  deliveryMethod?: DeliveryMethod;
  /**
   * mail_room's own log file (`log_path`, or Omnibus's `log_file`). Postroom writes one JSON log
   * for all its parts to stdout; this is kept only so `check` can say so.
   */
  logPath?: string;
  gitlabUrl?: string;
  secretFile?: string;
  /** Where `postroom secret write` keeps this mailbox's encrypted user/password (GitLab's `encrypted_secret_file`). */
  encryptedSecretFile: string;
}

/** Deadlines, connection caps and the DATA memory budget of the SMTP front (see smtpLimitsSchema.ts). */
export interface SmtpLimits {
  /** A command line must arrive whole this long after its first byte (and a TLS handshake after STARTTLS). */
  commandTimeoutMs: number;
  /** The longest one DATA phase may take, however steadily the bytes come. */
  dataTimeoutMs: number;
  /** Bytes per second DATA must keep up on average, after a first command_timeout of grace. */
  minDataRate: number;
  /** The longest a connection may stay, whatever it does. */
  sessionLifetimeMs: number;
  maxConnectionsPerAddress: number;
  /** DATA bytes all sessions together may hold in memory; beyond it they go to disk as they arrive. */
  memoryBudget: number;
  /** A message larger than this goes to disk as it arrives, whatever the budget. */
  spillThreshold: number;
}

export interface SmtpConfig extends SmtpLimits {
  /** False runs mail_room-only: no SMTP port; mail arrives by polling the mailboxes. */
  enabled: boolean;
  /** How accepted_domains came about, for `check`: listed, or taken from the addresses. */
  acceptedDomainsGiven: boolean;
  host: string;
  port: number;
  /** Our name in the greeting, EHLO and Received headers. */
  hostname: string;
  maxMessageSize: number;
  maxRecipients: number;
  maxClients: number;
  socketTimeoutMs: number;
  closeTimeoutMs: number;
  /**
   * STARTTLS's key and certificate (a generated development pair without them), read again on
   * SIGHUP and when the files change, looked at every `reloadCheckMs`.
   */
  tls: { key?: string; cert?: string; reloadCheckMs: number };
  /** Domains we answer for; mail for any other domain is refused as relaying. */
  acceptedDomains: string[];
  /**
   * With the embedded tracker, refuse at RCPT TO a key that fits the grammar but means nothing
   * (unknown reply key, project, token). False accepts by grammar alone and lets the receiver
   * answer with GitLab's rejection notice instead, as GitLab itself does.
   */
  verifyKeys: boolean;
  /** Peers allowed to name the original client with XCLIENT/XFORWARD (a Postfix in front); none by default. */
  trustedRelays: RelayNetwork[];
}

/** One entry of `smtp.trusted_relays`: an address is a network of its full length. */
export interface RelayNetwork {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** `sender_auth`: authentication of SMTP senders and the identity policy built on it. */
export interface SenderAuthConfig {
  enabled: boolean;
  /** `ip` or `ip:port`; empty uses the system's resolvers. */
  dnsServers: string[];
  dnsTimeoutMs: number;
  /** The most one message's checks may take; after it the results are `temperror` and the message is kept. */
  deadlineMs: number;
  cacheTtlMs: number;
  /** Refuse with 550 5.7.1 at end of DATA a DMARC failure of a domain publishing `p=reject`. */
  dmarcReject: boolean;
  /** `author`: the From address acts; `gitlab`: Reply-To first, as GitLab does. */
  identity: 'author' | 'gitlab';
  /** What the From domain must show before mail may act as a user. */
  require: 'not_failed' | 'aligned' | 'off';
  /**
   * Whose Authentication-Results field a polled (IMAP, Graph) message's results are taken from:
   * the mailbox provider's authserv-ids; `exchange-online` for a field with none. Default none.
   */
  trustedAuthservIds: string[];
}

export interface StoreConfig {
  /** SQLite file of the spool. */
  path: string;
  /** How long finished mail stays in the spool (0: forever); queued, failing and dead mail always stays. */
  retentionMs: number;
}

export interface SecretsConfig {
  /** File holding the base64 key of encrypted credentials; the env POSTROOM_SECRETS_KEY takes precedence. */
  keyFile: string;
}

/** How the relay connection is protected when `secure` (TLS from the first byte) is off. */
export type StartTlsMode = 'require' | 'opportunistic' | 'never';

export interface MailIdentity {
  address: string;
  name: string;
}

/** The relay that carries notifications, Service Desk mail and rejection notices. */
export interface OutgoingConfig {
  /** When false nothing is sent; every would-be mail is logged as skipped with the reason. */
  enabled: boolean;
  host: string;
  port: number;
  secure: boolean;
  startTls: StartTlsMode;
  user?: string;
  password?: string;
  from: MailIdentity;
  /** Where links in mail point (unsubscribe URLs); no trailing slash. */
  baseUrl: string;
  /** Rejection notices per sender address per rolling hour; a loop breaker, not a courtesy. */
  noticeLimitPerSenderPerHour: number;
  /** The outbox sender: mails in flight at once (pooled connections), and its retry schedule. */
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** A mail the relay has not taken after this long is an outgoing dead letter. */
  maxAgeMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface PostroomConfig extends ProcessingConfig {
  gitlab: GitlabApiConfig;
  /** The file this came from, for messages; undefined when built in memory. */
  source?: string;
  /** GitLab's `gitlab.host`: the host in `<reply-KEY@host>` Message-IDs. */
  host: string;
  incomingEmail: MailboxConfig;
  serviceDeskEmail: MailboxConfig;
  smtp: SmtpConfig;
  store: StoreConfig;
  secrets: SecretsConfig;
  outgoing: OutgoingConfig;
  log: { level: LogLevel };
  http: HttpConfig;
  reply: ReplyConfig;
  senderAuth: SenderAuthConfig;
  postmaster: PostmasterConfig;
}

/** Where mail for `postmaster@<accepted domain>` goes besides the spool. */
export interface PostmasterConfig {
  forwardTo?: string;
}

/** How the embedded tracker reads a reply; with `sink: gitlab`, GitLab reads the raw mail itself. */
export interface ReplyConfig {
  /** `gitlab`: GitLab's trimmer, byte for byte; `postroom`: keeps what the sender wrote, cuts what clients quote. */
  trimming: 'gitlab' | 'postroom';
  /** Reply parsing of one message may take this long; past it the message ends as a dead letter. */
  budgetMs: number;
}

/** Health, metrics and the tracker's API over HTTP. */
export interface HttpConfig {
  enabled: boolean;
  host: string;
  port: number;
  /** The API's bearer token; health and metrics need none. Required when enabled. */
  token?: string;
  /** A poller without a successful pass for this long makes /health answer 503. */
  unhealthyAfterMs: number;
  /** Due mail waiting longer than this makes /readiness answer 503. */
  maxQueueAgeMs: number;
  /** A console session ends this long after sign-in. */
  sessionTtlMs: number;
  /** Tracker usernames or verified addresses whose mailed sign-in link opens the operator console too. */
  operators: string[];
}

export interface ProcessingConfig {
  /** `embedded`: the built-in tracker; `gitlab`: POST to GitLab's mail_room API. */
  sink: 'embedded' | 'gitlab';
  tracker: { path: string };
  worker: {
    /** False runs a front door only: mail is accepted and spooled, and routed once a worker runs. */
    enabled: boolean;
    concurrency: number;
    /** Bytes of messages routed at once; a larger message is routed alone. */
    memoryBudget: number;
    /** Bytes the routing thread's long-lived heap may hold; a message that needs more ends dead. */
    heapLimit: number;
    retryBaseMs: number;
    retryMaxMs: number;
    maxAttempts: number;
    maxAgeMs: number;
  };
}

export interface GitlabApiConfig {
  /** Defaults to incoming_email.gitlab_url. */
  url?: string;
  /** A token that can read projects; without one, RCPT TO checks keys by their grammar only. */
  apiToken?: string;
  /** RCPT-time lookups. */
  timeoutMs: number;
  /** One mail_room postback, from request to GitLab's answer. */
  postbackTimeoutMs: number;
  cacheTtlMs: number;
}
