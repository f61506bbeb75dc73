import { App, Stack } from 'aws-cdk-lib';

/** An environment-agnostic stack (AZs are tokens, 2 at most). */
export function agnosticStack(): Stack {
  return new Stack(new App(), 'Test');
}

/** A stack with a concrete account and region, whose three AZs are known at synth time. */
export function concreteStack(): Stack {
  const app = new App({
    context: {
      'availability-zones:account=111111111111:region=eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    },
  });
  return new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
}
