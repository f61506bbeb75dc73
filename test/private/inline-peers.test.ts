import { inlinePrefixList } from '../../src/private/inline-peers';

test('a prefix list peer whose rules a security group writes inline, in either direction', () => {
  const peer = inlinePrefixList('pl-6da54004');
  expect(peer.canInlineRule).toBe(true);
  expect(peer.uniqueId).toBe('pl-6da54004');
  expect(peer.toEgressRuleConfig()).toEqual({ destinationPrefixListId: 'pl-6da54004' });
  expect(peer.toIngressRuleConfig()).toEqual({ sourcePrefixListId: 'pl-6da54004' });
  expect(peer.connections.securityGroups).toEqual([]);
});
