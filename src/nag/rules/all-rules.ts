import { APP_SECURITY_GROUPS_NOT_OPEN } from './app-security-groups-not-open';
import { BUCKET_POLICY_SOURCE_VPCE_DENIES } from './bucket-policy-source-vpce-denies';
import { DOCKER_ACCESS_DISABLED } from './docker-access-disabled';
import { DOMAIN_CUSTOMER_MANAGED_KEY } from './domain-customer-managed-key';
import { DOMAIN_PACKAGE_SOURCE } from './domain-package-source';
import { DOMAIN_VPC_DNS_FIREWALL } from './domain-vpc-dns-firewall';
import { DOMAIN_VPC_FLOW_LOGS } from './domain-vpc-flow-logs';
import { DOMAIN_VPC_ONLY } from './domain-vpc-only';
import { EXECUTION_ROLE_NO_FULL_ACCESS } from './execution-role-no-full-access';
import { FIREWALL_NO_SHARED_STORAGE_DOMAINS } from './firewall-no-shared-storage-domains';
import { FIREWALL_POLICY_STRICT_DROP } from './firewall-policy-strict-drop';
import { FIREWALL_ROUTE_BY_AZ } from './firewall-route-by-az';
import { FIREWALL_TLS_SNI_CHECKED } from './firewall-tls-sni-checked';
import { IDLE_SHUTDOWN_ENABLED } from './idle-shutdown-enabled';
import { INTERFACE_ENDPOINT_POLICY } from './interface-endpoint-policy';
import { NOTEBOOK_SHARING_ENCRYPTED } from './notebook-sharing-encrypted';
import { S3_ENDPOINT_NO_WILDCARD_WRITES } from './s3-endpoint-no-wildcard-writes';
import { S3_GATEWAY_ENDPOINT_POLICY } from './s3-gateway-endpoint-policy';
import { STUDIO_BUCKET_ENDPOINT_RESTRICTED } from './studio-bucket-endpoint-restricted';
import { STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC } from './studio-vpc-flow-log-all-traffic';
import { StudioRule } from '../rule';

/** The rules of the SageMakerStudio pack, in the order of the README table. */
export const ALL_RULES: readonly StudioRule[] = [
  DOMAIN_VPC_ONLY,
  DOMAIN_CUSTOMER_MANAGED_KEY,
  NOTEBOOK_SHARING_ENCRYPTED,
  IDLE_SHUTDOWN_ENABLED,
  DOCKER_ACCESS_DISABLED,
  EXECUTION_ROLE_NO_FULL_ACCESS,
  APP_SECURITY_GROUPS_NOT_OPEN,
  DOMAIN_VPC_FLOW_LOGS,
  INTERFACE_ENDPOINT_POLICY,
  S3_GATEWAY_ENDPOINT_POLICY,
  BUCKET_POLICY_SOURCE_VPCE_DENIES,
  FIREWALL_POLICY_STRICT_DROP,
  FIREWALL_ROUTE_BY_AZ,
  DOMAIN_VPC_DNS_FIREWALL,
  FIREWALL_TLS_SNI_CHECKED,
  S3_ENDPOINT_NO_WILDCARD_WRITES,
  STUDIO_VPC_FLOW_LOG_ALL_TRAFFIC,
  FIREWALL_NO_SHARED_STORAGE_DOMAINS,
  STUDIO_BUCKET_ENDPOINT_RESTRICTED,
  DOMAIN_PACKAGE_SOURCE,
];
