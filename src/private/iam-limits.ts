/** IAM quotas the identity constructs check when they are built (IAM and AWS STS quotas). */
export const IamLimits = {
  /** Characters of a customer-managed policy document, white space not counted. */
  MANAGED_POLICY_CHARACTERS: 6_144,
  /** Managed policies attached to one role (default quota, adjustable to 20). */
  MANAGED_POLICIES_PER_ROLE: 10,
} as const;
