/**
 * Which Delete of the teardown custom resource tears its domain down, and the proof that
 * CloudFormation itself is deleting it (docs/decisions/040-domain-teardown.md). Not part of
 * the public API.
 */
// The AWS SDK v3 is provided by the Lambda runtime and externalized from the bundle.
/* eslint-disable import/no-extraneous-dependencies */
import {
  CloudFormationClient, DescribeStackEventsCommand, DescribeStackResourceCommand, DescribeStacksCommand, GetTemplateCommand,
} from '@aws-sdk/client-cloudformation';
import { errorName, log, RetryOptions, withRetry } from './aws-calls';

/** Stack states in which every resource of the stack is deleted: a stack deletion, or the rollback of a failed creation. */
const STACK_DELETING = new Set(['DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS']);

/**
 * Stack states in which CloudFormation deletes the resources an update left behind: old
 * physical resources replaced by the update (UPDATE_COMPLETE_CLEANUP_IN_PROGRESS), or the new
 * ones a failed update had created (UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS), and
 * resources removed from the template.
 */
const CLEANUP = new Set(['UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS']);

/** Stack-level statuses that begin a stack operation, newest first in the stack's events. */
const OPERATION_START = new Set(['CREATE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'IMPORT_IN_PROGRESS']);

const DOMAIN_TYPE = 'AWS::SageMaker::Domain';

/** Whether a Delete tears the domain down, and why. */
export interface TeardownDecision {
  readonly tearDown: boolean;
  readonly why: string;
}

/** The fields of a CloudFormation request that identify the custom resource. */
export interface ResourceIdentity {
  readonly StackId: string;
  readonly LogicalResourceId?: string;
  readonly PhysicalResourceId?: string;
  readonly ResourceType?: string;
}

/** The physical id of the custom resource of a domain: it changes exactly when the domain is replaced. */
export function teardownPhysicalId(domainId: string): string {
  return `teardown-${domainId}`;
}

function namesDomain(physicalId: string, domainId: string): boolean {
  // A domain's physical id is its id or its ARN (arn:...:domain/<id>); either is accepted.
  return physicalId === domainId || physicalId.endsWith(`:domain/${domainId}`);
}

/**
 * Whether the domain is still one of the stack's domains: the physical resource of an
 * `AWS::SageMaker::Domain` of the stack's current template. After an update, the template is
 * the new one; after a rolled-back update, the previous one.
 */
export async function isStackDomain(
  cloudformation: CloudFormationClient, stackId: string, domainId: string, retry: RetryOptions = {},
): Promise<boolean> {
  const body = (await withRetry(() => cloudformation.send(new GetTemplateCommand({ StackName: stackId, TemplateStage: 'Processed' })), retry)).TemplateBody ?? '';
  let resources: Record<string, { Type?: string }>;
  try {
    resources = JSON.parse(body).Resources ?? {};
  } catch {
    throw new Error(`The template of stack ${stackId} is not JSON, so the teardown cannot tell whether domain ${domainId} stays in the stack; nothing was deleted`);
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource?.Type !== DOMAIN_TYPE) continue;
    let physicalId: string | undefined;
    try {
      const command = new DescribeStackResourceCommand({ StackName: stackId, LogicalResourceId: logicalId });
      const response = await withRetry(() => cloudformation.send(command), retry);
      physicalId = response.StackResourceDetail?.PhysicalResourceId;
    } catch (error) {
      // CloudFormation answers ValidationError for a logical id with no resource (e.g. a condition that is false).
      if (errorName(error) === 'ValidationError') continue;
      throw error;
    }
    if (physicalId && namesDomain(physicalId, domainId)) {
      return true;
    }
  }
  return false;
}

/**
 * Whether a Delete of the custom resource tears its domain down:
 *
 * - the stack is being deleted, or a failed creation rolls back: yes;
 * - an update's cleanup phase: yes if the domain is no longer the stack's domain (the update
 *   replaced it, removed it, or the update that created it rolled back); no if it stays (the
 *   custom resource was removed because the removal policy is no longer DESTROY);
 * - any other state: no.
 */
export async function decideTeardown(
  cloudformation: CloudFormationClient, stackId: string, domainId: string, retry: RetryOptions = {},
): Promise<TeardownDecision> {
  const response = await withRetry(() => cloudformation.send(new DescribeStacksCommand({ StackName: stackId })), retry);
  const status = response.Stacks?.[0]?.StackStatus ?? '';
  let decision: TeardownDecision;
  if (STACK_DELETING.has(status)) {
    decision = { tearDown: true, why: `the stack is ${status}` };
  } else if (CLEANUP.has(status)) {
    decision = await isStackDomain(cloudformation, stackId, domainId, retry)
      ? { tearDown: false, why: `the stack is ${status} and domain ${domainId} stays in it` }
      : { tearDown: true, why: `the stack is ${status} and domain ${domainId} is no longer in it (replaced or removed)` };
  } else {
    decision = { tearDown: false, why: `the stack is ${status}` };
  }
  log('Teardown decision', { stackId, domainId, status, ...decision });
  return decision;
}

/**
 * When CloudFormation began deleting this custom resource (its DELETE_IN_PROGRESS event in
 * the stack's current operation), in milliseconds since the epoch. This is the teardown's
 * clock, and the proof that the request is CloudFormation's: an event naming another physical
 * id (another domain) finds no such stack event and tears nothing down.
 */
export async function deletionStartedAt(
  cloudformation: CloudFormationClient, resource: ResourceIdentity, retry: RetryOptions = {}, maxPages = 20,
): Promise<number> {
  const startedAt = await findDeletionEvent(cloudformation, resource, retry, maxPages)
    // Once more after a short wait, in case the event was not yet readable.
    ?? await (retry.sleep ?? defaultSleep)(3000).then(() => findDeletionEvent(cloudformation, resource, retry, maxPages));
  if (startedAt === undefined) {
    throw new Error(`CloudFormation is not deleting ${resource.ResourceType} ${resource.LogicalResourceId} `
      + `(${resource.PhysicalResourceId}) in the current operation of stack ${resource.StackId}; nothing was deleted`);
  }
  return startedAt;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function findDeletionEvent(
  cloudformation: CloudFormationClient, resource: ResourceIdentity, retry: RetryOptions, maxPages: number,
): Promise<number | undefined> {
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const command = new DescribeStackEventsCommand({ StackName: resource.StackId, NextToken: token });
    const response = await withRetry(() => cloudformation.send(command), retry);
    for (const event of response.StackEvents ?? []) {
      if (event.ResourceStatus === 'DELETE_IN_PROGRESS'
        && event.LogicalResourceId === resource.LogicalResourceId
        && event.PhysicalResourceId === resource.PhysicalResourceId
        && event.ResourceType === resource.ResourceType
        && event.Timestamp) {
        return event.Timestamp.getTime();
      }
      if (event.ResourceType === 'AWS::CloudFormation::Stack' && event.PhysicalResourceId === resource.StackId && OPERATION_START.has(event.ResourceStatus ?? '')) {
        return undefined;
      }
    }
    token = response.NextToken;
    if (!token) break;
  }
  return undefined;
}
