import { describe, expect, it } from 'vitest';
import { TurnContext, type Activity } from 'botbuilder';
import { turnOrigin } from '../../src/bot/identity';

const activity: Activity = {
  type: 'message',
  id: 'act-7',
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  conversation: { id: 'a:1xyz', isGroup: false, conversationType: 'personal', name: '', tenantId: 't-1' },
  from: { id: '29:user', name: 'Anna', aadObjectId: 'aad-1' },
  recipient: { id: '28:bot', name: 'Företagslotsen' },
  locale: 'sv-SE',
  text: 'hej',
  localTimezone: '',
  callerId: '',
  label: '',
  valueType: '',
  listenFor: [],
};

describe('turnOrigin: one activity → user key, address and source keys', () => {
  it('keeps the key formats stored items and requests already use', () => {
    const origin = turnOrigin(activity);
    expect(origin.user).toEqual({ channelId: 'msteams', userId: '29:user' });
    expect(origin.userKey).toBe('msteams:29:user');
    expect(origin.conversation).toEqual({ channelId: 'msteams', conversationId: 'a:1xyz' });
    expect(origin.activityId).toBe('act-7');
    // suggestion, focus-group and contact-request idempotency keys, as before the helper
    expect(origin.sourceKey('suggestion', 'i-1')).toBe('msteams:a:1xyz:suggestion:i-1');
    expect(origin.sourceKey(origin.activityId, 'focus')).toBe('msteams:a:1xyz:act-7:focus');
    expect(origin.sourceKey(origin.activityId)).toBe('msteams:a:1xyz:act-7');
  });

  it('the address is the conversation reference as plain JSON (nothing undefined, no class instances)', () => {
    const origin = turnOrigin(activity);
    expect(origin.address).toEqual(JSON.parse(JSON.stringify(TurnContext.getConversationReference(activity))));
    expect(origin.address).toMatchObject({ channelId: 'msteams', serviceUrl: activity.serviceUrl, conversation: { id: 'a:1xyz', tenantId: 't-1' }, activityId: 'act-7' });
    expect(turnOrigin({ ...activity, id: undefined }).activityId).toBe('');
  });
});
