import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Request, Response } from 'restify';
import type { Language } from '../domain/packs/schema';
import type { Texts } from '../domain/texts';

export interface PageModel {
  language: Language;
  texts: Texts;
  /** The conversation's municipality; undefined renders the "which municipality?" page. */
  municipality: { id: string; name: string } | undefined;
  known: Array<{ id: string; name: string }>;
}

const LANGUAGES: readonly Language[] = ['sv', 'en'];

/** The page's language: `?lang=en` or `?lang=sv`, Swedish otherwise. */
export function pageLanguage(requested: unknown): Language {
  return LANGUAGES.find((language) => language === requested) ?? 'sv';
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const pageUrl = (municipality: string, language: Language): string =>
  `/?municipality=${encodeURIComponent(municipality)}${language === 'sv' ? '' : `&lang=${language}`}`;

/** The chat page. No inline script: the page's settings travel as JSON in a data block. */
export function renderPage(model: PageModel): string {
  const lang = model.language;
  const t = (key: string, vars?: Record<string, string>) => model.texts.t(lang, key, vars);
  const title = model.municipality ? t('web.title', { municipality: model.municipality.name }) : 'Företagslotsen';
  const links = model.known
    .map((m) => `<li><a href="${escapeHtml(pageUrl(m.id, lang))}">${escapeHtml(m.name)}</a></li>`)
    .join('');
  let body: string;
  if (model.municipality) {
    // The switch names each other language in that language (a reader of it finds it).
    const switches = LANGUAGES.filter((other) => other !== lang)
      .map(
        (other) =>
          `<a class="language" href="${escapeHtml(pageUrl(model.municipality?.id ?? '', other))}" hreflang="${other}" lang="${other}" title="${escapeHtml(model.texts.t(other, 'web.languageSwitch'))}" data-language="${other}">${escapeHtml(model.texts.t(other, 'web.languageName'))}</a>`,
      )
      .join('');
    const settings = {
      municipality: model.municipality.id,
      name: model.municipality.name,
      language: lang,
      texts: { startFailed: t('web.startFailed') },
    };
    body = `<header class="bar"><h1>Företagslotsen <span>${escapeHtml(model.municipality.name)}</span></h1>
  <nav class="tools">${switches}<button id="new-conversation" type="button" title="${escapeHtml(t('web.newConversationHint'))}">${escapeHtml(t('web.newConversation'))}</button></nav></header>
  <main id="webchat" role="main" aria-label="${escapeHtml(t('web.chatLabel'))}"></main>
  <noscript>${escapeHtml(t('web.noscript'))}</noscript>
  <script id="lotsen-config" type="application/json">${JSON.stringify(settings).replace(/</g, '\\u003c')}</script>
  <script src="/webchat/webchat.js"></script>
  <script src="/webchat/app.js"></script>`;
  } else {
    body = `<main class="choose"><h1>Företagslotsen</h1><p>${escapeHtml(t('web.chooseMunicipality'))}</p><ul>${links}</ul></main>`;
  }
  return `<!doctype html>
<html lang="${lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <link rel="stylesheet" href="/webchat/app.css">
</head>
<body>
  ${body}
</body>
</html>
`;
}

// --- Static assets ---------------------------------------------------------------------------

interface PreparedAsset {
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  br: Buffer;
}

type Encoding = 'br' | 'gzip' | 'identity';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/**
 * The encoding to send for an Accept-Encoding header: brotli, then gzip, else none. Honours q
 * values (q=0 refuses) and "*".
 */
export function chooseEncoding(header: string | undefined): Encoding {
  if (!header) return 'identity';
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name, q === undefined ? 1 : Number(q) || 0);
  }
  const weight = (name: string): number => weights.get(name) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).filter((name) => weight(name) > 0).sort((a, b) => weight(b) - weight(a))[0];
  return best ?? 'identity';
}

async function prepare(file: string): Promise<PreparedAsset> {
  const identity = await readFile(file);
  const [gz, br] = await Promise.all([
    gzipAsync(identity, { level: 9 }),
    // Quality 9: about a tenth of the size for well under a second once (11 takes ~10 s for Web Chat's bundle).
    brotliAsync(identity, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: 9,
        [zlib.BROTLI_PARAM_SIZE_HINT]: identity.length,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
      },
    }),
  ]);
  const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}"`;
  return { etag, identity, gzip: gz, br };
}

const matchesEtag = (header: string | undefined, etag: string): boolean =>
  header !== undefined && header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed === etag || trimmed === `W/${etag}`;
  });

/**
 * Serves one file from disk, compressed (brotli or gzip, as the browser accepts) from copies made
 * once per version of the file (mtime and size) and kept in memory, with an ETag (304 when the
 * browser has it) and the given Cache-Control.
 */
export function serveStatic(file: string, contentType: string, cacheControl = 'public, max-age=86400') {
  let cached: { version: string; asset: Promise<PreparedAsset> } | undefined;
  return async (req: Request, res: Response): Promise<void> => {
    let asset: PreparedAsset;
    try {
      const info = await stat(file);
      const version = `${info.mtimeMs}:${info.size}`;
      if (cached?.version !== version) {
        const next = { version, asset: prepare(file) };
        cached = next;
        // A failed read is tried again on the next request.
        next.asset.catch(() => {
          if (cached === next) cached = undefined;
        });
      }
      asset = await cached.asset;
    } catch {
      res.status(404);
      res.json({ error: { code: 'NotFound', message: 'asset missing on the server' } });
      return;
    }
    const headers: Record<string, string | number> = {
      'content-type': contentType,
      'cache-control': cacheControl,
      etag: asset.etag,
      vary: 'Accept-Encoding',
    };
    if (matchesEtag(req.header('if-none-match'), asset.etag)) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const encoding = chooseEncoding(req.header('accept-encoding'));
    const body = encoding === 'br' ? asset.br : encoding === 'gzip' ? asset.gzip : asset.identity;
    if (encoding !== 'identity') headers['content-encoding'] = encoding;
    headers['content-length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}
