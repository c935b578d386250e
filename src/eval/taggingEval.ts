/** Placeholder until the tagging evaluation lands. */
export async function runTaggingEval(args: string[]): Promise<number> {
  process.stderr.write(`tagging evaluation is not built yet (args: ${args.join(' ')})\n`);
  return 1;
}
