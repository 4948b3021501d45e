import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'config-api:public-route';
export const VENDOR_ONLY = 'config-api:vendor-only';
export const SCOPED_ACCESS = 'config-api:scoped-access';

/** No authentication: the console's sign-in routes (they take the token or code in the body). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * Refused (403 VENDOR_ADMIN_ONLY) to account-scoped callers even on their own `/v1/accounts/:id`
 * routes: deleting the account, managing its tokens.
 */
export const VendorOnly = () => SetMetadata(VENDOR_ONLY, true);

/**
 * A route without an account `:id` that an account-scoped caller may use because the handler
 * limits the answer to the caller's account itself (the account list, failed jobs, the session).
 * Every other route without `:id` refuses scoped callers: AdminAuthGuard fails closed.
 */
export const ScopedAccess = () => SetMetadata(SCOPED_ACCESS, true);
