import { allow, ScopedStatement } from './scoped-policy';

/**
 * Opening the MLflow UI of the given tracking servers, under a sign-in source condition:
 * the presigned URL of each server (`CreatePresignedMlflowTrackingServerUrl`, authorized on
 * the server) and the UI itself (`sagemaker-mlflow:AccessUI`, which has no resource type).
 * None when no server is given.
 */
export function mlflowSignInStatements(serverArns: string[], condition: Record<string, Record<string, unknown>>): ScopedStatement[] {
  if (serverArns.length === 0) {
    return [];
  }
  return [
    allow('OpenMlflowUiFromTheNetwork', ['sagemaker:CreatePresignedMlflowTrackingServerUrl'], serverArns, { conditions: condition }),
    allow('UseMlflowUi', ['sagemaker-mlflow:AccessUI'], ['*'], {
      wildcardReason: 'sagemaker-mlflow:AccessUI supports no resource-level permissions, so its resource must be *; the UI opens ' +
        'only with a presigned URL, which is granted for the named tracking servers alone.',
    }),
  ];
}
