import { allow, ScopedStatement } from './scoped-policy';

/** The service name CodeArtifact asks STS bearer tokens for (`sts:AWSServiceName`). */
export const CODEARTIFACT_BEARER_SERVICE = 'codeartifact.amazonaws.com';

/**
 * `sts:GetServiceBearerToken` for CodeArtifact only, which `codeartifact:GetAuthorizationToken`
 * needs besides its own permission (CodeArtifact API reference, GetAuthorizationToken). The
 * action has no resource type, so the resource is `*`; the bearer token is usable with
 * CodeArtifact only, and there only with the CodeArtifact permissions of the caller.
 */
export function codeArtifactBearerToken(sid = 'CodeArtifactBearerToken'): ScopedStatement {
  return allow(sid, ['sts:GetServiceBearerToken'], ['*'], {
    conditions: { StringEquals: { 'sts:AWSServiceName': CODEARTIFACT_BEARER_SERVICE } },
    wildcardReason: 'sts:GetServiceBearerToken has no resource type, so the resource must be *; the condition sts:AWSServiceName ' +
      'limits the bearer token to CodeArtifact, where it grants nothing beyond the caller\'s CodeArtifact permissions ' +
      '(a package mirror grants codeartifact:GetAuthorizationToken on its own domain only).',
  });
}
