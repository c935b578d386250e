/** Placeholder until the routing evaluation lands. */
export async function runRoutingEval(args: string[]): Promise<number> {
  process.stderr.write(`routing evaluation is not built yet (args: ${args.join(' ')})\n`);
  return 1;
}
