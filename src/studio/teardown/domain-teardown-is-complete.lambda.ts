import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { isComplete, TeardownEvent } from './handler';

const clients = {
  sagemaker: new SageMakerClient({}),
  ec2: new EC2Client({}),
  efs: new EFSClient({}),
  cloudformation: new CloudFormationClient({}),
};

/** The is-complete handler of the Studio domain teardown provider. */
export async function handler(event: TeardownEvent) {
  return isComplete(event, clients);
}
