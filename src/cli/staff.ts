/**
 * npm run staff -- add --name "Sara Lind" --role handler --municipality mora[,borlange|*] [--team id] [--aad ENTRA_OBJECT_ID]
 *                    prints the new member's dashboard token once (only its hash is stored)
 * npm run staff -- list
 * npm run staff -- disable --id ID
 * npm run staff -- retention [--municipality ID]
 *                    erases contact details of items and contact requests closed longer ago than the pack's retentionDays
 * npm run staff -- apikey add --municipality ID --name "System name"
 *                    prints a new Open311 API key for that jurisdiction once (only its hash is stored)
 * npm run staff -- apikey list | apikey revoke --id ID
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ConfigError, loadConfig, readDotEnv, repoRoot } from '../config';
import { createLogger } from '../log';
import { createStore } from '../store';
import { loadDataSet } from '../domain/packs/loader';
import { createTexts } from '../domain/texts';
import { createStaffService } from '../domain/staff/service';
import { staffRoles, type StaffRole } from '../domain/staff/types';
import { createStaffToken } from '../domain/staff/tokens';
import { argValue, positional } from '../eval/common';
import { createApiKey } from '../domain/staff/apiKeys';
import type { Store } from '../store/types';

const USAGE = `usage:
  npm run staff -- add --name NAME --role ${staffRoles.join('|')} --municipality ID[,ID…|*] [--team ID] [--aad OBJECT_ID]
  npm run staff -- list
  npm run staff -- disable --id ID
  npm run staff -- retention [--municipality ID]
  npm run staff -- apikey add --municipality ID --name NAME
  npm run staff -- apikey list
  npm run staff -- apikey revoke --id ID
`;

export async function runStaffCommand(args: string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const command = positional(args, ['--name', '--role', '--municipality', '--team', '--aad', '--id']);
  const config = loadConfig({ LOG_LEVEL: 'error', ...env });
  const data = loadDataSet(config.dataDir);
  const store = await createStore(config.store, { logger: createLogger('error'), timeoutMs: config.storeTimeoutMs });
  try {
    switch (command) {
      case 'add': {
        const name = argValue(args, '--name');
        const role = argValue(args, '--role') as StaffRole | undefined;
        const municipalities = (argValue(args, '--municipality') ?? '').split(',').map((m) => m.trim()).filter(Boolean);
        if (!name || !role || !staffRoles.includes(role) || municipalities.length === 0) {
          out(USAGE);
          return 2;
        }
        const unknown = municipalities.filter((m) => m !== '*' && !data.packs.has(m));
        if (unknown.length > 0) {
          out(`unknown municipality: ${unknown.join(', ')} (packs: ${[...data.packs.keys()].join(', ')})`);
          return 2;
        }
        const { token, hash } = createStaffToken();
        const id = randomUUID();
        await store.staff.put({
          id,
          name,
          role,
          municipalities,
          teams: argValue(args, '--team') ? [argValue(args, '--team') ?? ''] : [],
          aadObjectId: argValue(args, '--aad'),
          tokenHash: hash,
          createdAt: new Date().toISOString(),
        });
        out(`added ${name} (${role}, ${municipalities.join(', ')}), id ${id}`);
        out(`dashboard token (shown once, store it safely): ${token}`);
        return 0;
      }
      case 'list': {
        for (const member of await store.staff.list()) {
          out(`${member.id}  ${member.name}  ${member.role}  ${member.municipalities.join(',')}${member.aadObjectId ? `  entra:${member.aadObjectId}` : ''}${member.disabled ? '  (disabled)' : ''}`);
        }
        return 0;
      }
      case 'disable': {
        const id = argValue(args, '--id');
        const member = id ? await store.staff.get(id) : undefined;
        if (!member) {
          out(`no staff member ${id ?? ''}`);
          return 2;
        }
        await store.staff.put({ ...member, disabled: true, tokenHash: undefined });
        out(`disabled ${member.name}`);
        return 0;
      }
      case 'retention': {
        const staff = createStaffService({
          data,
          texts: createTexts(data.texts),
          store,
          now: () => new Date(),
          notify: async () => undefined,
        });
        const only = argValue(args, '--municipality');
        for (const id of only ? [only] : [...data.packs.keys()]) {
          const { erased, requestsErased } = await staff.applyRetention(id, 'retention');
          out(`${id}: contact details erased for ${erased} item(s) and ${requestsErased} contact request(s)`);
        }
        return 0;
      }
      case 'apikey':
        return await apiKeyCommand(args, store, data.packs, out);
      default:
        out(USAGE);
        return 2;
    }
  } finally {
    await store.close();
  }
}

async function apiKeyCommand(args: string[], store: Store, packs: ReadonlyMap<string, unknown>, out: (line: string) => void): Promise<number> {
  const sub = args[args.indexOf('apikey') + 1];
  switch (sub) {
    case 'add': {
      const municipality = argValue(args, '--municipality');
      const name = argValue(args, '--name');
      if (!municipality || !name) {
        out(USAGE);
        return 2;
      }
      if (!packs.has(municipality)) {
        out(`unknown municipality: ${municipality} (packs: ${[...packs.keys()].join(', ')})`);
        return 2;
      }
      const { key, record } = createApiKey(municipality, name, new Date());
      await store.apiKeys.put(record);
      out(`added Open311 API key ${record.id} for ${municipality} (${name})`);
      out(`api_key (shown once, store it safely): ${key}`);
      return 0;
    }
    case 'list': {
      for (const key of await store.apiKeys.list()) {
        out(`${key.id}  ${key.municipality}  ${key.name}  ${key.createdAt}${key.revokedAt ? `  (revoked ${key.revokedAt})` : ''}`);
      }
      return 0;
    }
    case 'revoke': {
      const id = argValue(args, '--id');
      const key = id ? await store.apiKeys.get(id) : undefined;
      if (!key) {
        out(`no API key ${id ?? ''}`);
        return 2;
      }
      await store.apiKeys.put({ ...key, revokedAt: key.revokedAt ?? new Date().toISOString() });
      out(`revoked ${key.id} (${key.municipality}, ${key.name})`);
      return 0;
    }
    default:
      out(USAGE);
      return 2;
  }
}

if (require.main === module) {
  runStaffCommand(process.argv.slice(2), { ...readDotEnv(join(repoRoot(), '.env')), ...process.env }, (line) => process.stdout.write(`${line}\n`)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
