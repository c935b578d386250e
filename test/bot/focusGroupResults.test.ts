/** The facilitator's results in Teams: what participants wrote is shown as plain text, never as Markdown or a live link. */
import { describe, expect, it } from 'vitest';
import { describeResult } from '../../src/bot/focusGroupCommands';
import { classifyStatement, type StatementsResult } from '../../src/domain/focusGroups/results';

describe('focus-group results for the facilitator', () => {
  it('neutralises Markdown and links in statements participants wrote, and keeps the template statements as written', () => {
    const result: StatementsResult = {
      type: 'statements',
      stepId: 'votes',
      question: { sv: 'Vad tycker ni?', en: 'What do you think?' },
      voters: 3,
      skips: 0,
      statements: [
        { id: 'seed-1', source: 'seed', text: { sv: 'Kommunen svarar snabbt', en: 'The municipality answers fast' }, agree: 2, disagree: 1, pass: 0, ...classifyStatement(2, 1) },
        { id: 'new-1', source: 'participant', text: '**Viktigt:** läs [mer här](https://evil.example/x) # nu', agree: 1, disagree: 0, pass: 0, ...classifyStatement(1, 0) },
      ],
    };
    const text = describeResult(result, 'sv');
    expect(text).toContain('Kommunen svarar snabbt');
    expect(text).toContain('Viktigt: läs mer här nu');
    expect(text).not.toMatch(/\*\*|\]\(|https?:|#/);
  });
});
