import { DialogStateManager } from 'botbuilder-dialogs';

/**
 * botbuilder-dialogs parses a memory path ("turn.activity", "dialog._tracker") character by
 * character every time it is read or written, several times for every dialog context, which is
 * built many times a turn: about 3 % of a turn's CPU. A path without brackets always parses to the
 * same segments (only "[…]" can read memory), so those are parsed once and kept: a bounded map of
 * the library's own path strings, each caller getting its own copy of the segments.
 */
export const MAX_PATHS = 512;
let installed = false;
const parsed = new Map<string, ReadonlyArray<string | number>>();

export function rememberDialogPaths(): void {
  if (installed) return;
  installed = true;
  const proto = DialogStateManager.prototype;
  // Called below with the manager as `this`, as botbuilder calls it.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const parse = proto.parsePath;
  proto.parsePath = function parsePath(this: DialogStateManager, pathExpression: string, allowNestedPaths = true): (string | number)[] {
    if (pathExpression.includes('[')) return parse.call(this, pathExpression, allowNestedPaths);
    let segments = parsed.get(pathExpression);
    if (!segments) {
      segments = parse.call(this, pathExpression, allowNestedPaths);
      if (parsed.size < MAX_PATHS) parsed.set(pathExpression, segments);
    }
    return [...segments];
  };
}

/** How many parsed paths are kept. */
export function keptPathCount(): number {
  return parsed.size;
}
