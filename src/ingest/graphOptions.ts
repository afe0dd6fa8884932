import type { MailboxConfig } from '../config/index.js';

export interface GraphOptions {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  pollIntervalMs: number;
  azureAdEndpoint: string;
  graphEndpoint: string;
}

const DEFAULT_POLL_SECONDS = 60;

/** mail_room's `inbox_options` for Microsoft Graph, with its defaults. */
export function graphOptions(config: MailboxConfig): GraphOptions {
  const options = config.inboxOptions ?? {};
  const required = (key: string): string => {
    const value = options[key];
    if (typeof value !== 'string' || value === '')
      throw new Error(`inbox_options.${key} is required for inbox_method microsoft_graph`);
    return value;
  };
  const seconds = Number(options.poll_interval);
  return {
    tenantId: required('tenant_id'),
    clientId: required('client_id'),
    clientSecret: required('client_secret'),
    // As mail_room: anything that is not a positive number means the default.
    pollIntervalMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_POLL_SECONDS) * 1000,
    azureAdEndpoint: endpoint(options.azure_ad_endpoint, 'https://login.microsoftonline.com'),
    graphEndpoint: endpoint(options.graph_endpoint, 'https://graph.microsoft.com'),
  };
}

function endpoint(value: unknown, fallback: string): string {
  return (typeof value === 'string' && value !== '' ? value : fallback).replace(/\/+$/, '');
}

/** The mailbox owner's resource; '@' may stay as is in a path segment, and mail_room sends it that way. */
export function graphUserUrl(options: GraphOptions, user: string): string {
  return `${options.graphEndpoint}/v1.0/users/${encodeURIComponent(user).replace(/%40/g, '@')}`;
}

/** The first page of the folder's unread messages, ids only: what every poll starts with. */
export function unreadMessagesUrl(userUrl: string, folder: string): string {
  return `${userUrl}/mailFolders/${encodeURIComponent(folder)}/messages?$filter=${encodeURIComponent('isRead eq false')}&$select=id`;
}
