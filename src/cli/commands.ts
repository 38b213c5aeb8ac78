/** Every CLI command, in the order `gatehouse --help` lists them. */
import type { Command } from './command.js';
import { serveCommand } from './serve.js';
import { configValidateCommand } from './config-validate.js';
import { cryptoHashGenerateCommand, cryptoHashValidateCommand } from './crypto-hash.js';
import { cryptoPairEcdsaGenerateCommand, cryptoPairRsaGenerateCommand } from './crypto-pair.js';
import { cryptoRandCommand } from './crypto-rand.js';
import { storageMigrateStatusCommand, storageMigrateUpCommand } from './storage-migrate.js';
import { sessionsListCommand, sessionsRevokeCommand } from './sessions.js';
import { storageUserWebAuthnDeleteCommand, storageUserWebAuthnListCommand } from './storage-user-webauthn.js';
import { storageUserTotpDeleteCommand, storageUserTotpExportCommand } from './storage-user-totp.js';

export const commands: readonly Command[] = [
  serveCommand,
  configValidateCommand,
  cryptoHashGenerateCommand,
  cryptoHashValidateCommand,
  cryptoPairRsaGenerateCommand,
  cryptoPairEcdsaGenerateCommand,
  cryptoRandCommand,
  storageMigrateUpCommand,
  storageMigrateStatusCommand,
  storageUserTotpDeleteCommand,
  storageUserTotpExportCommand,
  storageUserWebAuthnListCommand,
  storageUserWebAuthnDeleteCommand,
  sessionsListCommand,
  sessionsRevokeCommand,
];
