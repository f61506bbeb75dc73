import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53resolver from 'aws-cdk-lib/aws-route53resolver';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Where the DNS query logs of a VPC go: a log group, or a bucket (with a key prefix). */
export interface ResolverQueryLogOptions {
  readonly logGroup?: logs.ILogGroup;
  readonly bucket?: s3.IBucket;
}

/**
 * Route 53 Resolver query logging for one VPC (`DnsQueryLog` and `DnsQueryLogAssociation`):
 * every name the VPC's resources look up, with the DNS Firewall's verdict, goes to the
 * log group or the bucket (prefix `dns-query-logs/`).
 */
export function createResolverQueryLog(
  scope: Construct, vpcId: string, options: ResolverQueryLogOptions,
): route53resolver.CfnResolverQueryLoggingConfig {
  const destinationArn = options.bucket ? `${options.bucket.bucketArn}/dns-query-logs/` : options.logGroup!.logGroupArn;
  const config = new route53resolver.CfnResolverQueryLoggingConfig(scope, 'DnsQueryLog', { destinationArn });
  new route53resolver.CfnResolverQueryLoggingConfigAssociation(scope, 'DnsQueryLogAssociation', {
    resolverQueryLogConfigId: config.attrId,
    resourceId: vpcId,
  });
  return config;
}
