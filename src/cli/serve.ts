import { loadConfig } from '../config/index.js';
import { createLogger, flushLogs } from '../log/logger.js';
import { startPostroom } from '../wiring/postroom.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

export async function serve(args: ParsedArgs): Promise<void> {
  const config = loadConfig(configPath(args));
  const logger = createLogger(config.log.level);
  const running = await startPostroom(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    running.stop().then(
      () => {
        flushLogs();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'stop failed');
        flushLogs();
        process.exit(1);
      },
    );
  };
  // systemd's reload; left to Node, SIGHUP would end the process.
  process.on('SIGHUP', () => running.reload('SIGHUP'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
