import { EC2Client } from '@aws-sdk/client-ec2';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { SNSClient } from '@aws-sdk/client-sns';
import { configFromEnvironment, inspect, InspectorEvent } from './inspector';

const clients = { sagemaker: new SageMakerClient({}), sns: new SNSClient({}), ec2: new EC2Client({}) };
const config = configFromEnvironment(process.env);

/**
 * The StudioComplianceMonitor inspector: one CloudTrail event of a SageMaker create/update/start
 * call, or one SageMaker notebook instance state-change event.
 */
export async function handler(event: InspectorEvent) {
  return inspect(event, clients, config);
}
