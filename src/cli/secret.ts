import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type PostroomConfig } from '../config/index.js';
import {
  loadOrCreateSecretsKey,
  loadSecretsKey,
  parseCredentials,
  readEncryptedFile,
  SecretsError,
  writeEncryptedFile,
} from '../secrets/index.js';
import type { ParsedArgs } from './args.js';
import { configPath } from './configPath.js';

const USAGE = `usage: postroom secret write|show|edit <incoming_email|service_desk_email> [--config FILE]

  write   read "user: ..." and "password: ..." YAML from stdin and store it encrypted
  show    print the decrypted YAML
  edit    open $EDITOR on the decrypted YAML, then store it encrypted again

The key comes from POSTROOM_SECRETS_KEY (base64 of 32 bytes) or the file secrets.key_file
(default <dir of store.path>/secrets/key; the first write creates it).
`;
const EX_USAGE = 64;
const MAILBOX_SECTIONS = { incoming_email: 'incomingEmail', service_desk_email: 'serviceDeskEmail' } as const;
type MailboxSection = keyof typeof MAILBOX_SECTIONS;
const TEMPLATE = 'user: ""\npassword: ""\n';

/** Where the command reads and writes; the process's own streams unless a test passes others. */
export interface SecretIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  setExitCode(code: number): void;
}

const processIo: SecretIo = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** `postroom secret write|show|edit <mailbox>`: GitLab's gitlab:incoming_email:secret:* for Postroom. */
export async function secret(args: ParsedArgs, io: SecretIo = processIo): Promise<void> {
  const [action, mailbox] = args.positional;
  if (
    !['write', 'show', 'edit'].includes(action ?? '') ||
    !mailbox ||
    !(mailbox in MAILBOX_SECTIONS) ||
    args.positional.length > 2
  ) {
    io.stderr.write(USAGE);
    io.setExitCode(EX_USAGE);
    return;
  }
  // Credentials are not decrypted here: this command must work while the encrypted file is broken.
  const config = loadConfig(configPath(args, io.env), io.env, { encryptedCredentials: false });
  const file = config[MAILBOX_SECTIONS[mailbox as MailboxSection]].encryptedSecretFile;
  try {
    if (action === 'write') await write(config, file, mailbox, io);
    else if (action === 'show') show(config, file, mailbox, io);
    else await edit(config, file, mailbox, io);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    io.stderr.write(`postroom secret: ${error.message}\n`);
    io.setExitCode(1);
  }
}

async function write(config: PostroomConfig, file: string, mailbox: string, io: SecretIo): Promise<void> {
  if (io.stdin.isTTY) io.stderr.write('type user: and password: lines, then Ctrl-D\n');
  const text = await readAll(io.stdin);
  parseCredentials(text, 'stdin');
  store(config, file, mailbox, text, io);
}

function show(config: PostroomConfig, file: string, mailbox: string, io: SecretIo): void {
  const plaintext = readExisting(config, file, io);
  if (plaintext === undefined)
    throw new SecretsError(
      `no encrypted credentials for ${mailbox} at ${file} (create them with postroom secret write)`,
    );
  io.stdout.write(plaintext.endsWith('\n') ? plaintext : `${plaintext}\n`);
}

async function edit(config: PostroomConfig, file: string, mailbox: string, io: SecretIo): Promise<void> {
  const editor = io.env.EDITOR;
  if (!editor) throw new SecretsError('set EDITOR to the editor to open, e.g. EDITOR=vi');
  const before = readExisting(config, file, io) ?? TEMPLATE;
  // The plaintext has to touch the disk for the editor: a private directory, removed afterwards.
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'postroom-secret-'));
  try {
    const draft = path.join(scratch, `${mailbox}.yaml`);
    writeFileSync(draft, before, { mode: 0o600 });
    const status = await runEditor(editor, draft, io.env);
    if (status !== 0) throw new SecretsError(`the editor exited with status ${status}; nothing saved`);
    const after = readFileSync(draft, 'utf8');
    if (after === before) {
      io.stderr.write(`no changes; ${file} left as it was\n`);
      return;
    }
    parseCredentials(after, 'the edited credentials');
    store(config, file, mailbox, after, io);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The decrypted file, or undefined when there is none yet (then no key is needed). */
function readExisting(config: PostroomConfig, file: string, io: SecretIo): string | undefined {
  if (!existsSync(file)) return undefined;
  return readEncryptedFile(file, loadSecretsKey({ keyFile: config.secrets.keyFile, env: io.env }));
}

function store(config: PostroomConfig, file: string, mailbox: string, text: string, io: SecretIo): void {
  const { key, createdKeyFile } = loadOrCreateSecretsKey({ keyFile: config.secrets.keyFile, env: io.env });
  if (createdKeyFile)
    io.stderr.write(
      `created the secrets key ${createdKeyFile}; back it up: without it the credentials cannot be read\n`,
    );
  writeEncryptedFile(file, text, key);
  io.stderr.write(`stored the ${mailbox} credentials encrypted in ${file}\n`);
}

/** EDITOR may carry arguments ("code --wait"), so a shell splits it; the file name is passed apart so it is never parsed. */
function runEditor(editor: string, file: string, env: Record<string, string | undefined>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${editor} "$1"`, 'postroom-secret-edit', file], { stdio: 'inherit', env });
    child.once('error', (error) => reject(new SecretsError(`cannot start the editor ${editor}: ${error.message}`)));
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
