import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SecureStudio, StudioEgress, StudioPersona } from '../../src';
import { nagErrors } from '../helpers/nag';

/** The README's headline example ("In 20 lines"), as written there. */
function headline(): { stack: Stack; studio: SecureStudio } {
  const app = new App();
  const stack = new Stack(app, 'Studio', { env: { region: 'eu-west-1' } });
  const studio = new SecureStudio(stack, 'Studio', {
    team: 'fraud',
    availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    egress: StudioEgress.FIREWALL_READY,
    allowedDomains: ['pypi.org', 'files.pythonhosted.org'],
    dataBuckets: ['data', 'models'],
    users: [
      { name: 'alice', persona: StudioPersona.DATA_SCIENTIST },
      { name: 'bob', persona: StudioPersona.MLOPS },
    ],
  });
  return { stack, studio };
}

test('the README\'s cdk-nag recipe passes on the headline example: no unacknowledged error', () => {
  const { stack } = headline();
  Template.fromStack(stack);
  expect(nagErrors(stack)).toEqual([]);
});

test('a grant to a role of the user\'s own is the user\'s finding, reported on that role\'s policy', () => {
  const { stack, studio } = headline();
  const reporting = new iam.Role(stack, 'Reporting', { assumedBy: new iam.AccountRootPrincipal() });
  studio.findBucket('data')!.grantRead(reporting);
  Template.fromStack(stack);
  const errors = nagErrors(stack);
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.every((error) => error.endsWith('@ Studio/Reporting/DefaultPolicy/Resource'))).toBe(true);
});
