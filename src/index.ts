export * from './network/endpoints';
export * from './network/studio-egress';
export * from './network/secure-studio-vpc';
export * from './network/egress-firewall';
export * from './studio/studio-domain';
export * from './studio/studio-user-profile';
export * from './identity/persona-roles';
