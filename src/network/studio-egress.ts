/**
 * How traffic from the studio subnets may reach the internet.
 */
export enum StudioEgressMode {
  /** No route to the internet: studio subnets are isolated and reach AWS only through VPC endpoints. */
  NONE = 'NONE',
  /** A default route to NAT gateways in public subnets. */
  NAT = 'NAT',
  /** NAT gateways whose internet traffic is meant to pass an EgressFirewall; reserves firewall subnets. */
  FIREWALL = 'FIREWALL',
}

/**
 * The egress layout of a SecureStudioVpc.
 */
export class StudioEgress {
  /**
   * Internet-free (the default): studio subnets are isolated, no internet gateway or NAT
   * gateway exists, and AWS services are reached only through VPC endpoints.
   */
  public static readonly NONE = new StudioEgress(StudioEgressMode.NONE, false);

  /**
   * One NAT gateway in a public subnet of every Availability Zone; each studio subnet's
   * default route points at the NAT gateway of its own AZ.
   */
  public static readonly NAT_PER_AZ = new StudioEgress(StudioEgressMode.NAT, false);

  /**
   * One NAT gateway shared by every AZ: cheaper, but the other AZs lose egress when its AZ
   * fails, and their traffic crosses AZs (data-transfer charges). An explicit cost choice.
   */
  public static readonly SHARED_NAT = new StudioEgress(StudioEgressMode.NAT, true);

  /**
   * NAT gateways per AZ plus one small firewall subnet per AZ, the layout an EgressFirewall
   * needs to inspect and allow-list all internet traffic.
   */
  public static readonly FIREWALL_READY = new StudioEgress(StudioEgressMode.FIREWALL, false);

  private constructor(
    /** The egress mode. */
    public readonly mode: StudioEgressMode,
    /** Whether all AZs share one NAT gateway. */
    public readonly sharedNatGateway: boolean,
  ) {}

  /** Whether the studio subnets have a route to the internet. */
  public get allowsInternet(): boolean {
    return this.mode !== StudioEgressMode.NONE;
  }
}
