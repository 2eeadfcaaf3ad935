import { SetMetadata } from '@nestjs/common';

export const SCOPES = ['ingest', 'read', 'audit', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const SCOPE_KEY = 'sitrep:scope';
/** The scope a route needs; `admin` holds every scope. Routes without it are public. */
export const RequireScope = (scope: Scope) => SetMetadata(SCOPE_KEY, scope);

export interface Caller {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
}
