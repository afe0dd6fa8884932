import { compileTemplate } from '../address/index.js';
import { ConfigErrors, type MailboxConfig, type PostroomConfig } from '../config/index.js';
import { gitlabPostbackFor, gitlabProcessor, type GitlabMailboxes } from '../gitlab/index.js';
import { openEmbedded } from './embedded.js';
import { postmasterAware } from './postmaster.js';
import type { Logger } from '../log/logger.js';
import type { Spool } from '../spool/index.js';
import type { Processor } from '../worker/types.js';

export interface OpenProcessor {
  process: Processor;
  /** Makes what the attempts wrote durable, before the worker records their outcomes; none for GitLab (its 2xx is the commit). */
  makeDurable?: () => void;
  /** The retention of what the sink keeps besides the spool (the embedded outbox's sent mail). */
  purgeSentMail?: (before: number) => Promise<number>;
  close(): unknown;
}

/** What the worker does with each delivery, by `sink`; mail for the postmaster goes its own way. */
export async function openProcessor(config: PostroomConfig, spool: Spool, logger: Logger): Promise<OpenProcessor> {
  const sink =
    config.sink === 'gitlab'
      ? { process: gitlabProcessorFor(config), close: () => undefined }
      : openEmbedded(config, spool, logger);
  const postmaster = postmasterAware(config, sink.process, logger);
  return {
    process: postmaster.process,
    makeDurable: 'makeDurable' in sink ? sink.makeDurable : undefined,
    purgeSentMail: 'purgeSentMail' in sink ? sink.purgeSentMail : undefined,
    async close() {
      postmaster.close();
      await sink.close();
    },
  };
}

/** The GitLab sink: each enabled mailbox posts to its own mail_room endpoint. */
export function gitlabProcessorFor(config: PostroomConfig): Processor {
  const mailboxes: GitlabMailboxes = {};
  const incoming = config.incomingEmail;
  try {
    if (incoming.enabled && incoming.address) {
      mailboxes.incoming = {
        template: compileTemplate(incoming.address),
        postback: gitlabPostbackFor('incoming_email', incoming, { timeoutMs: config.gitlab.postbackTimeoutMs }),
      };
    }
    const desk = config.serviceDeskEmail;
    if (desk.enabled && desk.address) {
      // GitLab's service_desk_email section may leave these to the incoming_email one.
      const withDefaults: MailboxConfig = {
        ...desk,
        gitlabUrl: desk.gitlabUrl ?? incoming.gitlabUrl,
        secretFile: desk.secretFile ?? incoming.secretFile,
      };
      mailboxes.serviceDesk = {
        template: compileTemplate(desk.address),
        postback: gitlabPostbackFor('service_desk_email', withDefaults, { timeoutMs: config.gitlab.postbackTimeoutMs }),
      };
    }
  } catch (error) {
    if (error instanceof ConfigErrors) throw error;
    throw new ConfigErrors([`sink: gitlab: ${(error as Error).message}`]);
  }
  return gitlabProcessor(mailboxes);
}
