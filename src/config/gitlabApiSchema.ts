import { DEFAULT_POSTBACK_TIMEOUT_MS } from '../gitlab/postbackTimeout.js';
import type { Section } from './reader.js';
import type { GitlabApiConfig } from './types.js';

/**
 * `gitlab:` — the REST API that lets RCPT TO check projects when the sink is a real GitLab
 * (`timeout`), and how long a mail_room postback may wait for GitLab's answer (`postback_timeout`).
 */
export function readGitlabApi(section: Section): GitlabApiConfig {
  const config: GitlabApiConfig = {
    url: section.string('url'),
    apiToken: section.string('api_token'),
    timeoutMs: section.duration('timeout', 2000, 100, 60_000),
    postbackTimeoutMs: section.duration('postback_timeout', DEFAULT_POSTBACK_TIMEOUT_MS, 100, 600_000),
    cacheTtlMs: section.duration('cache_ttl', 300_000, 1000, 86_400_000),
  };
  section.rejectUnknown();
  return config;
}
