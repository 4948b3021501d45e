export * from './platform-contract.types';
export * from './platform.errors';
export * from './platform-client';
export * from './platform-client.module';
export { PlatformCallbackParseError, parsePlatformCallback } from './platform-callback.parser';
export { parseInvitation, parseInvitationList, parseInvitationState, parseTestList } from './platform-response.parser';
