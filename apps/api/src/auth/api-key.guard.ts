import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { forbidden, unauthenticated } from '../http/problem';
import { ApiKeyRepository } from './api-key.repository';
import { Caller, Scope, SCOPE_KEY } from './scopes';

export type AuthenticatedRequest = FastifyRequest & { caller?: Caller };

/** `Authorization: Bearer <key>` → the caller; 401 without a valid key, 403 without the scope. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<Scope | undefined>(SCOPE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!scope) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw unauthenticated('send an API key as "Authorization: Bearer <key>"');
    const caller = await this.keys.findCaller(match[1]!);
    if (!caller) throw unauthenticated('the API key is unknown or revoked');
    if (!caller.scopes.includes(scope) && !caller.scopes.includes('admin')) throw forbidden(scope);
    request.caller = caller;
    return true;
  }
}
