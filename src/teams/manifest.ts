/**
 * The Teams app manifest (schema 1.17) for one municipality's bot: a personal app and a bot in
 * teams and group chats, with the bot id from configuration.
 */
import type { Pack } from '../domain/packs/loader';

export const MANIFEST_VERSION = '1.17';
export const MANIFEST_SCHEMA = `https://developer.microsoft.com/en-us/json-schemas/teams/v${MANIFEST_VERSION}/MicrosoftTeams.schema.json`;

export interface ManifestInput {
  /** The Azure Bot's Microsoft App ID (a GUID); also the Teams app id. */
  botId: string;
  pack: Pack;
  /** The public https URL of the bot, for validDomains and the web chat link. */
  publicUrl?: string;
  version: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function buildManifest(input: ManifestInput): Record<string, unknown> {
  if (!GUID.test(input.botId)) {
    throw new Error(`MicrosoftAppId must be the Azure Bot's app id (a GUID such as 00000000-0000-0000-0000-000000000000), got "${input.botId}"`);
  }
  const m = input.pack.municipality;
  const website = m.website;
  const host = input.publicUrl ? new URL(input.publicUrl).host : undefined;
  const semver = /^\d+\.\d+\.\d+$/.test(input.version) ? input.version : '1.0.0';
  return {
    $schema: MANIFEST_SCHEMA,
    manifestVersion: MANIFEST_VERSION,
    version: semver,
    id: input.botId,
    developer: {
      name: m.name,
      websiteUrl: website,
      privacyUrl: website,
      termsOfUseUrl: website,
    },
    name: { short: 'Företagslotsen', full: `Företagslotsen – ${m.name}`.slice(0, 100) },
    description: {
      short: `Hitta rätt i ${m.name} som företagare`.slice(0, 80),
      full: `Företagslotsen hjälper företagare att hitta rätt i ${m.name}: vem du ska kontakta, hur tillstånd och lov går till och vad du ska förbereda. Du kan också lämna förslag till ${m.strategy.feedbackName} och be att få prata med en människa.`.slice(
        0,
        4000,
      ),
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#0B4F6C',
    bots: [
      {
        botId: input.botId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [
          {
            scopes: ['personal', 'team', 'groupChat'],
            commands: [
              { title: 'hjälp', description: 'Vad Företagslotsen kan hjälpa till med' },
              { title: 'lämna förslag', description: `Lämna ett förslag till ${m.strategy.feedbackName}`.slice(0, 128) },
              { title: 'mina förslag', description: 'Se dina förslag och deras status' },
              { title: 'prata med en människa', description: 'Bli kontaktad av kommunen' },
            ],
          },
        ],
      },
    ],
    permissions: ['identity', 'messageTeamMembers'],
    validDomains: host ? [host] : [],
  };
}
