import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { notFound } from '../http/problem';
import { parseOrThrow } from '../http/validation';
import { ApiKeyRepository } from './api-key.repository';
import { RequireScope, SCOPES } from './scopes';

const newKey = z.strictObject({
  name: z.string().min(1).max(100),
  scopes: z.array(z.enum(SCOPES)).min(1),
});

@ApiTags('keys')
@ApiBearerAuth()
@RequireScope('admin')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Create a key; the key itself is in this answer only. */
  @Post()
  async create(@Body() body: unknown) {
    const { name, scopes } = parseOrThrow(newKey, body, 'key request');
    return this.keys.create(name, [...new Set(scopes)]);
  }

  @Get()
  async list() {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id') id: string) {
    if (!z.uuid().safeParse(id).success || !(await this.keys.revoke(id)))
      throw notFound(`active key ${id}`);
  }
}
