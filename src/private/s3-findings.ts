import { IConstruct } from 'constructs';
import { acknowledgeFindings } from './acknowledge';

/** Cross-Region replication needs a bucket in another Region: a recovery decision left to the user. */
export function acknowledgeNoReplication(bucket: IConstruct): void {
  acknowledgeFindings(bucket,
    'Cross-Region replication needs a destination bucket in another Region and is a disaster-recovery decision ' +
    'of the data owner, not of this construct. The bucket is versioned and retained by default, so deleted or ' +
    'overwritten objects can be recovered; add a replication rule when the recovery objective needs a copy in another Region.', [
      'HIPAA.Security-S3BucketReplicationEnabled',
      'NIST.800.53.R5-S3BucketReplicationEnabled',
      'PCI.DSS.321-S3BucketReplicationEnabled',
    ]);
}
