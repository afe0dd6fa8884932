import { splitMessage } from '../src/auth/messageParts.js';
import { resultSummary } from '../src/auth/results.js';
import { threadChecks } from '../src/auth/threadChecks.js';
import { benchRecords, dkimKey, startDns } from './lib/dns.js';

// The floor under bench:accept's signed figure, in a process of its own: the auth thread's setup
// must come before anything loads mailauth (see threadChecks), which the accept bench has done.
const SIZE = 4 * 1024;
const ROUNDS = 3;
const MESSAGES = 3000;

/**
 * CPU per DKIM-signed message on one thread, checked as the auth thread checks it (cut in two,
 * keys and key records remembered, SPF and DMARC verdicts reused), and the same message whole,
 * through mailauth's dkimVerify and its stream.
 */
async function main(): Promise<void> {
  const key = dkimKey();
  const dns = await startDns(benchRecords(key));
  try {
    const check = await threadChecks({
      authservId: 'postroom.test',
      dns: { servers: [dns.server], timeoutMs: 1000, cacheTtlMs: 60_000 },
    });
    // Loaded only now, after threadChecks: it signs with mailauth.
    const { signedBenchMessage } = await import('./lib/signedMail.js');
    const message = await signedBenchMessage(key, SIZE);
    const parts = splitMessage(message)!;
    const client = { ip: '127.0.0.1', helo: 'load.test', mailFrom: 'load@client.test' };
    const first = await check(parts, client);
    if (first.dkim[0]?.result !== 'pass') throw new Error(`the bench message does not verify: ${resultSummary(first)}`);
    const cpuUs = async (once: () => Promise<unknown>) => {
      const before = process.cpuUsage();
      for (let i = 0; i < MESSAGES; i++) await once();
      const used = process.cpuUsage(before);
      return (used.user + used.system) / MESSAGES;
    };
    // The first rounds warm the JIT up; the lowest is the one least disturbed by neighbours.
    const rounds: { check: number; stream: number }[] = [];
    for (let round = 0; round < ROUNDS; round++)
      rounds.push({
        check: await cpuUs(() => check(parts, client)),
        stream: await cpuUs(() => check(message, client)),
      });
    const lowest = (figure: 'check' | 'stream') => Math.min(...rounds.map((r) => r[figure])).toFixed(0);
    console.log(
      `auth_dkim_signed_check_cpu_us_per_msg ${lowest('check')} (one thread, as the auth thread checks it: DKIM, ARC, DMARC)`,
    );
    console.log(
      `auth_dkim_signed_stream_check_cpu_us_per_msg ${lowest('stream')} (the same through mailauth's dkimVerify stream, as a spilled message is)`,
    );
  } finally {
    await dns.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
