/**
 * npm run staff -- add --name "Sara Lind" --role handler --municipality mora[,borlange|*] [--team id] [--aad ENTRA_OBJECT_ID]
 *                    prints the new member's dashboard token once (only its hash is stored)
 * npm run staff -- list
 * npm run staff -- disable --id ID
 * npm run staff -- retention [--municipality ID]
 *                    erases contact details of items and contact requests closed longer ago than the pack's retentionDays
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

const USAGE = `usage:
  npm run staff -- add --name NAME --role ${staffRoles.join('|')} --municipality ID[,ID…|*] [--team ID] [--aad OBJECT_ID]
  npm run staff -- list
  npm run staff -- disable --id ID
  npm run staff -- retention [--municipality ID]
`;

export async function runStaffCommand(args: string[], env: Record<string, string | undefined>, out: (line: string) => void): Promise<number> {
  const command = positional(args, ['--name', '--role', '--municipality', '--team', '--aad', '--id']);
  const config = loadConfig({ LOG_LEVEL: 'error', ...env });
  const data = loadDataSet(config.dataDir);
  const store = await createStore(config.store, { logger: createLogger('error') });
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
      default:
        out(USAGE);
        return 2;
    }
  } finally {
    await store.close();
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
