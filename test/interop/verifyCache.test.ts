import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTracker } from '../../src/tracker/index.js';
import { postfixUnavailable, startPrivatePostfix, swaks, type PrivatePostfix } from '../helpers/postfix.js';
import { startTestPostroom, testConfigText, type TestPostroom } from '../helpers/postroom.js';

// docs/postfix.md, "The verification cache": the recipe's short times (1m / 30s for refusals),
// scaled down to seconds so the test need not wait a minute.
const RECIPE = {
  address_verify_negative_expire_time: '3s',
  address_verify_negative_refresh_time: '1s',
};
// Postfix's own defaults: a refusal is remembered for three days.
const DEFAULTS = {
  address_verify_negative_expire_time: '3d',
  address_verify_negative_refresh_time: '3h',
};
const TOKEN = 'glimt-verifycache0123456789';
const ADDRESS = `incoming+web-site-41-${TOKEN}-issue@postroom.test`;
const SWAKS_NO_RECIPIENT = 24;

const unavailable = postfixUnavailable();

describe.skipIf(unavailable)(
  `Postfix's address-verification cache and a tracker-backed RCPT answer${unavailable ? ` (skipped: ${unavailable})` : ''}`,
  () => {
    let postroom: TestPostroom | undefined;
    let recipe: PrivatePostfix | undefined;
    let cached: PrivatePostfix | undefined;

    beforeAll(async () => {
      // verify_keys on: Postroom asks its tracker whether the project and the token exist.
      postroom = await startTestPostroom('', (dir) =>
        testConfigText(dir).replace('verify_keys: false', 'verify_keys: true'),
      );
      recipe = await startPrivatePostfix({ relayPort: postroom.port, mainCf: RECIPE });
      cached = await startPrivatePostfix({ relayPort: postroom.port, mainCf: DEFAULTS });
    });
    afterAll(async () => {
      await recipe?.cleanup();
      await cached?.cleanup();
      await postroom?.cleanup();
    });

    /** Sends until Postfix has Postroom's answer: the first probe of a fresh Postfix can outlast its poll. */
    async function send(postfix: PrivatePostfix, label: string, until = (_code: number) => true) {
      for (let attempt = 1; ; attempt++) {
        const result = await swaks({
          port: postfix.port,
          from: 'jake@client.example.net',
          to: ADDRESS,
          messageId: `<${label}-${attempt}-${process.pid}@client.example.net>`,
        });
        const settled = !result.transcript.includes('Address verification in progress') && until(result.code);
        if (settled || attempt === 20) return result;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }

    it('with the recipe, an address refused once is accepted seconds after the tracker knows it', async () => {
      for (const postfix of [recipe!, cached!]) {
        const refused = await send(postfix, 'before');
        expect(refused.code, refused.transcript).toBe(SWAKS_NO_RECIPIENT);
        expect(refused.transcript).toMatch(
          /<\*\* 550 5\.1\.1 <[^>]+>: Recipient address rejected: undeliverable address/,
        );
      }

      const tracker = openTracker(postroom!.config.tracker.path);
      const user = tracker.createUser({
        username: 'jake',
        email: 'jake@client.example.net',
        incomingEmailToken: TOKEN,
      });
      const project = await tracker.createProject({ fullPath: 'web/site', id: 41 });
      if (!user.saved || !project.saved) throw new Error('the tracker refused the fixtures');
      tracker.addMember(project.record, user.record, 'developer');
      tracker.close();

      // The cached refusal expires, the next probe asks Postroom again.
      const accepted = await send(recipe!, 'after', (code) => code === 0);
      expect(accepted.code, accepted.transcript).toBe(0);
      expect(accepted.transcript).toMatch(/<- {2}250 2\.0\.0 Ok: queued as \w+/);
      // A Postfix that caches refusals keeps refusing what Postroom would now accept.
      const stale = await send(cached!, 'after-cached');
      expect(stale.code, stale.transcript).toBe(SWAKS_NO_RECIPIENT);
    });
  },
);
