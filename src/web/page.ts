import { createReadStream, statSync } from 'node:fs';
import type { Request, Response } from 'restify';

export interface PageModel {
  title: string;
  /** The conversation's municipality; undefined renders the "which municipality?" page. */
  municipality: { id: string; name: string } | undefined;
  known: Array<{ id: string; name: string }>;
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The chat page. No inline script: the page's settings travel as JSON in a data block. */
export function renderPage(model: PageModel): string {
  const links = model.known
    .map((m) => `<li><a href="/?municipality=${encodeURIComponent(m.id)}">${escapeHtml(m.name)}</a></li>`)
    .join('');
  const body = model.municipality
    ? `<header class="bar"><h1>Företagslotsen <span>${escapeHtml(model.municipality.name)}</span></h1>
  <button id="new-conversation" type="button" title="Börja om med en ny konversation">Ny konversation</button></header>
  <main id="webchat" role="main" aria-label="Chatt med Företagslotsen"></main>
  <noscript>Chatten behöver JavaScript. Ring kommunens växel om du inte kan använda den.</noscript>
  <script id="lotsen-config" type="application/json">${JSON.stringify({ municipality: model.municipality.id, name: model.municipality.name }).replace(/</g, '\\u003c')}</script>
  <script src="/webchat/webchat.js"></script>
  <script src="/webchat/app.js"></script>`
    : `<main class="choose"><h1>Företagslotsen</h1><p>Den kommunen finns inte här. Välj kommun:</p><ul>${links}</ul></main>`;
  return `<!doctype html>
<html lang="sv">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(model.title)}</title>
  <link rel="stylesheet" href="/webchat/app.css">
</head>
<body>
  ${body}
</body>
</html>
`;
}

/** Serves one file from disk with a content type and caching for a day. */
export function serveStatic(file: string, contentType: string) {
  return async (_req: Request, res: Response): Promise<void> => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      res.status(404);
      res.json({ error: { code: 'NotFound', message: 'asset missing on the server' } });
      return;
    }
    res.writeHead(200, { 'content-type': contentType, 'content-length': size, 'cache-control': 'public, max-age=86400' });
    createReadStream(file).pipe(res);
  };
}
