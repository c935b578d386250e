/**
 * npm run eval -- routing FILE [--municipality ID] [--baseline bayes|nlpjs]
 * npm run eval -- tagging FILE|DIR [--municipality ID] [--baseline bayes]
 * npm run eval -- themes [FILE] [--folds K]
 * npm run eval -- masking FILE [--misses]
 * Prints a report, and as its last line one JSON object with the numbers.
 */
process.env.DOTENV_CONFIG_QUIET ??= 'true';

async function main(argv: string[]): Promise<number> {
  const [task, ...rest] = argv;
  switch (task) {
    case 'routing': {
      const { runRoutingEval } = await import('../eval/routingEval');
      return runRoutingEval(rest);
    }
    case 'tagging': {
      const { runTaggingEval } = await import('../eval/taggingEval');
      return runTaggingEval(rest);
    }
    case 'themes': {
      const { runThemesEval } = await import('../eval/themesEval');
      return runThemesEval(rest);
    }
    case 'masking': {
      const { runMaskingEval } = await import('../eval/maskingEval');
      return runMaskingEval(rest);
    }
    default:
      process.stderr.write(
        'usage: npm run eval -- routing FILE [--municipality ID] [--baseline bayes|nlpjs]\n' +
          '       npm run eval -- tagging FILE|DIR [--municipality ID] [--baseline bayes]\n' +
          '       npm run eval -- themes [FILE] [--folds K]\n' +
          '       npm run eval -- masking FILE [--misses]\n',
      );
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`eval failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
