import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiDoc } from '../http/openapi/api-doc.decorator';
import { notFound } from '../http/problem';
import { parseOrThrow } from '../http/validation';
import { ApiKeyRepository } from './api-key.repository';
import { keyRequestSchema } from './key-request.schema';
import { keyIdParams, keysDocs } from './keys.docs';
import { RequireScope } from './scopes';

@ApiTags('keys')
@RequireScope('admin')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeyRepository) {}

  /** Create a key; the key itself is in this answer only. */
  @Post()
  @ApiDoc(keysDocs.create)
  async create(@Body() body: unknown) {
    const { name, scopes } = parseOrThrow(keyRequestSchema, body, 'key request');
    return this.keys.create(name, [...new Set(scopes)]);
  }

  @Get()
  @ApiDoc(keysDocs.list)
  async list() {
    return { items: await this.keys.list() };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiDoc(keysDocs.revoke)
  async revoke(@Param('id') id: string) {
    if (!keyIdParams.shape.id.safeParse(id).success || !(await this.keys.revoke(id)))
      throw notFound(`active key ${id}`);
  }
}
