import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import { buildMailKey, compileTemplate } from '../address/index.js';
import type { PostroomConfig } from '../config/index.js';
import { openTracker } from '../tracker/index.js';
import type { AddressParts } from '../tracker/addressParts.js';
import { LOCAL_PART_LIMIT } from './addresses.js';
import { errorText, fail, ok, skip, warn, type CheckResult } from './result.js';

// A token as GitLab makes them today: `glimt-` and up to 25 base-36 digits.
const TYPICAL_TOKEN = `glimt-${'z'.repeat(25)}`;

/** The embedded tracker's file opens as `serve` opens it; its projects' real addresses fit in 64 characters. */
export function checkTracker(config: PostroomConfig): CheckResult[] {
  if (config.sink !== 'embedded') return [skip('tracker', `sink is ${config.sink}`)];
  const file = config.tracker.path;
  if (!existsSync(file)) {
    const dir = firstExisting(path.dirname(file));
    try {
      accessSync(dir, constants.W_OK);
    } catch {
      return [fail('tracker', `${file} does not exist and ${dir} is not writable, so it cannot be created`)];
    }
    return [ok('tracker', `${file} will be created at the first start`)];
  }
  let parts: AddressParts;
  try {
    const tracker = openTracker(file);
    try {
      parts = tracker.addressParts();
    } finally {
      tracker.close();
    }
  } catch (error) {
    return [fail('tracker', `${file}: ${errorText(error)}`)];
  }
  return [ok('tracker', `${file} opens; ${parts.projects.length} project(s)`), longestAddress(config, parts)];
}

/** Every address a project hands out, the longest first: new merge request, then Service Desk. */
function longestAddress(config: PostroomConfig, parts: AddressParts): CheckResult {
  const name = 'longest address';
  const token = parts.longestToken ?? TYPICAL_TOKEN;
  const candidates: { address: string; what: string }[] = [];
  for (const project of parts.projects) {
    const incoming = wildcard(config.incomingEmail.enabled ? config.incomingEmail.address : null);
    const serviceDesk = wildcard(config.serviceDeskEmail.enabled ? config.serviceDeskEmail.address : null);
    if (incoming) {
      candidates.push({
        address: incoming(buildMailKey.newMergeRequest(project, token)),
        what: `${project.fullPath}'s new merge request address`,
      });
      candidates.push({
        address: incoming(buildMailKey.serviceDesk(project)),
        what: `${project.fullPath}'s Service Desk address`,
      });
    }
    if (serviceDesk) {
      candidates.push({
        address: serviceDesk(buildMailKey.serviceDesk(project, project.serviceDeskKey)),
        what: `${project.fullPath}'s Service Desk alias`,
      });
    }
  }
  if (candidates.length === 0) return skip(name, 'no project with a personal address yet');
  const longest = candidates.reduce((a, b) => (localLength(b.address) > localLength(a.address) ? b : a));
  const length = localLength(longest.address);
  const whose = parts.longestToken ? 'the longest token of a user' : 'a typical token';
  if (length > LOCAL_PART_LIMIT) {
    return warn(
      name,
      `${longest.address} (${longest.what}, with ${whose}) has ${length} characters before the @; some providers refuse more than ${LOCAL_PART_LIMIT}: shorten the part around %{key} or the project's path`,
    );
  }
  return ok(name, `${longest.what} has ${length} of ${LOCAL_PART_LIMIT} characters before the @ (with ${whose})`);
}

function wildcard(address: string | null): ((key: string) => string) | null {
  if (!address || !address.includes('%{key}')) return null;
  const template = compileTemplate(address);
  return (key) => template.build(key);
}

function localLength(address: string): number {
  return address.lastIndexOf('@');
}

function firstExisting(dir: string): string {
  return existsSync(dir) || path.dirname(dir) === dir ? dir : firstExisting(path.dirname(dir));
}
