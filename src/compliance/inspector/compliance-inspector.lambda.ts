import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { CloudTrailEvent, configFromEnvironment, inspect } from './inspector';

const clients = { sagemaker: new SageMakerClient({}), sns: new SNSClient({}) };
const config = configFromEnvironment(process.env);

/** The StudioComplianceMonitor inspector: one CloudTrail event of a SageMaker create/update call. */
export async function handler(event: CloudTrailEvent) {
  return inspect(event, clients, config);
}
