import { compileTemplate, type AddressTemplate } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import type { MailAddress } from './message.js';

/** What the builders need from the config, and nothing else: they stay pure and easy to test. */
export interface OutgoingContext {
  /** `gitlab.host`: the host in every Message-ID we mint. */
  host: string;
  baseUrl: string;
  from: MailAddress;
  /** Null when incoming email is off: then no mail may invite a reply by email. */
  incoming: AddressTemplate | null;
  serviceDesk: AddressTemplate | null;
  /** Every address template we receive on, enabled or not: none of them may be sent a notice. */
  receivingTemplates: AddressTemplate[];
}

export function outgoingContext(config: PostroomConfig): OutgoingContext {
  const template = (address: string | null) => (address ? compileTemplate(address) : null);
  const incoming = template(config.incomingEmail.address);
  const serviceDesk = template(config.serviceDeskEmail.address);
  return {
    host: config.host,
    baseUrl: config.outgoing.baseUrl,
    from: { ...config.outgoing.from },
    incoming: config.incomingEmail.enabled ? incoming : null,
    serviceDesk: config.serviceDeskEmail.enabled ? serviceDesk : null,
    receivingTemplates: [incoming, serviceDesk].filter((t): t is AddressTemplate => t !== null),
  };
}
