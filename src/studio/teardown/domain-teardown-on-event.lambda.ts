import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { onEvent, TeardownEvent } from './handler';

const cloudformation = new CloudFormationClient({});

/** The on-event handler of the Studio domain teardown provider. */
export async function handler(event: TeardownEvent) {
  return onEvent(event, { cloudformation });
}
